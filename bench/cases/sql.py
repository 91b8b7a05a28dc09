"""Case store figures on a real database: intake, claim-next, list, dashboard, audit verify.

SQLite is a temporary file; PostgreSQL gets a private database (created, migrated, dropped), so
the shared server is left as it was found.
"""

from __future__ import annotations

import itertools
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from bench.cases.data import alerts as make_alerts
from services.cases import admin, handlers
from services.cases.adapters.audit import SqlAuditLog
from services.cases.adapters.cases import SqlCaseStore
from services.cases.adapters.stores import SqlEvidence, SqlOfficers, SqlSarStore, SqlSuppressions
from services.cases.core.audit import verify_chain
from services.cases.core.roles import Role
from services.cases.handlers import CaseDeps
from services.cases.ports import CaseQuery, NoSubjects
from services.common.crypto import KeyRing, generate_key_spec
from services.common.db import Database, utcnow
from services.common.migrate import upgrade
from services.registry import import_all

CLAIMERS = 4


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        database = Database.from_url(url)
        yield database
        database.dispose()


@contextmanager
def postgres_database(admin_url: str) -> Iterator[Database]:
    name = f"warden_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(False)
    try:
        upgrade(url)
        database = Database.from_url(url)
        yield database
        database.dispose()
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def deps_on(database: Database) -> CaseDeps:
    import_all("tables")
    key_ring = KeyRing.parse(generate_key_spec())
    counter = itertools.count()
    deps = CaseDeps(
        cases=SqlCaseStore(database, key_ring),
        sars=SqlSarStore(database, key_ring),
        officers=SqlOfficers(database),
        audit=SqlAuditLog(database),
        evidence=SqlEvidence(database, key_ring),
        suppressions=SqlSuppressions(database),
        subjects=NoSubjects(),
        clock=utcnow,
        new_id=lambda prefix: f"{prefix}_{next(counter):08d}",
    )
    for n in range(CLAIMERS):
        new = admin.NewOfficer(f"officer-{n}", f"Officer {n}", frozenset({Role.ANALYST}))
        admin.create_officer(admin.BOOTSTRAP, new, deps)
    admin.create_officer(
        admin.BOOTSTRAP, admin.NewOfficer("aud", "Aud", frozenset({Role.AUDITOR})), deps
    )
    return deps


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _claim_all(deps: CaseDeps, officer: str, counts: list[int]) -> None:
    while handlers.claim_next(officer, frozenset(), deps) is not None:
        counts.append(1)


def measure(database: Database, n_alerts: int, subjects: int) -> list[tuple[str, int, float]]:
    """(measurement, size, seconds) rows for one database."""
    deps = deps_on(database)
    alerts = make_alerts(n_alerts, subjects, seed=11)
    rows = [
        (
            "intake (sequential)",
            n_alerts,
            _timed(lambda: [handlers.intake(a, deps) for a in alerts]),
        )
    ]
    open_cases = deps.cases.find(CaseQuery(limit=1)).total
    rows.append(
        (
            "list one page of 50 (claim order)",
            open_cases,
            _timed(lambda: handlers.list_cases("aud", CaseQuery(), deps)),
        )
    )
    rows.append(
        (
            "dashboard over all cases",
            open_cases,
            _timed(lambda: handlers.case_dashboard("aud", deps)),
        )
    )
    claimed: list[int] = []
    threads = [
        threading.Thread(target=_claim_all, args=(deps, f"officer-{n}", claimed))
        for n in range(CLAIMERS)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows.append(
        (f"claim-next, {CLAIMERS} officers at once", len(claimed), time.perf_counter() - started)
    )
    entries = len(deps.audit.entries())
    rows.append(
        (
            "audit chain verify (from SQL)",
            entries,
            _timed(lambda: verify_chain(deps.audit.iter_entries())),
        )
    )
    return rows
