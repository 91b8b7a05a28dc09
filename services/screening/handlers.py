"""Screening use cases: one function per verb, shared by the gRPC servicer and the Celery tasks.

Each takes a command (plain data, already converted from the wire) and `ScreeningDeps`, and
returns plain data. Errors are `services.common.errors` classes; the interceptor maps them.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from services.common.alerts import (
    Alert,
    AlertSink,
    AlertSource,
    ScreeningMatch,
    Severity,
    SubjectKind,
)
from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.screening.core.index import CandidateIndex
from services.screening.core.scoring import Match
from services.screening.core.screen import (
    DEFAULT_THRESHOLD,
    BatchCache,
    ScreeningResult,
    ScreenOptions,
    compare_parties,
    screen_party,
)
from services.screening.ports import (
    WHOLE,
    CustomerStore,
    ListDelta,
    ListVersionInfo,
    LiveLists,
    MonitoredCustomer,
    Partition,
    Suppression,
    SuppressionStore,
)
from watchlists.model import Party

log = logging.getLogger(__name__)
MAX_PAGE_SIZE = 100
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class VersionHistory:
    """The list versions this process has screened against, newest first (ListVersions)."""

    def __init__(self, keep: int = 50) -> None:
        self._keep = keep
        self._versions: list[ListVersionInfo] = []
        self._lock = threading.Lock()

    def observe(self, info: ListVersionInfo) -> None:
        if self._versions and self._versions[0].version == info.version:
            return
        with self._lock:
            if not self._versions or self._versions[0].version != info.version:
                self._versions = [info, *self._versions][: self._keep]

    def newest_first(self) -> tuple[ListVersionInfo, ...]:
        return tuple(self._versions)


@dataclass
class ScreeningDeps:
    """Everything the screening handlers use, built once per process (see `deps.py`)."""

    lists: LiveLists
    customers: CustomerStore
    suppressions: SuppressionStore
    alerts: AlertSink
    clock: Callable[[], datetime]
    defaults: ScreenOptions = field(default_factory=ScreenOptions)
    history: VersionHistory = field(default_factory=VersionHistory)


@dataclass(frozen=True, slots=True)
class OptionsInput:
    """Options as a request gives them: zero or empty means the server default."""

    lists: tuple[str, ...] = ()
    threshold: float = 0.0
    limit: int = 0
    cutoff: float = 0.0


@dataclass(frozen=True, slots=True)
class ScreenCommand:
    party: Party
    options: OptionsInput = OptionsInput()
    monitor: bool = False


@dataclass(frozen=True, slots=True)
class ScreenOutcome:
    result: ScreeningResult
    list_version: str
    monitored: bool


def resolve_options(given: OptionsInput, defaults: ScreenOptions) -> ScreenOptions:
    """Request options over server defaults; out-of-range values are field violations."""
    return ScreenOptions(
        threshold=given.threshold or defaults.threshold,
        cutoff=given.cutoff or defaults.cutoff,
        limit=given.limit or defaults.limit,
        lists=frozenset(given.lists) or defaults.lists,
        candidates=defaults.candidates,
    )


def _live(deps: ScreeningDeps) -> tuple[str, CandidateIndex]:
    snapshot, built = deps.lists.current
    deps.history.observe(built.info)
    return snapshot.version, built.index


def screen(
    command: ScreenCommand, deps: ScreeningDeps, batch: BatchCache | None = None
) -> ScreenOutcome:
    """Screen one party; with `monitor`, also keep it under ongoing screening. `batch` shares
    memos across the items of a bulk stream."""
    options = resolve_options(command.options, deps.defaults)
    version, index = _live(deps)
    result = screen_party(command.party, index, options, batch)
    if command.monitor:
        deps.customers.upsert(command.party, deps.clock())
    return ScreenOutcome(result, version, command.monitor)


def screen_batch(
    commands: Sequence[ScreenCommand], deps: ScreeningDeps
) -> list[ScreenOutcome | InvalidArgument]:
    """Screen many; a refused item yields its `InvalidArgument` in place (bulk streams)."""
    out: list[ScreenOutcome | InvalidArgument] = []
    batch = BatchCache()
    for command in commands:
        try:
            out.append(screen(command, deps, batch))
        except InvalidArgument as error:
            out.append(error)
    return out


@dataclass(frozen=True, slots=True)
class CompareCommand:
    party: Party
    entry_reference: str
    threshold: float = 0.0


def compare(command: CompareCommand, deps: ScreeningDeps) -> tuple[Match, str]:
    """One party against one entry of the live version, fully explained; (match, version)."""
    snapshot, built = deps.lists.current
    entry = snapshot.get(command.entry_reference)
    if entry is None:
        raise NotFound("list entry", command.entry_reference)
    threshold = command.threshold or deps.defaults.threshold or DEFAULT_THRESHOLD
    if not 0.0 < threshold <= 2.0:
        raise InvalidArgument.for_field("threshold", "must be in (0, 2]")
    return compare_parties(command.party, entry, built.index.stats, threshold), snapshot.version


def list_status(deps: ScreeningDeps) -> ListVersionInfo:
    """The version being screened against now."""
    _, built = deps.lists.current
    deps.history.observe(built.info)
    return built.info


def list_versions(
    page_size: int, page_token: str, deps: ScreeningDeps
) -> tuple[tuple[ListVersionInfo, ...], str, int]:
    """(page of versions newest first, next page token, total)."""
    list_status(deps)
    if page_size < 0:
        raise InvalidArgument.for_field("page.page_size", "must not be negative")
    size = min(page_size or 50, MAX_PAGE_SIZE)
    versions = deps.history.newest_first()
    start = _page_start(page_token, len(versions))
    page = versions[start : start + size]
    more = start + size < len(versions)
    return page, (f"v1:{start + size}" if more else ""), len(versions)


def _page_start(token: str, total: int) -> int:
    if not token:
        return 0
    found = re.fullmatch(r"v1:(\d{1,6})", token)
    if found is None or int(found.group(1)) > total:
        raise InvalidArgument.for_field("page.page_token", "is not a token this server issued")
    return int(found.group(1))


@dataclass(frozen=True, slots=True)
class SuppressCommand:
    customer_reference: str
    entry_reference: str
    entry_hash: str
    reason: str = ""


def suppress_hit(command: SuppressCommand, actor: str, deps: ScreeningDeps) -> Suppression:
    """Clear a hit as a false positive until the entry's or the customer's content changes."""
    problems = []
    if not command.entry_reference:
        problems.append(FieldViolation("entry_reference", "is required"))
    if not _HEX64.match(command.entry_hash):
        problems.append(FieldViolation("entry_hash", "must be the 64-character Hit.entry_hash"))
    if len(command.reason) > 2000:
        problems.append(FieldViolation("reason", "is longer than 2000 characters"))
    if problems:
        raise InvalidArgument("invalid suppression", problems)
    customer = deps.customers.get(command.customer_reference)
    if customer is None:
        raise NotFound("monitored customer", command.customer_reference)
    suppression = Suppression(
        customer_reference=customer.reference,
        entry_reference=command.entry_reference,
        entry_hash=command.entry_hash,
        customer_hash=customer.party_hash,
        reason=command.reason,
        created_by=actor,
        created_at=deps.clock(),
    )
    deps.suppressions.add(suppression)
    return suppression


@lru_cache(maxsize=65_536)
def entry_hash(party: Party) -> str:
    """Content hash of a list entry (cached: entries are immutable and shared)."""
    return party.content_hash()


@dataclass(frozen=True, slots=True)
class RescreenReport:
    """What one delta re-screening did."""

    entries: int
    customers: int
    alerts: int
    suppressed: int
    refused: int = 0  # stored customers the matcher now refuses (skipped, logged by reference)


def rescreen_delta(
    delta: ListDelta, version: str, deps: ScreeningDeps, partition: Partition = WHOLE
) -> RescreenReport:
    """Re-screen every monitored customer (of one partition) against the added and changed
    entries only, and raise an alert for each new match that is not suppressed (alert keys
    make this idempotent: a retried task raises nothing twice)."""
    entries = [*delta.added, *(new for _, new in delta.changed)]
    if not entries:
        return RescreenReport(0, 0, 0, 0)
    _, built = deps.lists.current
    # Rarity weights from the whole live version, not from the handful of changed entries.
    delta_index = CandidateIndex(entries, built.index.stats)
    options = ScreenOptions(
        threshold=deps.defaults.threshold, cutoff=deps.defaults.threshold, limit=50
    )
    customers = alerts = suppressed = refused = 0
    for customer in deps.customers.iterate(partition=partition):
        customers += 1
        try:
            hits = screen_party(customer.party, delta_index, options).hits
        except InvalidArgument as error:
            # Accepted when enrolled, refused by today's matcher (a name that is only a legal
            # form, say): one such customer must not fail the re-screening of all the others.
            refused += 1
            log.warning(
                "re-screening: customer refused by the matcher, skipped",
                extra={"fields": {"customer": customer.reference, "reason": error.reason}},
            )
            continue
        for match in hits:
            if _is_suppressed(customer, match, deps):
                suppressed += 1
                continue
            deps.alerts.raise_alert(hit_alert(customer, match, version, deps.clock()))
            alerts += 1
    return RescreenReport(len(entries), customers, alerts, suppressed, refused)


def _is_suppressed(customer: MonitoredCustomer, match: Match, deps: ScreeningDeps) -> bool:
    return deps.suppressions.is_suppressed(
        customer.reference, match.entry.id, entry_hash(match.entry), customer.party_hash
    )


def hit_alert(customer: MonitoredCustomer, match: Match, version: str, now: datetime) -> Alert:
    """The alert case intake receives for a re-screening hit (no PII beyond the match itself)."""
    digest = entry_hash(match.entry)
    return Alert(
        key=f"screening:{customer.reference}:{match.entry.id}:{digest[:16]}:{customer.party_hash[:16]}",
        source=AlertSource.RESCREENING_HIT,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id=customer.reference,
        severity=Severity.HIGH if match.score >= 1.0 else Severity.MEDIUM,
        title=f"New list match: {match.entry.source} entry {match.entry.id}",
        raised_at=now,
        summary=f"score {match.score:.2f} in list version {version}",
        evidence={
            "entry_reference": match.entry.id,
            "entry_hash": digest,
            "list": match.entry.source,
            "list_version": version,
            "topics": list(match.entry.topics),
            "score": match.score,
            "explanations": [
                {"feature": e.feature, "score": e.score, "weight": e.weight, "detail": e.detail}
                for e in match.explanations
            ],
        },
        related_subjects=(match.entry.id,),
        # What case management needs to turn a false-positive clearance into a suppression.
        match=ScreeningMatch(match.entry.id, digest, customer.party_hash, match.score),
    )
