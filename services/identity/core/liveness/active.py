"""Reading the challenge's actions out of a frame sequence.

Each frame is reduced to an observation (face box, yaw, eye openness); the actions must then
appear in the challenged order, each after the previous one, starting from a frontal pose.
Blinks are judged against the session's own open-eye baseline, so skin tone, lighting and
camera do not move the threshold.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from services.identity.core.face_model import Box, FaceModel, Landmarks5
from services.identity.core.faces import DetectionStage, detect_faces
from services.identity.core.images import RgbImage
from services.identity.core.liveness.challenge import Action
from services.identity.core.liveness.signals import estimate_yaw, eye_openness


@dataclass(frozen=True, slots=True, eq=False)
class LivenessFrame:
    """One client frame: milliseconds since the client's first frame, and its pixels."""

    offset_ms: int
    pixels: RgbImage


@dataclass(frozen=True, slots=True)
class FrameObservation:
    """What one frame shows; `face` is None when no face was found in it."""

    index: int
    offset_ms: int
    face: Box | None = None
    landmarks: Landmarks5 | None = None
    yaw_deg: float = 0.0
    openness: float = 0.0


@dataclass(frozen=True, slots=True)
class MotionPolicy:
    """Thresholds of the actions. Yaw in the approximate degrees of `estimate_yaw`."""

    turn_deg: float = 18.0
    frontal_deg: float = 10.0
    blink_drop: float = 0.6
    blink_recover: float = 0.85


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """Whether an action was seen, and in which frame (the completing one for a blink)."""

    action: Action
    performed: bool
    frame_index: int | None = None


def observe_frame(
    frame: LivenessFrame, index: int, model: FaceModel, stages: tuple[DetectionStage, ...]
) -> FrameObservation:
    """Locate the largest face of a frame and measure its yaw and eye openness."""
    found = detect_faces(frame.pixels, stages, model)
    if not found:
        return FrameObservation(index, frame.offset_ms)
    landmarks = model.landmarks(frame.pixels, found[0].box)
    return FrameObservation(
        index=index,
        offset_ms=frame.offset_ms,
        face=found[0].box,
        landmarks=landmarks,
        yaw_deg=estimate_yaw(landmarks),
        openness=eye_openness(frame.pixels, landmarks),
    )


def match_actions(
    observations: Sequence[FrameObservation], actions: Sequence[Action], policy: MotionPolicy
) -> tuple[ActionOutcome, ...]:
    """Find each action, in order, after the previous one; the first after a frontal frame.

    An action done out of order does not count; once one action is missing, the later ones
    are reported as not performed too (the order is part of the challenge).
    """
    start = next((o.index for o in observations if _frontal(o, policy)), None)
    baseline = open_eye_baseline(observations, policy)
    outcomes: list[ActionOutcome] = []
    position = None if start is None else start + 1
    for action in actions:
        found = (
            None if position is None else _find(action, observations[position:], baseline, policy)
        )
        outcomes.append(ActionOutcome(action, found is not None, found))
        position = None if found is None else found + 1
    return tuple(outcomes)


def open_eye_baseline(observations: Sequence[FrameObservation], policy: MotionPolicy) -> float:
    """Median eye openness over frontal frames: most of a session's frames have open eyes."""
    values = [o.openness for o in observations if _frontal(o, policy)]
    return statistics.median(values) if values else 0.0


def _find(
    action: Action,
    frames: Sequence[FrameObservation],
    baseline: float,
    policy: MotionPolicy,
) -> int | None:
    if action is Action.BLINK:
        return _find_blink(frames, baseline, policy)
    # TURN_LEFT is the applicant's own left: in an unmirrored frame the nose moves to the
    # image's right, which `estimate_yaw` reports as positive.
    sign = 1.0 if action is Action.TURN_LEFT else -1.0
    hit = next((o for o in frames if o.face and sign * o.yaw_deg >= policy.turn_deg), None)
    return None if hit is None else hit.index


def _find_blink(
    frames: Sequence[FrameObservation], baseline: float, policy: MotionPolicy
) -> int | None:
    """A dip below `blink_drop` x baseline followed by a recovery above `blink_recover` x."""
    if baseline <= 0.0:
        return None
    closed_seen = False
    for o in frames:
        if o.face is None or abs(o.yaw_deg) >= policy.turn_deg:
            continue  # eye measures are unreliable on a turned head
        if not closed_seen:
            closed_seen = o.openness < policy.blink_drop * baseline
        elif o.openness >= policy.blink_recover * baseline:
            return o.index
    return None


def _frontal(observation: FrameObservation, policy: MotionPolicy) -> bool:
    return observation.face is not None and abs(observation.yaw_deg) <= policy.frontal_deg
