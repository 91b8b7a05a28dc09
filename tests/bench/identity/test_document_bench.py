"""The document bench's corruption count: every substitution is refused or in the blind spot."""

from __future__ import annotations

from bench.identity.document_bench import TD1_LONG, corruption_counts
from bench.identity.document_images import td3_lines
from services.identity.core.mrz import parse_mrz
from tests.services.identity.core.test_mrz_parser import TODAY


def test_generated_passport_lines_are_valid() -> None:
    lines = td3_lines("OBAMA", "BARACK", "X1234567", "610804", "M", "300101")
    doc = parse_mrz(lines, TODAY)
    assert doc.valid
    assert (doc.surname, doc.given_names, doc.document_number) == ("OBAMA", "BARACK", "X1234567")


def test_corruption_counts_add_up() -> None:
    tried, refused, blind = corruption_counts(TD1_LONG)
    # Line 1 from column 5 (25), line 2 but sex (7) and nationality (15-17): 25 + 26 positions.
    assert tried == 36 * 51
    assert refused + blind == tried
    assert 0 < blind < tried // 10
