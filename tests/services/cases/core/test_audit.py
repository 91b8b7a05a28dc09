"""The hash-chained audit log: intact chains verify; every kind of tampering is named."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone
from itertools import pairwise

import pytest

from services.cases.core.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditRecord,
    Break,
    ChainAnchor,
    SecurityAction,
    chain,
    verify_chain,
)
from services.common.errors import InvalidArgument
from tests.services.cases.factory import T0


def build(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for i in range(n):
        record = AuditRecord(
            at=T0 + timedelta(seconds=i),
            actor="ana" if i % 2 else "system:screening_hit",
            action="case.StatusChanged" if i % 3 else SecurityAction.LOGIN_SUCCEEDED.value,
            target=f"case:{i // 3}",
            details={"n": i, "new": "investigating", "nested": {"b": [1, 2], "a": None}},
        )
        entries.append(chain(record, entries[-1] if entries else None))
    return entries


def test_an_untouched_chain_verifies() -> None:
    entries = build(10)
    report = verify_chain(entries)
    assert report.ok
    assert report.checked == 10
    assert report.head == ChainAnchor(10, entries[-1].hash)
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in pairwise(entries))
    assert "intact: 10 entries" in report.describe()


def test_an_empty_log_verifies() -> None:
    assert verify_chain([]).ok


def test_an_edited_entry_is_named() -> None:
    entries = build(10)
    entries[4] = replace(entries[4], details={**entries[4].details, "new": "closed"})
    report = verify_chain(entries)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (5, Break.ALTERED)
    assert report.checked == 4
    assert "BROKEN at entry #5" in report.describe()


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link() -> None:
    entries = build(10)
    forged = chain(
        AuditRecord(entries[4].at, "mallory", "case.StatusChanged", "case:1", {}), entries[3]
    )
    entries[4] = forged
    report = verify_chain(entries)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (6, Break.MISLINKED)


@pytest.mark.parametrize("field", ["actor", "action", "target"])
def test_any_edited_field_is_detected(field: str) -> None:
    entries = build(5)
    entries[2] = replace(entries[2], **{field: "tampered"})  # type: ignore[arg-type]  # str fields
    broken = verify_chain(entries).broken
    assert broken is not None
    assert (broken.seq, broken.kind) == (3, Break.ALTERED)


def test_an_edited_time_is_detected() -> None:
    entries = build(5)
    entries[1] = replace(entries[1], at=entries[1].at + timedelta(microseconds=1))
    assert verify_chain(entries).broken.seq == 2  # type: ignore[union-attr]


def test_a_deleted_entry_is_named() -> None:
    entries = build(10)
    del entries[6]
    report = verify_chain(entries)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (8, Break.OUT_OF_SEQUENCE)
    assert "missing" in report.broken.explanation


def test_reordered_entries_are_named() -> None:
    entries = build(10)
    entries[3], entries[4] = entries[4], entries[3]
    report = verify_chain(entries)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (5, Break.OUT_OF_SEQUENCE)


def test_an_inserted_entry_is_named() -> None:
    entries = build(10)
    inserted = chain(AuditRecord(T0, "mallory", "case.CommentAdded", "case:1", {}), entries[4])
    entries.insert(5, inserted)
    report = verify_chain(entries)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (6, Break.OUT_OF_SEQUENCE)


def test_an_inserted_and_renumbered_entry_breaks_the_link_after_it() -> None:
    entries = build(6)
    inserted = chain(AuditRecord(T0, "mallory", "case.CommentAdded", "case:1", {}), entries[2])
    renumbered = [replace(e, seq=e.seq + 1) for e in entries[3:]]
    tampered = [*entries[:3], inserted, *renumbered]
    report = verify_chain(tampered)
    assert report.broken is not None
    assert report.broken.seq == 5  # the old #4, renumbered: its content no longer matches
    assert report.broken.kind is Break.ALTERED


def test_entries_cut_from_the_end_are_found_with_an_anchor() -> None:
    entries = build(10)
    anchor = ChainAnchor(10, entries[-1].hash)
    assert verify_chain(entries[:7]).ok  # undetectable without an anchor
    report = verify_chain(entries[:7], anchor=anchor)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (8, Break.TRUNCATED)
    assert verify_chain(entries, anchor=anchor).ok
    longer = build(12)  # the same first ten entries, then two more: the anchor still holds
    assert verify_chain(longer, anchor=anchor).ok


def test_a_rewritten_chain_is_found_with_an_anchor() -> None:
    entries = build(6)
    anchor = ChainAnchor(4, entries[3].hash)
    rewritten: list[AuditEntry] = []
    for e in entries:
        details = {**e.details, "n": -1} if e.seq == 2 else e.details
        record = AuditRecord(e.at, e.actor, e.action, e.target, details)
        rewritten.append(chain(record, rewritten[-1] if rewritten else None))
    assert verify_chain(rewritten).ok
    report = verify_chain(rewritten, anchor=anchor)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (4, Break.ALTERED)


def test_verification_resumes_from_a_trusted_start() -> None:
    entries = build(10)
    assert verify_chain(entries[5:], start=ChainAnchor(5, entries[4].hash)).ok
    assert not verify_chain(entries[5:], start=ChainAnchor(5, "f" * 64)).ok


def test_details_are_normalised_so_they_verify_after_a_storage_round_trip() -> None:
    record = AuditRecord(T0, "ana", "case.X", "case:1", {"when": T0, "items": ("a", "b")})
    entry = chain(record, None)
    assert entry.details == {"when": "2025-03-03T09:00:00+00:00", "items": ["a", "b"]}
    assert verify_chain([entry]).ok


def test_unserialisable_details_and_naive_times_are_refused() -> None:
    with pytest.raises(InvalidArgument):
        chain(AuditRecord(T0, "ana", "x", "y", {"bad": object()}), None)
    with pytest.raises(InvalidArgument):
        chain(AuditRecord(T0.replace(tzinfo=None), "ana", "x", "y", {}), None)


def test_the_same_instant_in_another_zone_hashes_the_same() -> None:
    here = chain(AuditRecord(T0, "ana", "x", "y", {}), None)
    there = chain(
        AuditRecord(T0.astimezone(timezone(timedelta(hours=4))), "ana", "x", "y", {}), None
    )
    assert here.hash == there.hash
