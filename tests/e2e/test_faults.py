"""Fault matrix, in-process part: retried requests, a list reload under load, clients that
cancel or time out, PostgreSQL connections dropped mid-request. Each test asserts that nothing
is lost and nothing is doubled. (Killed workers and a restarted Redis need separate processes:
test_faults_topology.py.) The matrix with observed behaviour: docs/e2e.md."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf import timestamp_pb2
from warden.cases.v1 import cases_pb2, cases_pb2_grpc
from warden.common.v1 import operation_pb2, party_pb2
from warden.graph.v1 import graph_pb2, graph_pb2_grpc
from warden.identity.v1 import identity_pb2, identity_pb2_grpc
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc
from warden.screening.v1 import screening_pb2, screening_pb2_grpc

from services.common.db import metadata
from tests.e2e.inprocess import Live
from tests.support import story
from tests.support.grpc import auth
from watchlists.deps import deps_of
from watchlists.handlers import LoadLists, load_lists

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


# --- the same request retried with its request id ------------------------------------------
async def test_evaluate_retried_returns_the_same_operation_and_stores_one_of_each(
    live: Live, images: story.Images
) -> None:
    request = story.evaluate_request("retry-evaluate", story.SANCTIONED, images)
    async with live.server.channel() as ch:
        stub = onboarding_pb2_grpc.OnboardingServiceStub(ch)
        first = await stub.Evaluate(request, metadata=auth(live.token))
        during = await stub.Evaluate(request, metadata=auth(live.token))
        final = await story.watch(ch, live.token, first.operation.id)
        after = await stub.Evaluate(request, metadata=auth(live.token))
        result = story.evaluation_of(final)
        cases = await _eventually_cases(ch, live.token, result.customer_id)
    ids = {(r.operation.id, r.application_id) for r in (first, during, after)}
    assert len(ids) == 1
    assert after.operation.state == operation_pb2.OPERATION_STATE_SUCCEEDED
    assert live.count("onboarding_applications", request_id="retry-evaluate") == 1
    assert live.count("operations", request_id="retry-evaluate") == 1
    assert live.count("onboarding_customers", id=result.customer_id) == 1
    assert live.count("onboarding_ratings", customer_id=result.customer_id) == 1
    assert len([c for c in cases if c.kind == cases_pb2.CASE_KIND_SCREENING]) == 1
    assert live.count("case_alerts") == sum(c.alert_count for c in cases)


async def _eventually_cases(
    ch: grpc.aio.Channel, token: str, customer_id: str
) -> list[cases_pb2.Case]:
    for _ in range(120):
        found = await story.cases_of(ch, token, cases_pb2.SUBJECT_KIND_CUSTOMER, customer_id)
        if found:
            await asyncio.sleep(0.5)  # let any (wrong) second intake land before counting
            return await story.cases_of(ch, token, cases_pb2.SUBJECT_KIND_CUSTOMER, customer_id)
        await asyncio.sleep(0.25)
    raise AssertionError(f"no case was opened for {customer_id}")


async def test_screen_with_monitor_retried_monitors_once(live: Live) -> None:
    party = party_pb2.Party(
        reference="cust-retry-1",
        kind=party_pb2.PARTY_KIND_PERSON,
        names=[party_pb2.Name(full="Ivan Sergeyevich Petrov")],
    )
    request = screening_pb2.ScreenRequest(party=party, monitor=True)
    async with live.server.channel() as ch:
        stub = screening_pb2_grpc.ScreeningServiceStub(ch)
        answers = [await stub.Screen(request, metadata=auth(live.token)) for _ in range(3)]
    first = answers[0]
    assert first.hits
    assert first.hits[0].match
    for again in answers[1:]:
        assert again == first
    assert live.count("screening_customers", reference="cust-retry-1") == 1


async def test_submit_verification_retried_returns_the_same_operation(
    live: Live, images: story.Images
) -> None:
    request = identity_pb2.SubmitVerificationRequest(
        request_id="retry-verification",
        document=identity_pb2.ImageInput(data=images.document),
        selfie=identity_pb2.ImageInput(data=images.holder),
        subject_id="applicant-retry",
    )
    async with live.server.channel() as ch:
        stub = identity_pb2_grpc.IdentityServiceStub(ch)
        first = await stub.SubmitVerification(request, metadata=auth(live.token))
        final = await story.watch(ch, live.token, first.operation.id)
        again = await stub.SubmitVerification(request, metadata=auth(live.token))
    assert final.state == operation_pb2.OPERATION_STATE_SUCCEEDED, final
    assert again.operation.id == first.operation.id
    assert again.operation.state == operation_pb2.OPERATION_STATE_SUCCEEDED
    assert live.count("operations", request_id="retry-verification") == 1
    assert live.count("identity_results", operation_id=first.operation.id) == 1


async def test_ingest_resent_counts_duplicates_and_stores_nothing_twice(live: Live) -> None:
    _, rows = story.history()
    rows = rows[:3_000]
    async with live.server.channel() as ch:
        stub = graph_pb2_grpc.GraphServiceStub(ch)
        first = await stub.IngestTransactions(story.batches(rows), metadata=auth(live.token))
        again = await stub.IngestTransactions(story.batches(rows), metadata=auth(live.token))
    assert (first.inserted, first.duplicates) == (len(rows), 0)
    assert (again.inserted, again.duplicates) == (0, len(rows))
    assert live.count("graph_transactions") == len(rows)


def _alert(key: str, account: str = "AC-RETRY") -> cases_pb2.Alert:
    raised = timestamp_pb2.Timestamp()
    raised.FromDatetime(datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
    return cases_pb2.Alert(
        key=key,
        source=cases_pb2.ALERT_SOURCE_GRAPH_RING,
        subject=cases_pb2.Subject(kind=cases_pb2.SUBJECT_KIND_ACCOUNT, id=account),
        severity=cases_pb2.SEVERITY_HIGH,
        title="Suspected cycle ring of 4 accounts",
        raised_at=raised,
        evidence_json=json.dumps({"accounts": [account]}),
        typology="cycle",
    )


async def test_case_intake_retried_opens_one_case_with_one_audit_entry(live: Live) -> None:
    request = cases_pb2.IntakeAlertRequest(alert=_alert("graph:ring:retry"))
    async with live.server.channel() as ch:
        stub = cases_pb2_grpc.CaseServiceStub(ch)
        answers = [await stub.IntakeAlert(request, metadata=auth(live.token))]
        events = live.count("case_events", case_id=answers[0].case_id)
        audited = _audit_entries(live, answers[0].case_id)
        answers += [await stub.IntakeAlert(request, metadata=auth(live.token)) for _ in range(2)]
    assert answers[0].opened
    assert not answers[0].duplicate
    assert {a.case_id for a in answers} == {answers[0].case_id}
    assert [a.duplicate for a in answers[1:]] == [True, True]
    assert live.count("cases") == 1
    assert live.count("case_alerts", key="graph:ring:retry") == 1
    assert events >= 1
    assert audited == events  # every case event is audited once
    assert live.count("case_events", case_id=answers[0].case_id) == events
    assert _audit_entries(live, answers[0].case_id) == audited


def _audit_entries(live: Live, case_id: str) -> int:
    table = metadata.tables["audit_log"]
    query = sa.select(sa.func.count()).where(table.c.target.like(f"case:{case_id}#%"))
    with live.database.read() as conn:
        return int(conn.execute(query).scalar_one())


# --- PostgreSQL connections dropped mid-request ---------------------------------------------
class _Terminator:
    """A thread on a connection of its own that terminates the test database's backends,
    for the duration of a `with` block."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self.engine.dispose()


class BackendKiller(_Terminator):
    """Terminates the server backend that is running `statement` in the test's database the
    moment one is seen (what a failover or an operator's pg_terminate_backend does to a request
    in flight), and every idle pooled one with it."""

    def __init__(self, url: str, statement: str) -> None:
        super().__init__(url)
        self.statement = statement
        self.killed = 0

    def _run(self) -> None:
        with self.engine.connect() as conn:
            while not self._stop.is_set() and not self.killed:
                self.killed = int(
                    conn.execute(
                        sa.text(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                            "AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE "
                            "a.datname = current_database() AND a.state = 'active' "
                            "AND a.query ILIKE :statement)"
                        ),
                        {"statement": f"{self.statement}%"},
                    ).scalar_one()
                )
                time.sleep(0.002)


async def test_a_dropped_database_connection_fails_the_request_cleanly_and_the_pool_recovers(
    live: Live, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    _, rows = story.history()
    with BackendKiller(postgres_url, "INSERT INTO graph_transactions") as killer:
        async with live.server.channel() as ch:
            stub = graph_pb2_grpc.GraphServiceStub(ch)
            with pytest.raises(grpc.aio.AioRpcError) as failed:
                await stub.IngestTransactions(story.batches(rows, 200), metadata=auth(live.token))
    assert killer.killed >= 1
    assert failed.value.code() == grpc.StatusCode.UNAVAILABLE, failed.value.details()
    # The client retries the same stream: what the first attempt committed is a duplicate.
    async with live.server.channel() as ch:
        stub = graph_pb2_grpc.GraphServiceStub(ch)
        retried = await stub.IngestTransactions(story.batches(rows), metadata=auth(live.token))
        status = await screening_pb2_grpc.ScreeningServiceStub(ch).GetListStatus(
            screening_pb2.GetListStatusRequest(), metadata=auth(live.token)
        )
    assert retried.inserted + retried.duplicates == len(rows)
    assert retried.rejected_count == 0
    assert live.count("graph_transactions") == len(rows)
    assert status.current.version
    assert "unhandled error in rpc handler" not in caplog.text


async def test_backends_terminated_under_concurrent_requests_answer_ok_or_unavailable(
    live: Live, postgres_url: str
) -> None:
    """Fresh credentials (so authentication reads the database too) and intake writes, while
    every backend of the database is terminated again and again."""
    tokens = [live.server.key("*", name=f"client {i}") for i in range(30)]
    requests = [
        cases_pb2.IntakeAlertRequest(alert=_alert(f"graph:ring:pg-{i}", f"AC-PG-{i}"))
        for i in range(30)
    ]
    async with live.server.channel() as ch:
        stub = cases_pb2_grpc.CaseServiceStub(ch)

        async def intake(i: int) -> grpc.StatusCode:
            try:
                await stub.IntakeAlert(requests[i], metadata=auth(tokens[i]), timeout=30)
            except grpc.aio.AioRpcError as error:
                return error.code()
            return grpc.StatusCode.OK

        with TerminateAll(postgres_url):
            codes = await asyncio.gather(*(intake(i) for i in range(30)))
        assert set(codes) <= {grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE}, codes
        retried = [await intake(i) for i, code in enumerate(codes) if code != grpc.StatusCode.OK]
    assert set(retried) <= {grpc.StatusCode.OK}
    assert live.count("cases") == 30
    assert live.count("case_alerts") == 30


class TerminateAll(_Terminator):
    """Terminates every other backend of the test's database every few milliseconds."""

    def __init__(self, url: str, every_s: float = 0.01) -> None:
        super().__init__(url)
        self.every_s = every_s

    def _run(self) -> None:
        with self.engine.connect() as conn:
            while not self._stop.wait(self.every_s):
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )


# --- a list reload during heavy screening ---------------------------------------------------
NEWLY_LISTED = "Zoltan Kovacs-Newbury"  # invented; only the second list version has him


def _second_version(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    extended = folder / "extended.csv"
    extended.write_text(
        story.BLOCKLIST.read_text()
        + f"BL-0900,person,{NEWLY_LISTED},,,male,1969-07-01,,HU,HU,,,,,,,,INHOUSE-FRAUD,sanction,"
        "2026-01-01,,\n"
    )
    return story.write_catalog(folder, extended)


async def test_a_list_reload_under_heavy_screening_fails_nothing_and_mixes_no_versions(
    live: Live, tmp_path: Path
) -> None:
    from services.screening.deps import RegistryLists, screening_deps

    lists = screening_deps(live.container).lists
    assert isinstance(lists, RegistryLists)
    party = party_pb2.Party(
        kind=party_pb2.PARTY_KIND_PERSON, names=[party_pb2.Name(full=NEWLY_LISTED)]
    )
    answers: list[screening_pb2.ScreenResponse] = []
    stop = asyncio.Event()
    async with live.server.channel() as ch:
        stub = screening_pb2_grpc.ScreeningServiceStub(ch)

        async def client() -> None:
            while not stop.is_set():
                request = screening_pb2.ScreenRequest(party=party)
                answers.append(await stub.Screen(request, metadata=auth(live.token), timeout=30))

        clients = [asyncio.create_task(client()) for _ in range(16)]
        await asyncio.sleep(0.5)
        before = len(answers)
        catalog = _second_version(tmp_path / "v2")
        loaded = await asyncio.to_thread(
            load_lists, LoadLists(catalog=catalog), deps_of(live.container)
        )
        await asyncio.to_thread(lists.refresh)  # what a serving replica does on its next check
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.gather(*clients)  # any failed call fails the test here
    first, second = loaded.previous_version, loaded.info.version
    versions = {a.list_version for a in answers}
    assert versions == {first, second}, (before, len(answers))
    for answer in answers:
        newly = [h for h in answer.hits if h.entry.reference.endswith("BL-0900")]
        if answer.list_version == first:
            assert not newly, answer
        else:
            assert newly, answer
            assert newly[0].match


# --- clients that cancel or time out ----------------------------------------------------------
def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


async def test_clients_timing_out_and_cancelling_leave_no_error_storm_and_no_duplicates(
    live: Live, images: story.Images, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    requests = [story.evaluate_request(f"impatient-{i}", story.CLEAN, images) for i in range(12)]
    async with live.server.channel() as ch:
        stub = onboarding_pb2_grpc.OnboardingServiceStub(ch)

        async def impatient(request: pb.EvaluateRequest) -> grpc.StatusCode:
            try:
                await stub.Evaluate(request, metadata=auth(live.token), timeout=0.02)
            except grpc.aio.AioRpcError as error:
                return error.code()
            return grpc.StatusCode.OK

        codes = await asyncio.gather(*(impatient(r) for r in requests))
        assert set(codes) <= {grpc.StatusCode.OK, grpc.StatusCode.DEADLINE_EXCEEDED}
        # A watcher that hangs up after the first update.
        started = await stub.Evaluate(requests[0], metadata=auth(live.token), timeout=30)
        watch = operations_pb2_grpc.OperationsServiceStub(ch).WatchOperation(
            operations_pb2.WatchOperationRequest(id=started.operation.id, timeout_seconds=60),
            metadata=auth(live.token),
        )
        async for _ in watch:
            watch.cancel()
            break
        # Patient retries with the same request ids find (or start) each evaluation once.
        finals = [await story.evaluate(ch, live.token, r) for r in requests]
        fetched = await operations_pb2_grpc.OperationsServiceStub(ch).GetOperation(
            operations_pb2.GetOperationRequest(id=started.operation.id), metadata=auth(live.token)
        )
    assert finals[0][0].operation.id == started.operation.id
    assert fetched.operation.state == operation_pb2.OPERATION_STATE_SUCCEEDED
    for request in requests:
        assert live.count("onboarding_applications", request_id=request.request_id) == 1
        assert live.count("operations", request_id=request.request_id) == 1
    assert _errors(caplog) == []


async def test_an_ingest_stream_cancelled_midway_keeps_what_was_committed_once(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    _, rows = story.history()
    sent = asyncio.Event()

    async def half_then_hang() -> AsyncIterator[graph_pb2.IngestTransactionsRequest]:
        async for batch in story.batches(rows[: len(rows) // 2], 500):
            yield batch
        sent.set()
        await asyncio.Event().wait()  # the client never finishes the stream

    async with live.server.channel() as ch:
        stub = graph_pb2_grpc.GraphServiceStub(ch)
        call = stub.IngestTransactions(half_then_hang(), metadata=auth(live.token))
        await sent.wait()
        await asyncio.sleep(0.5)  # let the server store what it has read
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        again = await stub.IngestTransactions(story.batches(rows), metadata=auth(live.token))
    assert again.inserted + again.duplicates == len(rows)
    assert live.count("graph_transactions") == len(rows)
    assert _errors(caplog) == []
