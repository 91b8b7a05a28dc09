"""Fault matrix, the faults that need separate processes: a worker SIGKILLed in the middle of
an Evaluate's identity verification or decision step, Redis restarted (without persistence)
in the middle of an Evaluate and while a graph sweep's partitions are queued. Nothing may be
lost, nothing doubled. (docs/e2e.md)"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa
from warden.cases.v1 import cases_pb2
from warden.graph.v1 import graph_pb2, graph_pb2_grpc
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc

from services.common.crypto import generate_key_spec
from services.graph.synthetic import START, GeneratorConfig
from tests.e2e.inprocess import empty_postgres
from tests.support import story
from tests.support.grpc import auth
from tests.support.topology import PrivateRedis, Process, Topology, channel, token_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def engine(postgres_url: str) -> Iterator[sa.Engine]:
    """The test's own view of the shared database (to watch state and count rows)."""
    made = sa.create_engine(postgres_url)
    yield made
    made.dispose()


def scalar(engine: sa.Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def count(engine: sa.Engine, sql: str) -> int:
    found = scalar(engine, sql)
    assert isinstance(found, int)
    return found


def wait_until(check: object, within_s: float, what: str, every_s: float = 0.02) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(every_s)
    raise AssertionError(f"timed out after {within_s} s waiting for {what}")


def topology_for(tmp_path: Path, postgres_url: str, **extra: str) -> Topology:
    redis = PrivateRedis(tmp_path / "redis").start()
    env = {
        "WARDEN_ENCRYPTION_KEYS": generate_key_spec("e2e"),
        "WARDEN_WATCHLISTS_CATALOG": str(story.write_catalog(tmp_path / "lists")),
        **story.SPECIMEN_ENV,
        **extra,
    }
    topology = Topology(tmp_path, postgres_url, redis, extra_env=env)
    topology.migrate()
    return topology


# --- the onboarding flow: a worker SIGKILLed mid-step, Redis restarted mid-flow -------------
@dataclass(frozen=True)
class PepFlow:
    """The listed PEP of the story through Evaluate: a full document + selfie verification that
    also opens cases, so a doubled step would show as a second case or alert."""

    topology: Topology
    server: Process
    token: str
    request: pb.EvaluateRequest

    async def evaluate(self) -> pb.EvaluateResponse:
        """Send (or re-send: same request id) the Evaluate; answers at once with its operation."""
        async with channel(self.server) as ch:
            return await onboarding_pb2_grpc.OnboardingServiceStub(ch).Evaluate(
                self.request, metadata=auth(self.token), timeout=30
            )


def pep_flow(topology: Topology, postgres_url: str, shared_data: Path, request_id: str) -> PepFlow:
    """Lists loaded, an officer, one server for onboarding, operations and cases; no worker."""
    topology.cli("lists", "load")
    topology.cli(
        "cases", "create-officer", "--id", story.OFFICER, "--name", "E", "--role", "analyst"
    )
    server = topology.serve("onboarding", "operations", "cases")
    request = story.evaluate_request(request_id, story.PEP, story.Images.load(shared_data))
    return PepFlow(topology, server, token_for(postgres_url), request)


def application_state(engine: sa.Engine, application_id: str) -> object:
    sql = "SELECT state FROM onboarding_applications WHERE id = :id"
    return scalar(engine, sql, id=application_id)


async def assert_as_undisturbed(flow: PepFlow, engine: sa.Engine, operation_id: str) -> None:
    """The operation ends as it does without a fault, and nothing is lost or doubled."""
    async with channel(flow.server) as ch:
        final = await story.watch(ch, flow.token, operation_id, 120)
        result = story.evaluation_of(final)
        found = await _settled_cases(ch, flow.token, result.customer_id)
    expected = await _undisturbed_outcome()
    assert (result.outcome, sorted(result.reasons)) == expected
    assert final.progress_percent == 100
    counts = {
        table: scalar(engine, f"SELECT count(*) FROM {table}")
        for table in (
            "onboarding_applications",
            "onboarding_customers",
            "onboarding_ratings",
            "identity_results",
        )
    }
    assert counts == dict.fromkeys(counts, 1), counts
    assert scalar(engine, "SELECT count(*) FROM operations WHERE kind = 'onboarding.evaluate'") == 1
    kinds = [c.kind for c in found]
    assert cases_pb2.CASE_KIND_ONBOARDING in kinds, found
    assert sorted(kinds) == sorted(set(kinds)), found  # one case per kind at most
    assert scalar(engine, "SELECT count(*) FROM case_alerts") == sum(c.alert_count for c in found)


async def _undisturbed_outcome() -> tuple[int, list[int]]:
    """What the listed PEP gets without any fault (see test_story)."""
    return pb.OUTCOME_PENDING_REVIEW, [pb.CLIENT_REASON_ADDITIONAL_INFORMATION_REQUIRED]


async def _settled_cases(
    ch: grpc.aio.Channel, token: str, customer_id: str
) -> list[cases_pb2.Case]:
    """The customer's cases once intake has had time to (wrongly) open a second one."""
    for _ in range(120):
        found = await story.cases_of(ch, token, cases_pb2.SUBJECT_KIND_CUSTOMER, customer_id)
        if found:
            await asyncio.sleep(2)
            return await story.cases_of(ch, token, cases_pb2.SUBJECT_KIND_CUSTOMER, customer_id)
        await asyncio.sleep(0.5)
    raise AssertionError(f"no case for {customer_id}")


@pytest.mark.timeout(180)
async def test_an_identity_worker_killed_mid_verification_loses_and_doubles_nothing(
    tmp_path: Path, postgres_url: str, engine: sa.Engine, shared_data: Path
) -> None:
    empty_postgres(postgres_url)
    with topology_for(tmp_path, postgres_url) as topology:
        for queue in ("screening", "cases", "default"):
            topology.worker([queue])
        first = topology.worker(["identity"])
        flow = pep_flow(topology, postgres_url, shared_data, "killed-worker")
        started = await flow.evaluate()
        state_sql = "SELECT state FROM operations WHERE id = :id"
        wait_until(
            lambda: scalar(engine, state_sql, id=started.operation.id) == "running",
            90,
            f"the identity worker to start; log:\n{first.log()}",
        )
        first.signal(signal.SIGSTOP)  # frozen inside the step: nothing more happens
        assert application_state(engine, started.application_id) == "received", (
            "the step finished before the worker was stopped"
        )
        first.signal(signal.SIGKILL)  # no ack, no cleanup: Redis redelivers after the timeout
        topology.worker(["identity"])
        await assert_as_undisturbed(flow, engine, started.operation.id)


# The decision step is the only writer of customers: while the test holds their table, the
# screening worker stops inside the step (screened, rated, the decision half written).
HOLD_CUSTOMERS = "LOCK TABLE onboarding_customers IN SHARE MODE"
DECISION_WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    " AND datname = current_database() AND query LIKE 'INSERT INTO onboarding_customers%'"
)


@pytest.mark.timeout(180)
async def test_a_screening_worker_killed_mid_decision_loses_and_doubles_nothing(
    tmp_path: Path, postgres_url: str, engine: sa.Engine, shared_data: Path
) -> None:
    empty_postgres(postgres_url)
    with topology_for(tmp_path, postgres_url) as topology:
        for queues in (["identity"], ["cases", "default"]):
            topology.worker(queues)
        first = topology.worker(["screening"])
        flow = pep_flow(topology, postgres_url, shared_data, "killed-decision")
        with engine.connect() as held:
            held.execute(sa.text(HOLD_CUSTOMERS))
            started = await flow.evaluate()
            wait_until(
                lambda: count(engine, DECISION_WAITING) == 1,
                90,
                f"the decision step to write; logs:\n{topology.logs()}",
            )
            first.signal(signal.SIGKILL)  # no ack, no commit: Redis redelivers after the timeout
            held.rollback()
        assert application_state(engine, started.application_id) == "verified"
        topology.worker(["screening"])
        await assert_as_undisturbed(flow, engine, started.operation.id)


@pytest.mark.timeout(180)
async def test_redis_restarted_mid_evaluate_loses_and_doubles_nothing(
    tmp_path: Path, postgres_url: str, engine: sa.Engine, shared_data: Path
) -> None:
    """Restarted (no persistence) with the decision step queued, then once the operation has
    succeeded, before a cases worker ran. Before: the decision's alerts were queued for case
    intake, and the second restart lost them (no due-diligence case, ever)."""
    empty_postgres(postgres_url)
    sweeper = {"WARDEN_OPERATIONS__STALE_AFTER_S": "5", "WARDEN_OPERATIONS__REQUEUE_EVERY_S": "1"}
    with topology_for(tmp_path, postgres_url, **sweeper) as topology:
        for queue in ("identity", "default"):
            topology.worker([queue])
        flow = pep_flow(topology, postgres_url, shared_data, "redis-restarted")
        started = await flow.evaluate()
        wait_until(
            lambda: topology.redis.queued("screening") == 1,
            90,
            f"the decision step to be queued; logs:\n{topology.logs()}",
        )
        topology.redis.restart()  # the queued decision step is lost
        topology.beat()  # from now on: before, its sweeper could re-send the step in time
        topology.worker(["screening"])
        again = await flow.evaluate()  # the client's retry finds the same evaluation
        assert (again.operation.id, again.application_id) == (
            started.operation.id,
            started.application_id,
        )
        op_sql = "SELECT state FROM operations WHERE id = :id"
        wait_until(
            lambda: scalar(engine, op_sql, id=started.operation.id) == "succeeded",
            90,
            f"the decision; logs:\n{topology.logs()}",
        )
        topology.redis.restart()
        topology.worker(["cases"])
        await assert_as_undisturbed(flow, engine, started.operation.id)


# --- Redis restarted during a graph sweep ---------------------------------------------------
SWEEP_HISTORY = GeneratorConfig(
    seed=9,
    accounts=3_000,
    background=15_000,
    days=40,
    rings_per_typology=2,
    payroll_employers=0,
    merchants=0,
    households=0,
    supplier_chains=0,
)
PARTITIONS = 6


async def _sweep(graph: Process, request_id: str, token: str) -> str:
    request = graph_pb2.StartSweepRequest(request_id=request_id, partitions=PARTITIONS)
    request.since.seconds = START - 86_400
    async with channel(graph) as ch:
        reply = await graph_pb2_grpc.GraphServiceStub(ch).StartSweep(
            request, metadata=auth(token), timeout=10
        )
    return reply.operation.id


async def _result(server: Process, token: str, operation_id: str) -> graph_pb2.SweepResult:
    async with channel(server) as ch:
        final = await story.watch(ch, token, operation_id, 150)
    result = graph_pb2.SweepResult()
    assert final.result.Unpack(result), final
    return result


@pytest.mark.timeout(300)
async def test_redis_restarted_during_a_sweep_completes_it_without_duplicate_rings(
    tmp_path: Path, postgres_url: str, engine: sa.Engine
) -> None:
    empty_postgres(postgres_url)
    fast = {
        "WARDEN_GRAPH_SWEEP_POLL_S": "0.2",
        "WARDEN_GRAPH_SWEEP_REDISPATCH_S": "4",
        "WARDEN_OPERATIONS__STALE_AFTER_S": "8",
        "WARDEN_OPERATIONS__REQUEUE_EVERY_S": "1",
    }
    with topology_for(tmp_path, postgres_url, **fast) as topology:
        server = topology.serve("graph", "operations")
        for queues in (["default"], ["graph"], ["cases"]):
            topology.worker(queues)
        topology.beat()
        token = token_for(postgres_url)
        _, rows = story.history(SWEEP_HISTORY)
        async with channel(server) as ch:
            ingested = await graph_pb2_grpc.GraphServiceStub(ch).IngestTransactions(
                story.batches(rows), metadata=auth(token), timeout=120
            )
        assert ingested.inserted == len(rows)
        operation_id = await _sweep(server, "sweep-under-restart", token)
        done_sql = "SELECT count(*) FROM graph_sweep_partitions WHERE finished_at IS NOT NULL"
        wait_until(
            lambda: 1 <= count(engine, done_sql) < PARTITIONS,
            120,
            f"the first partitions; logs:\n{topology.logs()}",
        )
        topology.redis.stop()  # the queued partitions go with it (no persistence)
        topology.redis.start()
        result = await _result(server, token, operation_id)
        rings = scalar(engine, "SELECT count(*) FROM graph_rings")
        assert result.partitions == PARTITIONS
        assert result.rings == rings
        assert result.alerts == rings
        await _until_cases(engine, count(engine, "SELECT count(*) FROM graph_rings"))
        # The same window swept again finds the same rings: nothing new, no second case.
        again = await _result(server, token, await _sweep(server, "sweep-again", token))
        assert (again.rings, again.new_rings) == (result.rings, 0)
        await asyncio.sleep(2)
        assert scalar(engine, "SELECT count(*) FROM graph_rings") == rings
        assert scalar(engine, "SELECT count(*) FROM cases WHERE kind = 'transactions'") == rings
        assert (
            scalar(engine, "SELECT count(*) FROM case_alerts WHERE key LIKE 'graph:ring:%'")
            == rings
        )


async def _until_cases(engine: sa.Engine, rings: int) -> None:
    sql = "SELECT count(*) FROM case_alerts WHERE key LIKE 'graph:ring:%'"
    for _ in range(120):
        if scalar(engine, sql) == rings:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"{scalar(engine, sql)} ring alerts reached intake, expected {rings}")
