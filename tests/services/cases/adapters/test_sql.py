"""What only a real database can show: locking under concurrency, constraints, triggers."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.cases import admin, handlers
from services.cases.core.audit import Break, verify_chain
from services.cases.core.model import Case
from services.cases.core.roles import Officer, Role
from services.cases.handlers import CaseDeps
from services.common.alerts import Severity
from services.common.db import Database, utcnow
from services.common.errors import TransientError
from tests.conftest import open_database
from tests.services.cases.adapters.conftest import sql_deps
from tests.services.cases.factory import screening_alert
from tests.services.cases.memory import Clock

CLAIMERS = 6
CASES = 48


@pytest.fixture
def sql(database: Database) -> CaseDeps:
    return sql_deps(database, Clock())


def run_together(workers: list[Callable[[], None]]) -> None:
    """Start every worker at the same instant (a barrier) and wait for all."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def wrapped(work: Callable[[], None]) -> None:
        barrier.wait()
        try:
            work()
        except BaseException as exc:  # surfaced below, with the thread's traceback
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def claim_all(
    deps: CaseDeps, officer_id: str, claimed: list[tuple[str, str]]
) -> Callable[[], None]:
    def work() -> None:
        while (case := handlers.claim_next(officer_id, frozenset(), deps)) is not None:
            claimed.append((case.id, officer_id))

    return work


def test_claim_next_never_gives_one_case_to_two_officers(database: Database) -> None:
    deps = sql_deps(database, Clock())
    for n in range(CASES):
        handlers.intake(
            screening_alert(n, subject=f"cust-{n}", severity=list(Severity)[n % 4]), deps
        )
    claimers = [f"claimer-{i}" for i in range(CLAIMERS)]
    for officer_id in claimers:
        deps.officers.add(Officer(officer_id, officer_id, frozenset({Role.ANALYST})))
    claimed: list[tuple[str, str]] = []
    run_together([claim_all(deps, o, claimed) for o in claimers])
    by_case = Counter(case_id for case_id, _ in claimed)
    assert len(by_case) == CASES
    assert set(by_case.values()) == {1}  # every case claimed exactly once
    for case_id, officer_id in claimed:
        assert deps.cases.get(case_id).assignee == officer_id
    if database.dialect == "postgresql":
        assert len({o for _, o in claimed}) > 1  # the claims really ran side by side
    assert verify_chain(deps.audit.iter_entries()).ok  # the chain held under concurrent writes


def test_concurrent_alerts_about_one_subject_make_one_case(database: Database) -> None:
    deps = sql_deps(database, Clock())
    results: list[str] = []

    def intake(n: int) -> Callable[[], None]:
        def work() -> None:
            for _ in range(5):  # what the Celery task's retry on TransientError does
                try:
                    results.append(handlers.intake(screening_alert(n), deps).case_id or "")
                    return
                except TransientError:
                    continue

        return work

    run_together([intake(n) for n in range(8)])
    assert len(results) == 8
    assert len(set(results)) == 1
    case = deps.cases.get(results[0])
    assert len(case.alert_keys) == 8


@pytest.mark.parametrize("table", ["case_events", "audit_log"])
def test_event_and_audit_tables_are_append_only(
    sql: CaseDeps, database: Database, table: str
) -> None:
    handlers.intake(screening_alert(), sql)
    for statement in (f"UPDATE {table} SET actor = 'mallory'", f"DELETE FROM {table}"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), database.begin() as conn:
            conn.exec_driver_sql(statement)


def test_the_database_refuses_an_approval_by_its_maker(database: Database) -> None:
    row = {
        "target": "case:x",
        "decision_id": "d",
        "maker": "ana",
        "checker": "ana",
        "approved_at": utcnow(),
    }
    with (
        pytest.raises(sa.exc.IntegrityError, match="maker_is_not_checker"),
        database.begin() as conn,
    ):
        conn.execute(
            sa.text(
                "INSERT INTO case_approvals (target, decision_id, maker, checker, approved_at) "
                "VALUES (:target, :decision_id, :maker, :checker, :approved_at)"
            ),
            row,
        )


def _drop_guard(conn: sa.Connection, table: str) -> None:
    """What an attacker with DBA rights does first."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    else:
        conn.exec_driver_sql(f"DROP TRIGGER {table}_no_update")
        conn.exec_driver_sql(f"DROP TRIGGER {table}_no_delete")


def _restore_guard(conn: sa.Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def _audited(sql: CaseDeps) -> Case:
    case_id = handlers.intake(screening_alert(), sql).case_id or ""
    handlers.claim_case("ana", case_id, sql)
    handlers.comment_case("ana", case_id, "passport checked", sql)
    return sql.cases.get(case_id)


@pytest.mark.parametrize(
    ("tamper", "seq", "kind"),
    [
        (
            'UPDATE audit_log SET details = \'{"text":"nothing to see"}\' WHERE seq = 5',
            5,
            Break.ALTERED,
        ),
        ("DELETE FROM audit_log WHERE seq = 3", 4, Break.OUT_OF_SEQUENCE),
        ("UPDATE audit_log SET actor = 'rita' WHERE seq = 2", 2, Break.ALTERED),
    ],
)
def test_tampering_in_the_database_is_named_by_the_verifier(
    sql: CaseDeps, database: Database, tamper: str, seq: int, kind: Break
) -> None:
    _audited(sql)
    assert admin.verify_audit("aud", None, sql).ok
    with database.begin() as conn:
        _drop_guard(conn, "audit_log")
        conn.exec_driver_sql(tamper)
        _restore_guard(conn, "audit_log")
    report = admin.verify_audit("aud", None, sql)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.kind) == (seq, kind)


def test_swapped_entries_in_the_database_are_named(sql: CaseDeps, database: Database) -> None:
    _audited(sql)
    with database.begin() as conn:
        _drop_guard(conn, "audit_log")
        conn.exec_driver_sql("UPDATE audit_log SET seq = -1 WHERE seq = 2")
        conn.exec_driver_sql("UPDATE audit_log SET seq = 2 WHERE seq = 3")
        conn.exec_driver_sql("UPDATE audit_log SET seq = 3 WHERE seq = -1")
        _restore_guard(conn, "audit_log")
    report = admin.verify_audit("aud", None, sql)
    assert report.broken is not None
    assert report.broken.seq == 2


def test_secrets_are_encrypted_at_rest(sql: CaseDeps, database: Database) -> None:
    alert = screening_alert()
    case_id = handlers.intake(alert, sql).case_id or ""
    handlers.attach_evidence(
        "ana", case_id, handlers.Upload("id.txt", "text/plain", b"PASSPORT X1234567"), sql
    )
    with database.read() as conn:
        body = conn.execute(sa.text("SELECT body_enc FROM case_alerts")).scalar_one()
        content = conn.execute(sa.text("SELECT content_enc FROM case_evidence")).scalar_one()
    assert alert.title.encode() not in bytes(body)
    assert b"X1234567" not in bytes(content)


def test_a_fresh_sqlite_file_claims_correctly_too(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    database = open_database("sqlite", request, tmp_path)
    deps = sql_deps(database, Clock())
    handlers.intake(screening_alert(), deps)
    assert handlers.claim_next("ana", frozenset(), deps) is not None
    assert handlers.claim_next("alex", frozenset(), deps) is None
    database.dispose()
