"""Liveness: passive heuristics' APCER/BPCER, and the active challenge on synthetic sessions.

ISO/IEC 30107-3 vocabulary: APCER = share of attack presentations accepted as bona fide (per
attack species), BPCER = share of bona fide presentations rejected. An attack whose face is
not even found counts as rejected (the verification fails with NO_FACE / FACE_LOST).
Calibration split: deepface_* images; evaluation split: every other bona fide image.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from bench.identity.attacks import Recapture, print_attack, screen_replay
from bench.identity.data import load
from bench.identity.sequences import close_eyes, mirrored, session_frames
from services.identity.core.face_model import default_face_model
from services.identity.core.faces import SELFIE_POLICY, detect_faces
from services.identity.core.images import RgbImage
from services.identity.core.liveness import (
    BaselineLivenessVerifier,
    ChallengePolicy,
    HeuristicPad,
    LivenessFrame,
    MotionPolicy,
    PadThresholds,
    issue_challenge,
)
from services.identity.core.liveness.signals import estimate_yaw, eye_openness

Attack = Callable[[RgbImage, np.random.Generator, Recapture], RgbImage]


@dataclass(frozen=True, slots=True)
class Presentation:
    """One image shown to the PAD: its species ("bona fide", "screen", ...) and split."""

    species: str
    split: str
    rejected: bool
    scores: tuple[float, float, float] | None


def _judge(pixels: RgbImage, species: str, split: str, pad: HeuristicPad) -> Presentation:
    faces = detect_faces(pixels, SELFIE_POLICY.stages, default_face_model())
    if not faces:
        return Presentation(species, split, True, None)
    verdict = pad.assess(pixels, faces[0].box)
    scores = (verdict.scores.moire, verdict.scores.print_texture, verdict.scores.glare)
    return Presentation(species, split, verdict.attack_suspected, scores)


def _webcam_sized(pixels: RgbImage) -> RgbImage:
    """The bona fide photo at webcam size, as an attacker would display or print it."""
    scale = min(1.0, 480.0 / max(pixels.shape[:2]))
    size = (round(pixels.shape[1] * scale), round(pixels.shape[0] * scale))
    return np.ascontiguousarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA))


def presentations(faces: Path, seed: int) -> list[Presentation]:
    """Bona fide photos, a synthetic screen replay and print of each, and the real samples."""
    rng = np.random.default_rng(seed)
    pad = HeuristicPad()
    attacks: dict[str, Attack] = {
        "synthetic screen": screen_replay,
        "synthetic print": print_attack,
    }
    judged = []
    for path in sorted((faces / "people").glob("*/*")):
        split = "calibration" if path.parent.name.startswith("deepface") else "evaluation"
        pixels = load(path)
        judged.append(_judge(pixels, "bona fide", split, pad))
        for species, attack in attacks.items():
            capture = Recapture(
                scale=float(rng.uniform(0.35, 0.6)),
                tilt_deg=float(rng.uniform(-6.0, 6.0)),
                blur_sigma=float(rng.uniform(0.3, 1.0)),
                jpeg_quality=int(rng.integers(70, 95)),
            )
            judged.append(_judge(attack(_webcam_sized(pixels), rng, capture), species, split, pad))
    live = faces / "liveness"
    judged.append(_judge(load(live / "live_image_T1.jpg"), "bona fide", "evaluation", pad))
    judged.append(_judge(load(live / "spoof_print_image_F1.jpg"), "real print", "evaluation", pad))
    judged.append(
        _judge(load(live / "spoof_screen_image_F2.jpg"), "real screen", "evaluation", pad)
    )
    return judged


def print_pad_table(judged: list[Presentation]) -> None:
    """BPCER for bona fide, APCER for each attack species, per split, then the score ranges."""
    print(f"\nPassive PAD heuristics ({PadThresholds()})")
    print(f"{'species':>18} {'split':>12} {'n':>4} {'rate':>16}")
    for species in (
        "bona fide",
        "synthetic screen",
        "synthetic print",
        "real print",
        "real screen",
    ):
        for split in ("calibration", "evaluation"):
            group = [p for p in judged if p.species == species and p.split == split]
            if not group:
                continue
            rejected = sum(p.rejected for p in group)
            if species == "bona fide":
                label, count = "BPCER", rejected
            else:
                label, count = "APCER", len(group) - rejected
            no_face = sum(p.scores is None for p in group)
            print(
                f"{species:>18} {split:>12} {len(group):>4} {label} {count:>3}/{len(group):<3}"
                f" ({count / len(group):6.1%})  no face found: {no_face}"
            )
    for index, name in enumerate(("moire", "print texture", "glare")):
        print(
            f"  {name:>13}: "
            + "  ".join(
                f"{species} max/min {_extreme(judged, species, index)}"
                for species in ("bona fide", "synthetic screen", "synthetic print")
            )
        )


def _extreme(judged: list[Presentation], species: str, index: int) -> str:
    values = [p.scores[index] for p in judged if p.species == species and p.scores]
    return f"{max(values):.3f}/{min(values):.3f}" if values else "-"


def _turned_pairs(faces: Path) -> list[tuple[str, RgbImage, RgbImage]]:
    """(person, frontal photo, photo turned to the subject's left) where the set has both."""
    model = default_face_model()
    pairs = []
    for person in sorted(p for p in (faces / "people").iterdir() if p.is_dir()):
        posed = []
        for path in sorted(person.iterdir()):
            pixels = load(path)
            found = detect_faces(pixels, SELFIE_POLICY.stages, model)
            if found:
                posed.append((estimate_yaw(model.landmarks(pixels, found[0].box)), pixels))
        frontal = min(posed, key=lambda p: abs(p[0]))
        turned = max(posed, key=lambda p: abs(p[0]))
        if abs(frontal[0]) <= 10.0 and abs(turned[0]) >= 20.0:
            left = turned[1] if turned[0] > 0 else mirrored(turned[1])
            pairs.append((person.name, frontal[1], left))
    return pairs


def print_active_table(faces: Path, sessions_per_person: int, seed: int) -> None:
    """Genuine synthetic sessions must pass; a held-up still photo and a face swapped
    between actions must fail (APCER of those two attack types)."""
    rng = random.Random(seed)
    model = default_face_model()
    verifier = BaselineLivenessVerifier(model)
    people = _turned_pairs(faces)
    genuine_failed = static_passed = swap_passed = total = 0
    for index, (_, frontal, left) in enumerate(people):
        other_frontal = people[(index + 1) % len(people)][1]
        for _ in range(sessions_per_person):
            challenge = issue_challenge(ChallengePolicy(), datetime.now(UTC), rng=rng)
            frames = session_frames(challenge.actions, frontal, left, model)
            genuine_failed += not verifier.verify(challenge, frames).passed
            still = [LivenessFrame(f.offset_ms, frontal) for f in frames]
            static_passed += verifier.verify(challenge, still).passed
            swapped = session_frames(challenge.actions, other_frontal, left, model)
            swap_passed += verifier.verify(challenge, swapped).passed
            total += 1
    print(
        f"\nActive challenge on synthetic sessions: {len(people)} people with a frontal and a"
        f" turned photo, {total} sessions (3 random actions each)"
    )
    print(f"  genuine sessions rejected (BPCER)          {genuine_failed}/{total}")
    print(f"  still photo held up, accepted (APCER)      {static_passed}/{total}")
    print(f"  face swapped between actions, accepted     {swap_passed}/{total}")


def print_blink_table(faces: Path) -> None:
    """How often painting the eyes shut drops `eye_openness` below the blink threshold."""
    model = default_face_model()
    drop = MotionPolicy().blink_drop
    ratios = []
    for path in sorted((faces / "people").glob("*/*")):
        pixels = load(path)
        found = detect_faces(pixels, SELFIE_POLICY.stages, model)
        shut = close_eyes(pixels, model)
        shut_found = detect_faces(shut, SELFIE_POLICY.stages, model)
        if not found or not shut_found:
            continue
        before = eye_openness(pixels, model.landmarks(pixels, found[0].box))
        after = eye_openness(shut, model.landmarks(shut, shut_found[0].box))
        ratios.append(after / before if before > 0 else 1.0)
    caught = sum(r < drop for r in ratios)
    print(
        f"\nSynthetic blinks (eyes painted shut) on {len(ratios)} photos: openness fell below "
        f"{drop:.0%} of the open value in {caught}/{len(ratios)} ({caught / len(ratios):.0%}),"
        f" median ratio {float(np.median(ratios)):.2f}"
    )
