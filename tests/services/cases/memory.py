"""Case handler dependencies on the in-memory adapters, with a settable clock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.cases.handlers import CaseDeps
from services.cases.ports import (
    InMemoryAuditLog,
    InMemoryCaseStore,
    InMemoryEvidence,
    InMemoryOfficers,
    InMemorySars,
    InMemorySuppressions,
    NoSubjects,
)
from tests.services.cases.factory import ADA, ALEX, ANA, AUD, MAX, MIA, RITA, ROB, T0


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Memory:
    deps: CaseDeps
    clock: Clock
    audit: InMemoryAuditLog
    cases: InMemoryCaseStore
    sars: InMemorySars
    suppressions: InMemorySuppressions


def memory_deps() -> Memory:
    audit = InMemoryAuditLog()
    suppressions = InMemorySuppressions()
    cases = InMemoryCaseStore(audit, suppressions)
    sars = InMemorySars(audit)
    clock = Clock()
    counter = itertools.count(1)
    deps = CaseDeps(
        cases=cases,
        sars=sars,
        officers=InMemoryOfficers([ANA, ALEX, RITA, ROB, MIA, MAX, ADA, AUD]),
        audit=audit,
        evidence=InMemoryEvidence(),
        suppressions=suppressions,
        subjects=NoSubjects(),
        clock=clock,
        new_id=lambda prefix: f"{prefix}_{next(counter):04d}",
    )
    return Memory(deps, clock, audit, cases, sars, suppressions)
