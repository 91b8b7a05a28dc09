"""What the onboarding handlers need from the outside world, with in-memory adapters.

The in-memory adapters are the fakes the handler tests use instead of mocks; Phase B adds SQL
adapters (customer records, data keys) and adapters over the cases area (its open cases and
its hash-chained audit log).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from services.common.errors import NotFound
from services.onboarding.core.customer import CustomerRecord


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One entry for the audit log (the shape of the cases area's `AuditRecord`).

    `details` never holds personal data: ids, dates, counts and reason codes only.
    """

    at: datetime
    actor: str
    action: str
    target: str
    details: Mapping[str, object] = field(default_factory=dict)


class AuditTrail(Protocol):
    """The tamper-evident audit log (owned by the cases area)."""

    def append(self, event: AuditEvent) -> None: ...


class InMemoryAuditTrail:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        self.events.append(event)

    def actions(self) -> list[str]:
        return [e.action for e in self.events]


class OpenCaseLookup(Protocol):
    """Which of these subject refs ("customer:<id>", "account:<id>") have an open case."""

    def open_subjects(self, subjects: frozenset[str]) -> frozenset[str]: ...


class InMemoryOpenCases:
    def __init__(self, subjects: frozenset[str] = frozenset()) -> None:
        self.subjects = set(subjects)

    def open_subjects(self, subjects: frozenset[str]) -> frozenset[str]:
        return frozenset(subjects & self.subjects)


class CustomerStore(Protocol):
    def get(self, customer_id: str) -> CustomerRecord: ...
    def put(self, record: CustomerRecord) -> None: ...
    def all(self) -> Iterator[CustomerRecord]: ...


class InMemoryCustomerStore:
    def __init__(self) -> None:
        self.records: dict[str, CustomerRecord] = {}
        self._lock = threading.Lock()

    def get(self, customer_id: str) -> CustomerRecord:
        try:
            return self.records[customer_id]
        except KeyError:
            raise NotFound("customer", customer_id) from None

    def put(self, record: CustomerRecord) -> None:
        with self._lock:
            self.records[record.id] = record

    def all(self) -> Iterator[CustomerRecord]:
        return iter(list(self.records.values()))


class EvidenceStore(Protocol):
    """Images onboarding holds for an application (documents, selfies, liveness frames)."""

    def delete_for(self, application_id: str) -> int: ...


class InMemoryEvidenceStore:
    def __init__(self) -> None:
        self.blobs: dict[str, list[bytes]] = {}

    def add(self, application_id: str, blob: bytes) -> None:
        self.blobs.setdefault(application_id, []).append(blob)

    def delete_for(self, application_id: str) -> int:
        return len(self.blobs.pop(application_id, []))
