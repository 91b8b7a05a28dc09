"""The tamper-evident audit log: append-only entries, each hash-chained to the previous one.

Each entry's hash is SHA-256 over the canonical JSON (sorted keys, no whitespace, UTC times with
microseconds) of its sequence number, time, actor, action, target, details and the previous
entry's hash. Changing, deleting, inserting or reordering any entry therefore breaks a link, and
`verify_chain` names the first one that breaks.

A chain alone cannot reveal entries cut from its end, nor a rewrite of the whole chain by
someone who can recompute every hash. `ChainAnchor`s close both gaps: the head (seq, hash)
copied periodically to somewhere the database's writers cannot change (a log shipper, a
signed e-mail to the auditor) and passed back to `verify_chain`.

Case events, SAR events and security events (log-ins, key changes, SAR reads) all go in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import orjson

from services.common.errors import InvalidArgument

GENESIS_HASH = "0" * 64


class SecurityAction(StrEnum):
    """Security-relevant events that are audited beside the case work."""

    LOGIN_SUCCEEDED = "security.login_succeeded"
    LOGIN_FAILED = "security.login_failed"
    LOGIN_LOCKED_OUT = "security.login_locked_out"
    LOGOUT = "security.logout"
    KEY_ROTATED = "security.key_rotated"
    KEY_CREATED = "security.key_created"
    KEY_REVOKED = "security.key_revoked"
    SUPPRESSION_REVOKED = "security.suppression_revoked"
    OFFICER_CREATED = "security.officer_created"
    OFFICER_ROLES_CHANGED = "security.officer_roles_changed"
    OFFICER_DEACTIVATED = "security.officer_deactivated"
    PERMISSION_DENIED = "security.permission_denied"
    SAR_READ = "security.sar_read"
    SAR_EXPORTED = "security.sar_exported"
    AUDIT_VERIFIED = "security.audit_verified"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """Something to audit, before it is chained: who did what to which target, and details."""

    at: datetime
    actor: str
    action: str
    target: str
    details: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One link of the chain as stored: the record plus its place and hashes."""

    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    details: Mapping[str, object]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainAnchor:
    """A trusted copy of a chain position: verification starts or must end there."""

    seq: int
    hash: str


def _utc(at: datetime) -> str:
    if at.tzinfo is None:
        raise InvalidArgument.for_field("at", "audit times need a time zone")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_details(details: Mapping[str, object]) -> dict[str, object]:
    """Details as they will read back from storage: JSON-native, string keys only.

    Normalising before hashing means a datetime or tuple in `details` cannot verify today
    and fail after a database round-trip tomorrow.
    """
    try:
        loaded = orjson.loads(orjson.dumps(details, option=orjson.OPT_SORT_KEYS))
    except TypeError as exc:
        raise InvalidArgument.for_field("details", f"not JSON-serialisable: {exc}") from exc
    assert isinstance(loaded, dict)
    return loaded


def entry_hash(seq: int, record: AuditRecord, prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's content and its predecessor's hash."""
    body = {
        "seq": seq,
        "at": _utc(record.at),
        "actor": record.actor,
        "action": record.action,
        "target": record.target,
        "details": record.details,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def chain(record: AuditRecord, previous: AuditEntry | ChainAnchor | None) -> AuditEntry:
    """The entry that appends `record` after `previous` (None: the first entry of the log)."""
    seq = previous.seq + 1 if previous else 1
    prev_hash = previous.hash if previous else GENESIS_HASH
    normalised = AuditRecord(
        record.at, record.actor, record.action, record.target, canonical_details(record.details)
    )
    return AuditEntry(
        seq=seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        target=record.target,
        details=normalised.details,
        prev_hash=prev_hash,
        hash=entry_hash(seq, normalised, prev_hash),
    )


class Break(StrEnum):
    ALTERED = "altered"  # content no longer matches its own hash
    MISLINKED = "mislinked"  # does not point at the entry before it
    OUT_OF_SEQUENCE = "out_of_sequence"  # a number skipped, repeated or moved
    TRUNCATED = "truncated"  # ends before a trusted anchor


@dataclass(frozen=True, slots=True)
class BrokenLink:
    seq: int
    kind: Break
    explanation: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Result of a verification: how many entries were checked and the first broken link."""

    checked: int
    head: ChainAnchor | None
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.broken is None:
            head = f" (head #{self.head.seq} {self.head.hash[:16]}…)" if self.head else ""
            return f"audit chain intact: {self.checked} entries verified{head}"
        return f"audit chain BROKEN at entry #{self.broken.seq}: {self.broken.explanation}"


def verify_chain(
    entries: Iterable[AuditEntry],
    *,
    start: ChainAnchor | None = None,
    anchor: ChainAnchor | None = None,
) -> ChainReport:
    """Check every link in storage order; stop at the first that breaks.

    `start` resumes after a verified prefix (its last seq and hash). `anchor` is a trusted copy
    of a past head: the entry at its seq must carry its hash (else the chain was rewritten) and
    the log must reach it (else entries were cut from the end). Streams: memory stays flat.
    """
    previous: AuditEntry | ChainAnchor | None = start
    checked = 0
    for entry in entries:
        broken = _check_link(entry, previous) or _check_anchor(entry, anchor)
        if broken is not None:
            return ChainReport(checked, _anchor(previous), broken)
        previous, checked = entry, checked + 1
    head = _anchor(previous)
    return ChainReport(checked, head, _check_reaches(head, anchor))


def _check_anchor(entry: AuditEntry, anchor: ChainAnchor | None) -> BrokenLink | None:
    if anchor is None or entry.seq != anchor.seq or entry.hash == anchor.hash:
        return None
    explanation = "it differs from the anchored copy: the chain was rewritten up to here"
    return BrokenLink(entry.seq, Break.ALTERED, explanation)


def _check_reaches(head: ChainAnchor | None, anchor: ChainAnchor | None) -> BrokenLink | None:
    last = head.seq if head else 0
    if anchor is None or last >= anchor.seq:
        return None
    explanation = f"the log ends at #{last} but #{anchor.seq} was anchored: entries were removed"
    return BrokenLink(last + 1, Break.TRUNCATED, explanation)


def _anchor(position: AuditEntry | ChainAnchor | None) -> ChainAnchor | None:
    return None if position is None else ChainAnchor(position.seq, position.hash)


def _check_link(entry: AuditEntry, previous: AuditEntry | ChainAnchor | None) -> BrokenLink | None:
    expected_seq = previous.seq + 1 if previous else 1
    expected_prev = previous.hash if previous else GENESIS_HASH
    if entry.seq != expected_seq:
        what = "missing" if entry.seq > expected_seq else "repeated or moved"
        explanation = f"found #{entry.seq} where #{expected_seq} belongs: entries {what}"
        return BrokenLink(entry.seq, Break.OUT_OF_SEQUENCE, explanation)
    record = AuditRecord(entry.at, entry.actor, entry.action, entry.target, entry.details)
    if entry_hash(entry.seq, record, entry.prev_hash) != entry.hash:
        explanation = "its content was changed after it was written (hash mismatch)"
        return BrokenLink(entry.seq, Break.ALTERED, explanation)
    if entry.prev_hash != expected_prev:
        explanation = (
            f"it does not link to #{expected_seq - 1}: an entry was altered and rehashed, "
            "inserted or replaced before it"
        )
        return BrokenLink(entry.seq, Break.MISLINKED, explanation)
    return None
