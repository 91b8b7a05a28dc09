"""The liveness decision: challenge actions performed, by one person, without attack artefacts.

`LivenessVerifier` is the seam: `BaselineLivenessVerifier` combines the active check (actions
read from 5-point landmarks) with a `PresentationAttackDetector`; a vendor SDK or a trained
model can implement the same Protocol. The challenge must already be redeemed (see
`challenge.redeem_challenge`): this module judges frames, not tokens.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from services.common.errors import ResourceExhausted
from services.identity.core.face_model import Encoding, FaceModel
from services.identity.core.faces import DetectionStage
from services.identity.core.liveness.active import (
    ActionOutcome,
    FrameObservation,
    LivenessFrame,
    MotionPolicy,
    match_actions,
    observe_frame,
)
from services.identity.core.liveness.challenge import Challenge
from services.identity.core.liveness.passive import (
    HeuristicPad,
    PadAssessment,
    PadScores,
    PresentationAttackDetector,
)
from services.identity.core.reasons import LivenessReason


@dataclass(frozen=True, slots=True)
class LivenessPolicy:
    """Frame budget, tolerated face dropouts, same-person distance and detection stages."""

    motion: MotionPolicy = field(default_factory=MotionPolicy)
    min_frames: int = 4
    max_frames: int = 120
    max_missing_face_share: float = 0.25
    same_person_distance: float = 0.6
    pad_frames: int = 3
    stages: tuple[DetectionStage, ...] = (DetectionStage(640), DetectionStage(640, upsample=1))


@dataclass(frozen=True, slots=True, eq=False)
class LivenessResult:
    """The verdict with its evidence. `reference_encoding` is the most frontal frame's face,
    usable as the selfie of a face match against the document."""

    passed: bool
    reasons: tuple[LivenessReason, ...]
    actions: tuple[ActionOutcome, ...]
    pad: PadAssessment | None
    reference_frame: int | None
    reference_encoding: Encoding | None
    frames: int
    elapsed_ms: float


class LivenessVerifier(Protocol):
    """Judges the frames a client sent for a redeemed challenge."""

    def verify(self, challenge: Challenge, frames: Sequence[LivenessFrame]) -> LivenessResult: ...


@dataclass(frozen=True, slots=True)
class BaselineLivenessVerifier:
    """Active challenge-response plus passive heuristics: a baseline, not a certified PAD."""

    model: FaceModel
    pad: PresentationAttackDetector = field(default_factory=HeuristicPad)
    policy: LivenessPolicy = field(default_factory=LivenessPolicy)

    def verify(self, challenge: Challenge, frames: Sequence[LivenessFrame]) -> LivenessResult:
        """Run every check and collect every failing reason (not only the first)."""
        started = time.perf_counter()
        early = self._frame_sequence_problem(challenge, frames)
        if early is not None:
            return _failed(early, challenge, len(frames), started)
        observations = [
            observe_frame(frame, i, self.model, self.policy.stages)
            for i, frame in enumerate(frames)
        ]
        reasons: list[LivenessReason] = []
        if _missing_share(observations) > self.policy.max_missing_face_share:
            reasons.append(LivenessReason.FACE_LOST)
        actions = match_actions(observations, challenge.actions, self.policy.motion)
        if not all(a.performed for a in actions):
            reasons.append(LivenessReason.ACTION_NOT_PERFORMED)
        reference = _most_frontal(observations)
        encoding = None
        if reference is not None:
            encoding = self._encode(frames, reference)
            if not self._same_person(frames, observations, actions, encoding):
                reasons.append(LivenessReason.FACE_CHANGED)
        pad = self._assess_pad(frames, observations, reference)
        if pad is not None:
            reasons.extend(pad.reasons)
        return LivenessResult(
            passed=not reasons,
            reasons=tuple(dict.fromkeys(reasons)),
            actions=actions,
            pad=pad,
            reference_frame=None if reference is None else reference.index,
            reference_encoding=encoding,
            frames=len(frames),
            elapsed_ms=round((time.perf_counter() - started) * 1000.0, 1),
        )

    def _frame_sequence_problem(
        self, challenge: Challenge, frames: Sequence[LivenessFrame]
    ) -> LivenessReason | None:
        if len(frames) > self.policy.max_frames:
            raise ResourceExhausted(
                f"{len(frames)} frames exceeds the limit of {self.policy.max_frames}",
                reason="LIVENESS_TOO_MANY_FRAMES",
            )
        if len(frames) < self.policy.min_frames:
            return LivenessReason.TOO_FEW_FRAMES
        offsets = [f.offset_ms for f in frames]
        if any(b <= a for a, b in itertools.pairwise(offsets)) or offsets[0] < 0:
            return LivenessReason.FRAMES_OUT_OF_ORDER
        lifetime_ms = (challenge.expires_at - challenge.issued_at).total_seconds() * 1000.0
        if offsets[-1] - offsets[0] > lifetime_ms:
            return LivenessReason.CHALLENGE_EXPIRED  # frames span longer than it lived
        return None

    def _encode(self, frames: Sequence[LivenessFrame], at: FrameObservation) -> Encoding:
        assert at.landmarks is not None  # only observations with a face are chosen
        return self.model.encode(frames[at.index].pixels, at.landmarks)

    def _same_person(
        self,
        frames: Sequence[LivenessFrame],
        observations: Sequence[FrameObservation],
        actions: Sequence[ActionOutcome],
        reference: Encoding,
    ) -> bool:
        """Every frame where an action was seen shows the reference frame's person: a swap
        of faces (or of photos) between actions fails."""
        for outcome in actions:
            if outcome.frame_index is None:
                continue
            encoding = self._encode(frames, observations[outcome.frame_index])
            if float(np.linalg.norm(encoding - reference)) > self.policy.same_person_distance:
                return False
        return True

    def _assess_pad(
        self,
        frames: Sequence[LivenessFrame],
        observations: Sequence[FrameObservation],
        reference: FrameObservation | None,
    ) -> PadAssessment | None:
        """The reference frame and a few evenly spaced others, merged by `_worst`."""
        with_face = [o for o in observations if o.face is not None]
        if not with_face:
            return None
        step = max(1, len(with_face) // max(1, self.policy.pad_frames))
        chosen = {o.index: o for o in with_face[::step][: self.policy.pad_frames]}
        if reference is not None:
            chosen[reference.index] = reference
        assessments = [
            self.pad.assess(frames[o.index].pixels, o.face) for o in chosen.values() if o.face
        ]
        return _worst(assessments)


def _worst(assessments: Sequence[PadAssessment]) -> PadAssessment:
    """Each heuristic's most suspicious score over the frames, and every reason raised."""
    scores = PadScores(
        moire=max(a.scores.moire for a in assessments),
        print_texture=max(a.scores.print_texture for a in assessments),
        glare=max(a.scores.glare for a in assessments),
    )
    reasons = dict.fromkeys(reason for a in assessments for reason in a.reasons)
    return PadAssessment(scores, tuple(reasons))


def _most_frontal(observations: Sequence[FrameObservation]) -> FrameObservation | None:
    with_face = [o for o in observations if o.face is not None]
    return min(with_face, key=lambda o: abs(o.yaw_deg), default=None)


def _missing_share(observations: Sequence[FrameObservation]) -> float:
    return sum(o.face is None for o in observations) / max(1, len(observations))


def _failed(
    reason: LivenessReason, challenge: Challenge, frames: int, started: float
) -> LivenessResult:
    return LivenessResult(
        passed=False,
        reasons=(reason,),
        actions=tuple(ActionOutcome(a, False) for a in challenge.actions),
        pad=None,
        reference_frame=None,
        reference_encoding=None,
        frames=frames,
        elapsed_ms=round((time.perf_counter() - started) * 1000.0, 1),
    )
