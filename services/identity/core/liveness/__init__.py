"""Liveness: active challenge-response plus passive presentation-attack heuristics.

A baseline behind Protocols (`LivenessVerifier`, `PresentationAttackDetector`), measured with
APCER/BPCER in bench/identity; not a certified ISO/IEC 30107-3 presentation attack detector.
"""

from services.identity.core.liveness.active import (
    ActionOutcome,
    FrameObservation,
    LivenessFrame,
    MotionPolicy,
)
from services.identity.core.liveness.challenge import (
    Action,
    Challenge,
    ChallengePolicy,
    ChallengeStore,
    InMemoryChallengeStore,
    issue_challenge,
    redeem_challenge,
)
from services.identity.core.liveness.passive import (
    HeuristicPad,
    PadAssessment,
    PadScores,
    PadThresholds,
    PresentationAttackDetector,
)
from services.identity.core.liveness.verifier import (
    BaselineLivenessVerifier,
    LivenessPolicy,
    LivenessResult,
    LivenessVerifier,
)

__all__ = [
    "Action",
    "ActionOutcome",
    "BaselineLivenessVerifier",
    "Challenge",
    "ChallengePolicy",
    "ChallengeStore",
    "FrameObservation",
    "HeuristicPad",
    "InMemoryChallengeStore",
    "LivenessFrame",
    "LivenessPolicy",
    "LivenessResult",
    "LivenessVerifier",
    "MotionPolicy",
    "PadAssessment",
    "PadScores",
    "PadThresholds",
    "PresentationAttackDetector",
    "issue_challenge",
    "redeem_challenge",
]
