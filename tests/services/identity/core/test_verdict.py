"""From checks to a decision."""

from __future__ import annotations

import pytest

from services.identity.core.faces import FaceComparison, MatchThresholds, MatchVerdict
from services.identity.core.verdict import (
    Check,
    CheckStatus,
    Decision,
    decide,
    face_match_check,
    failing_reasons,
)

PASS = Check("selfie_face", CheckStatus.PASS, "OK", "")


def _fail(code: str, status: CheckStatus = CheckStatus.FAIL) -> Check:
    return Check("x", status, code, "")


@pytest.mark.parametrize(
    ("checks", "decision"),
    [
        ([PASS], Decision.APPROVED),
        ([], Decision.APPROVED),
        ([PASS, _fail("FACE_BLURRED")], Decision.RETRY),
        ([PASS, _fail("FACE_MATCH_INCONCLUSIVE")], Decision.REVIEW),
        ([PASS, _fail("PAD_SCREEN_SUSPECTED")], Decision.REVIEW),
        ([_fail("SOMETHING", CheckStatus.UNKNOWN)], Decision.REVIEW),
        ([_fail("FACE_MISMATCH")], Decision.DECLINED),
        ([_fail("DOCUMENT_EXPIRED")], Decision.DECLINED),
        # The most severe consequence wins.
        ([_fail("FACE_MATCH_INCONCLUSIVE"), _fail("NO_FACE")], Decision.RETRY),
        ([_fail("NO_FACE"), _fail("LIVENESS_CHALLENGE_REPLAYED")], Decision.DECLINED),
    ],
)
def test_decision(checks: list[Check], decision: Decision) -> None:
    assert decide(checks) is decision


def test_failing_reasons_are_deduplicated_in_order() -> None:
    checks = [_fail("B"), PASS, _fail("A"), _fail("B")]
    assert failing_reasons(checks) == ("B", "A")


def test_face_match_without_a_usable_pair_asks_for_a_retry() -> None:
    check = face_match_check(None, "MULTIPLE_FACES")
    assert check.status is CheckStatus.UNKNOWN
    assert decide([check]) is Decision.RETRY


def test_face_match_verdicts() -> None:
    review = FaceComparison(0.55, MatchVerdict.REVIEW, MatchThresholds())
    check = face_match_check(review)
    assert (check.status, check.reason_code) == (CheckStatus.FAIL, "FACE_MATCH_INCONCLUSIVE")
    assert "0.550" in check.detail
    assert decide([check]) is Decision.REVIEW
