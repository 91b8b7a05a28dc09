"""The typo budget shared by every word comparison."""

from __future__ import annotations

from services.screening.core.compare_text import budget_similarity


def test_edits_within_the_budget_of_the_longer_word() -> None:
    assert budget_similarity("scholze", "scholz") > 0.8
    assert budget_similarity("trafalgura", "trafigura") > 0.0
    assert budget_similarity("putin", "pumin") == 0.8
    assert budget_similarity("jon", "joe") == 0.0  # three letters: no typo allowed


def test_a_shared_family_ending_does_not_pay_for_edits_in_the_stem() -> None:
    # Two edits fit a ten-letter word, not its four-letter stem "gela-" / "goga-".
    assert budget_similarity("gelashvili", "gogashvili") == 0.0
    assert budget_similarity("gelashvili", "gelashvilli") > 0.0  # one edit: still a typo
