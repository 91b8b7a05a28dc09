"""Case dependencies over every adapter: in memory, SQLite and PostgreSQL (the contract)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.cases.adapters.audit import SqlAuditLog
from services.cases.adapters.cases import SqlCaseStore
from services.cases.adapters.stores import SqlEvidence, SqlOfficers, SqlSarStore, SqlSuppressions
from services.cases.handlers import CaseDeps
from services.cases.ports import NoSubjects
from services.common.crypto import KeyRing, generate_key_spec
from services.common.db import Database
from tests.conftest import BACKENDS, open_database
from tests.services.cases.factory import ADA, ALEX, ANA, AUD, MAX, MIA, RITA, ROB
from tests.services.cases.memory import Clock, memory_deps

KEY_RING = KeyRing.parse(generate_key_spec())


def sql_deps(database: Database, clock: Clock) -> CaseDeps:
    counter = itertools.count(1)
    officers = SqlOfficers(database)
    for officer in (ANA, ALEX, RITA, ROB, MIA, MAX, ADA, AUD):
        officers.add(officer)
    return CaseDeps(
        cases=SqlCaseStore(database, KEY_RING),
        sars=SqlSarStore(database, KEY_RING),
        officers=officers,
        audit=SqlAuditLog(database),
        evidence=SqlEvidence(database, KEY_RING),
        suppressions=SqlSuppressions(database),
        subjects=NoSubjects(),
        clock=clock,
        new_id=lambda prefix: f"{prefix}_{next(counter):04d}",
    )


@pytest.fixture(params=["memory", *BACKENDS])
def any_deps(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[CaseDeps, Clock]]:
    """The same handlers over each adapter set, with a settable clock."""
    if request.param == "memory":
        memory = memory_deps()
        yield memory.deps, memory.clock
        return
    database = open_database(request.param, request, tmp_path)
    clock = Clock()
    yield sql_deps(database, clock), clock
    database.dispose()
