"""The main story in production topology on loopback: a server process per area, a Celery
worker process per queue, beat, a private Redis, PostgreSQL. A client onboards four applicants
through OnboardingService.Evaluate, then streams in a transaction history with planted rings and
sweeps it; every flag ends as a case in CaseService.

Until the MRZ engine (area/mrz) is merged, identity reports its document checks as unavailable,
which the policy sends to review: the clean applicant then ends PENDING_REVIEW, and its only
findings are document-related. With the engine, the clean applicant is approved.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from warden.cases.v1 import cases_pb2
from warden.graph.v1 import graph_pb2, graph_pb2_grpc
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.screening.v1 import screening_pb2, screening_pb2_grpc

from services.common.crypto import generate_key_spec
from services.graph.synthetic import START
from services.registry import QUEUES
from tests.e2e.inprocess import empty_postgres
from tests.support import story
from tests.support.grpc import auth
from tests.support.topology import PrivateRedis, Process, Topology, channel, token_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

T = TypeVar("T")


@pytest.fixture
def topology(tmp_path: Path, postgres_url: str, shared_data: Path) -> Iterator[Topology]:
    empty_postgres(postgres_url)  # the session's database: other tests leave officers behind
    redis = PrivateRedis(tmp_path / "redis").start()
    extra = {
        "WARDEN_ENCRYPTION_KEYS": generate_key_spec("e2e"),
        "WARDEN_WATCHLISTS_CATALOG": str(story.write_catalog(tmp_path / "lists")),
        "WARDEN_OPERATIONS__STALE_AFTER_S": "20",
        "WARDEN_OPERATIONS__REQUEUE_EVERY_S": "2",
        **story.SPECIMEN_ENV,
    }
    with Topology(tmp_path, postgres_url, redis, extra_env=extra) as topo:
        topo.migrate()
        yield topo


async def eventually(probe: Callable[[], Awaitable[T | None]], within_s: float, what: str) -> T:
    """Poll until `probe` returns something (work that finishes on another process)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"timed out after {within_s} s waiting for {what}")


@pytest.mark.timeout(240)
async def test_onboarding_and_rings_end_as_cases_in_production_topology(
    topology: Topology, postgres_url: str, shared_data: Path
) -> None:
    loaded = topology.cli("lists", "load")
    topology.cli(
        "cases", "create-officer", "--id", story.OFFICER, "--name", "E2E", "--role", "analyst"
    )
    onboarding = topology.serve("onboarding", "operations")
    screening = topology.serve("screening")
    cases = topology.serve("cases")
    graph = topology.serve("graph")
    for queue in QUEUES:
        topology.worker([queue])
    topology.beat()
    token = token_for(postgres_url)
    images = story.Images.load(shared_data)

    async with channel(screening) as ch:
        status = await screening_pb2_grpc.ScreeningServiceStub(ch).GetListStatus(
            screening_pb2.GetListStatusRequest(), metadata=auth(token), timeout=30
        )
    assert status.current.version in loaded, loaded

    requests = {
        "clean": story.evaluate_request("e2e-clean", story.CLEAN, images),
        "sanctioned": story.evaluate_request("e2e-sanctioned", story.SANCTIONED, images),
        "pep": story.evaluate_request("e2e-pep", story.PEP, images),
        "mismatched": story.evaluate_request(
            "e2e-mismatched", story.MISMATCHED, images, selfie=images.stranger
        ),
    }
    async with channel(onboarding) as ch:
        answers = await asyncio.gather(
            *(story.evaluate(ch, token, request, 120) for request in requests.values())
        )
    results = dict(zip(requests, (result for _, result in answers), strict=True))
    for started, _ in answers:
        client_bytes = started.SerializeToString()
        assert b"inhouse" not in client_bytes
        assert b"BL-0001" not in client_bytes

    await _check_decisions(results, cases, token)
    await _rings_become_cases(graph, cases, onboarding, token)
    assert "Traceback" not in topology.logs(), topology.logs()


async def _customer_cases(
    cases: Process, token: str, customer_id: str, kinds: set[int]
) -> list[cases_pb2.Case]:
    """The customer's cases once every expected kind is open (intake is asynchronous)."""

    async def probe() -> list[cases_pb2.Case] | None:
        async with channel(cases) as ch:
            found = await story.cases_of(ch, token, cases_pb2.SUBJECT_KIND_CUSTOMER, customer_id)
        return found if {c.kind for c in found} >= kinds else None

    return await eventually(probe, 60, f"cases {kinds} of {customer_id}")


async def _check_decisions(
    results: dict[str, pb.EvaluationResult], cases: Process, token: str
) -> None:
    clean = results["clean"]
    assert clean.outcome == pb.OUTCOME_APPROVED, story.reason_names(clean)
    async with channel(cases) as ch:
        assert (
            await story.cases_of(ch, token, cases_pb2.SUBJECT_KIND_CUSTOMER, clean.customer_id)
            == []
        )

    sanctioned = results["sanctioned"]
    assert sanctioned.outcome == pb.OUTCOME_PENDING_REVIEW
    assert "ADDITIONAL_REVIEW_REQUIRED" in story.reason_names(sanctioned)
    found = await _customer_cases(
        cases, token, sanctioned.customer_id, {cases_pb2.CASE_KIND_SCREENING}
    )
    (screening_case,) = [c for c in found if c.kind == cases_pb2.CASE_KIND_SCREENING]
    assert screening_case.severity == cases_pb2.SEVERITY_HIGH
    assert any(h.match.list_entry_id.endswith("BL-0001") for h in screening_case.hits)

    pep = results["pep"]
    assert pep.outcome == pb.OUTCOME_PENDING_REVIEW
    assert story.reason_names(pep) == ["ADDITIONAL_INFORMATION_REQUIRED"]
    await _customer_cases(cases, token, pep.customer_id, {cases_pb2.CASE_KIND_ONBOARDING})

    mismatched = results["mismatched"]
    assert mismatched.outcome == pb.OUTCOME_REJECTED
    assert story.reason_names(mismatched) == ["SELFIE_MISMATCH"]
    await _customer_cases(cases, token, mismatched.customer_id, {cases_pb2.CASE_KIND_IDENTITY})


async def _rings_become_cases(
    graph: Process, cases: Process, operations: Process, token: str
) -> None:
    data, rows = story.history()
    async with channel(graph) as ch:
        stub = graph_pb2_grpc.GraphServiceStub(ch)
        ingested = await stub.IngestTransactions(
            story.batches(rows), metadata=auth(token), timeout=120
        )
        assert (ingested.inserted, ingested.rejected_count) == (len(rows), 0)
        request = graph_pb2.StartSweepRequest(request_id="e2e-sweep", partitions=2)
        request.since.seconds = START - 86_400
        started = await stub.StartSweep(request, metadata=auth(token), timeout=10)
    async with channel(operations) as ch:
        final = await story.watch(ch, token, started.operation.id, 120)
    result = graph_pb2.SweepResult()
    assert final.result.Unpack(result), final
    assert result.rings >= len(data.planted) // 2
    assert result.alerts == result.rings
    async with channel(graph) as ch:
        rings = (
            await graph_pb2_grpc.GraphServiceStub(ch).ListRings(
                graph_pb2.ListRingsRequest(limit=200), metadata=auth(token), timeout=10
            )
        ).rings
    cycle = next(p for p in data.planted if p.typology == "cycle")
    ring = next(r for r in rings if set(r.accounts) & cycle.accounts)

    async def ring_case() -> list[cases_pb2.Case] | None:
        async with channel(cases) as ch:
            found = [
                c
                for account in ring.accounts
                for c in await story.cases_of(ch, token, cases_pb2.SUBJECT_KIND_ACCOUNT, account)
            ]
        return found or None

    (case,) = await eventually(ring_case, 60, f"a case for ring {ring.fingerprint}")
    assert case.kind == cases_pb2.CASE_KIND_TRANSACTIONS
