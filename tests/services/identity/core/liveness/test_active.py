"""Reading actions out of observations (pure: no images)."""

from __future__ import annotations

import pytest

from services.identity.core.face_model import Box
from services.identity.core.liveness import Action, FrameObservation, MotionPolicy
from services.identity.core.liveness.active import match_actions, open_eye_baseline

FACE = Box(0, 0, 100, 100)
POLICY = MotionPolicy()


def _frames(*poses: tuple[float, float] | None) -> list[FrameObservation]:
    """(yaw, openness) per frame; None for a frame without a face."""
    return [
        FrameObservation(i, i * 100)
        if pose is None
        else FrameObservation(i, i * 100, FACE, None, pose[0], pose[1])
        for i, pose in enumerate(poses)
    ]


FRONT = (0.0, 1.0)
LEFT = (25.0, 1.0)
RIGHT = (-25.0, 1.0)
CLOSED = (2.0, 0.3)


def test_actions_in_order_are_found_with_their_frames() -> None:
    frames = _frames(FRONT, LEFT, FRONT, CLOSED, FRONT, RIGHT)
    outcomes = match_actions(frames, (Action.TURN_LEFT, Action.BLINK, Action.TURN_RIGHT), POLICY)
    assert [(o.performed, o.frame_index) for o in outcomes] == [(True, 1), (True, 4), (True, 5)]


def test_actions_out_of_order_do_not_count() -> None:
    frames = _frames(FRONT, RIGHT, FRONT, LEFT, FRONT)
    outcomes = match_actions(frames, (Action.TURN_LEFT, Action.TURN_RIGHT), POLICY)
    assert [o.performed for o in outcomes] == [True, False]


def test_a_missing_action_fails_the_rest() -> None:
    frames = _frames(FRONT, FRONT, RIGHT, FRONT)
    outcomes = match_actions(frames, (Action.TURN_LEFT, Action.TURN_RIGHT), POLICY)
    assert [o.performed for o in outcomes] == [False, False]


def test_a_session_must_start_frontal() -> None:
    frames = _frames(LEFT, LEFT, RIGHT)
    outcomes = match_actions(frames, (Action.TURN_LEFT,), POLICY)
    assert not outcomes[0].performed


def test_blink_needs_the_eyes_to_reopen() -> None:
    closed_only = _frames(FRONT, FRONT, CLOSED, CLOSED)
    reopened = _frames(FRONT, FRONT, CLOSED, FRONT)
    assert not match_actions(closed_only, (Action.BLINK,), POLICY)[0].performed
    assert match_actions(reopened, (Action.BLINK,), POLICY)[0].frame_index == 3


def test_eye_dip_while_turned_is_not_a_blink() -> None:
    frames = _frames(FRONT, FRONT, (30.0, 0.2), FRONT)
    assert not match_actions(frames, (Action.BLINK,), POLICY)[0].performed


def test_frames_without_a_face_are_skipped() -> None:
    frames = _frames(FRONT, None, LEFT, None)
    outcome = match_actions(frames, (Action.TURN_LEFT,), POLICY)[0]
    assert outcome.performed
    assert outcome.frame_index == 2


def test_baseline_is_the_median_of_frontal_frames() -> None:
    frames = _frames(FRONT, (0.0, 0.8), CLOSED, LEFT, (1.0, 0.9))
    # CLOSED (yaw 2) is frontal too: median of 1.0, 0.8, 0.3, 0.9 is 0.85.
    assert open_eye_baseline(frames, POLICY) == pytest.approx(0.85)
    assert open_eye_baseline(_frames(LEFT, None), POLICY) == 0.0
