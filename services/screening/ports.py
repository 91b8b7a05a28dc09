"""What the screening handlers need from the outside world, and in-memory versions of each.

- `LiveLists`: the live list snapshot and its index. `watchlists.registry.ListRegistry` (built
  with `build_screening_index`) satisfies it structurally; `StaticLists` is the in-memory one
  used by tests, the demo and servers started before any list was loaded.
- `CustomerStore`: monitored customers (PII encrypted at rest in the SQL adapter).
- `SuppressionStore`: hits cleared as false positives, keyed by both sides' content hashes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from services.screening.core.index import CandidateIndex
from watchlists.model import Party


class ListSnapshot(Protocol):
    """The parts of `watchlists.snapshot.Snapshot` screening reads."""

    @property
    def version(self) -> str: ...

    @property
    def parties(self) -> tuple[Party, ...]: ...

    def get(self, party_id: str) -> Party | None: ...


class ListDelta(Protocol):
    """The parts of `watchlists.snapshot.Delta` re-screening reads."""

    @property
    def old_version(self) -> str | None: ...

    @property
    def new_version(self) -> str: ...

    @property
    def added(self) -> Sequence[Party]: ...

    @property
    def changed(self) -> Sequence[tuple[Party, Party]]: ...

    @property
    def removed(self) -> Sequence[Party]: ...


@dataclass(frozen=True, slots=True)
class ListVersionInfo:
    """A loaded list version as GetListStatus / ListVersions describe it."""

    version: str
    loaded_at: datetime
    sources: tuple[tuple[str, int], ...]
    entries: int
    names: int


@dataclass(frozen=True, slots=True)
class ScreeningIndex:
    """What the registry keeps beside each snapshot: the candidate index and its description."""

    index: CandidateIndex
    info: ListVersionInfo


def build_screening_index(snapshot: ListSnapshot, clock: Callable[[], datetime]) -> ScreeningIndex:
    """The index factory for `ListRegistry`: built beside the live version, swapped atomically."""
    index = CandidateIndex(snapshot.parties)
    sources = tuple(sorted(Counter(p.source for p in snapshot.parties).items()))
    info = ListVersionInfo(snapshot.version, clock(), sources, len(index), index.name_count)
    return ScreeningIndex(index, info)


class LiveLists(Protocol):
    """The live list version and its index; reads never block on a reload."""

    @property
    def current(self) -> tuple[ListSnapshot, ScreeningIndex]: ...


@dataclass(frozen=True, slots=True)
class StaticSnapshot:
    """An immutable snapshot built from parties (version = hash of their content)."""

    version: str
    parties: tuple[Party, ...]
    by_id: dict[str, Party] = field(repr=False)

    @classmethod
    def of(cls, parties: Sequence[Party]) -> StaticSnapshot:
        digest = hashlib.sha256()
        for party in sorted(parties, key=lambda p: p.id):
            digest.update(party.id.encode() + b"\x00" + party.content_hash().encode())
        version = digest.hexdigest()[:16] if parties else "empty"
        return cls(version, tuple(parties), {p.id: p for p in parties})

    def get(self, party_id: str) -> Party | None:
        return self.by_id.get(party_id)


@dataclass(frozen=True, slots=True)
class StaticDelta:
    """Added, changed ((old, new) pairs) and removed parties between two snapshots."""

    old_version: str | None
    new_version: str
    added: tuple[Party, ...]
    changed: tuple[tuple[Party, Party], ...]
    removed: tuple[Party, ...]


def diff_snapshots(old: ListSnapshot | None, new: ListSnapshot) -> StaticDelta:
    """The delta between two snapshots, by party id and content hash."""
    before = {p.id: p for p in old.parties} if old is not None else {}
    added, changed = [], []
    for party in new.parties:
        previous = before.pop(party.id, None)
        if previous is None:
            added.append(party)
        elif previous.content_hash() != party.content_hash():
            changed.append((previous, party))
    old_version = old.version if old is not None else None
    return StaticDelta(
        old_version, new.version, tuple(added), tuple(changed), tuple(before.values())
    )


class StaticLists:
    """`LiveLists` over parties given in memory, reloadable: builds the new index beside the
    live one and swaps a single reference, so concurrent screens see one version or the other."""

    def __init__(self, parties: Sequence[Party], clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._listeners: list[Callable[[StaticDelta], None]] = []
        snapshot = StaticSnapshot.of(parties)
        self._current = (snapshot, build_screening_index(snapshot, clock))

    @property
    def current(self) -> tuple[StaticSnapshot, ScreeningIndex]:
        return self._current

    def reload(self, parties: Sequence[Party]) -> StaticDelta:
        """Build the new version, swap it in, tell subscribers the delta."""
        with self._lock:  # one reload at a time; readers never wait
            old = self._current[0]
            snapshot = StaticSnapshot.of(parties)
            built = (snapshot, build_screening_index(snapshot, self._clock))
            self._current = built
            delta = diff_snapshots(old, snapshot)
        for listener in self._listeners:
            listener(delta)
        return delta

    def subscribe(self, listener: Callable[[StaticDelta], None]) -> None:
        self._listeners.append(listener)


@dataclass(frozen=True, slots=True)
class Partition:
    """One of `count` stable hash partitions of the monitored customers: re-screening runs one
    task per partition, so worker processes on every core (and machine) share the work."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"partition {self.index} of {self.count} does not exist")

    def holds(self, reference: str) -> bool:
        if self.count == 1:
            return True
        digest = hashlib.blake2b(reference.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.index


WHOLE = Partition()


@dataclass(frozen=True, slots=True)
class MonitoredCustomer:
    """A party screened at onboarding and kept under ongoing screening."""

    reference: str
    party: Party
    party_hash: str
    enrolled_at: datetime


class CustomerStore(Protocol):
    def upsert(self, party: Party, now: datetime) -> MonitoredCustomer:
        """Store or replace the customer with this reference; returns the stored record."""
        ...

    def get(self, reference: str) -> MonitoredCustomer | None: ...

    def iterate(
        self, batch_size: int = 500, partition: Partition = WHOLE
    ) -> Iterator[MonitoredCustomer]:
        """Every monitored customer of the partition, in batches (memory stays flat)."""
        ...


@dataclass(frozen=True, slots=True)
class Suppression:
    """A hit an officer cleared as a false positive, valid while both hashes still hold."""

    customer_reference: str
    entry_reference: str
    entry_hash: str
    customer_hash: str
    reason: str
    created_by: str
    created_at: datetime


class SuppressionStore(Protocol):
    def add(self, suppression: Suppression) -> None:
        """Record it; adding the same key twice is a no-op."""
        ...

    def is_suppressed(
        self, customer_reference: str, entry_reference: str, entry_hash: str, customer_hash: str
    ) -> bool: ...


class InMemoryCustomerStore:
    """`CustomerStore` in a dict: tests and the embedded demo."""

    def __init__(self) -> None:
        self._customers: dict[str, MonitoredCustomer] = {}

    def upsert(self, party: Party, now: datetime) -> MonitoredCustomer:
        record = MonitoredCustomer(party.id, party, party.content_hash(), now)
        self._customers[party.id] = record
        return record

    def get(self, reference: str) -> MonitoredCustomer | None:
        return self._customers.get(reference)

    def iterate(
        self, batch_size: int = 500, partition: Partition = WHOLE
    ) -> Iterator[MonitoredCustomer]:
        yield from [c for c in self._customers.values() if partition.holds(c.reference)]


class InMemorySuppressionStore:
    """`SuppressionStore` in a dict keyed by (customer, entry, entry hash, customer hash)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str, str], Suppression] = {}

    def add(self, suppression: Suppression) -> None:
        key = (
            suppression.customer_reference,
            suppression.entry_reference,
            suppression.entry_hash,
            suppression.customer_hash,
        )
        self._items.setdefault(key, suppression)

    def is_suppressed(
        self, customer_reference: str, entry_reference: str, entry_hash: str, customer_hash: str
    ) -> bool:
        return (customer_reference, entry_reference, entry_hash, customer_hash) in self._items
