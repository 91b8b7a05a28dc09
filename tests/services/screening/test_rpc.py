"""ScreeningService through a real in-process gRPC server with the real interceptors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from warden.common.v1 import party_pb2, types_pb2
from warden.screening.v1 import screening_pb2, screening_pb2_grpc

from services.common.alerts import InMemoryAlertSink
from services.common.operations import OperationFailure
from services.common.runtime import Container
from services.screening.convert import rescreen_report, rescreen_result
from services.screening.deps import AREA, screening_deps
from services.screening.handlers import RescreenReport, ScreeningDeps
from services.screening.ports import InMemoryCustomerStore, InMemorySuppressionStore, StaticLists
from services.screening.rescreen import (
    ResubmitCommand,
    StatusQuery,
    rescreen_status,
    resubmit_rescreen,
)
from tests.services.screening.support import BASE_LIST, clock
from tests.support.grpc import TestServer, auth, start_test_server

SCOPES = ("screening.screen", "screening.compare", "screening.lists.read", "screening.suppress")


@pytest.fixture
async def server(container: Container) -> AsyncIterator[TestServer]:
    deps = ScreeningDeps(
        lists=StaticLists(BASE_LIST, clock),
        customers=InMemoryCustomerStore(),
        suppressions=InMemorySuppressionStore(),
        alerts=InMemoryAlertSink(),
        clock=clock,
    )
    container.area(AREA, lambda _: deps)
    async with start_test_server(container) as started:
        yield started


def _party(name: str, reference: str = "cust-1", **fields: Any) -> party_pb2.Party:
    return party_pb2.Party(
        reference=reference,
        kind=party_pb2.PARTY_KIND_PERSON,
        names=[party_pb2.Name(full=name)],
        **fields,
    )


def _status(error: grpc.aio.AioRpcError) -> status_pb2.Status:
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            return status_pb2.Status.FromString(value)
    raise AssertionError("no google.rpc.Status in the trailers")


def _fields(error: grpc.aio.AioRpcError) -> list[str]:
    for packed in _status(error).details:
        bad = error_details_pb2.BadRequest()
        if packed.Unpack(bad):
            return [v.field for v in bad.field_violations]
    raise AssertionError("no BadRequest detail")


async def test_screen_returns_explained_hits(server: TestServer) -> None:
    token = server.key(*SCOPES)
    async with server.channel() as channel:
        stub = screening_pb2_grpc.ScreeningServiceStub(channel)
        reply = await stub.Screen(
            screening_pb2.ScreenRequest(party=_party("Evgenii Prigojin")), metadata=auth(token)
        )
    assert reply.reference == "cust-1"
    assert reply.list_version
    top = reply.hits[0]
    assert top.entry.reference == "ofac:prigozhin"
    assert top.match
    assert top.list == "ofac"
    assert len(top.entry_hash) == 64
    assert top.explanations[0].feature == "name_similarity"
    assert "PRIGOJIN" in top.explanations[0].detail


async def test_bad_input_is_invalid_argument_with_field_violations(server: TestServer) -> None:
    token = server.key(*SCOPES)
    request = screening_pb2.ScreenRequest(
        party=_party("A" * 5000, reference="", nationalities=["Germany"]), monitor=True
    )
    async with server.channel() as channel:
        stub = screening_pb2_grpc.ScreeningServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Screen(request, metadata=auth(token))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(_fields(caught.value)) == {
        "party.names[0].full",
        "party.nationalities[0]",
        "party.reference",
    }


async def test_unicode_tricks_in_a_name_are_invalid_argument(server: TestServer) -> None:
    token = server.key(*SCOPES)
    async with server.channel() as channel:
        stub = screening_pb2_grpc.ScreeningServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Screen(
                screening_pb2.ScreenRequest(party=_party("\u202e\u200b\u200d")),
                metadata=auth(token),
            )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _fields(caught.value) == ["party.names[0].full"]


async def test_screen_stream_answers_in_order_and_reports_bad_items(server: TestServer) -> None:
    token = server.key(*SCOPES)
    names = ["Vladimir Putin", "\u200b", "John Smith", "Jane Nobody"]

    async def requests() -> AsyncIterator[screening_pb2.ScreenStreamRequest]:
        for i, name in enumerate(names):
            request = screening_pb2.ScreenRequest(party=_party(name, reference=f"r{i}"))
            yield screening_pb2.ScreenStreamRequest(request=request)

    async with server.channel() as channel:
        stub = screening_pb2_grpc.ScreeningServiceStub(channel)
        replies = [r.response async for r in stub.ScreenStream(requests(), metadata=auth(token))]
    assert [r.reference for r in replies] == ["r0", "r1", "r2", "r3"]
    assert replies[0].hits[0].entry.reference == "eu:putin"
    assert replies[1].error.violations[0].field == "party.names[0].full"
    assert replies[2].hits[0].entry.reference == "ofac:smith"
    assert not [h for h in replies[3].hits if h.match]


async def test_compare_status_versions_and_suppression(server: TestServer) -> None:
    token = server.key(*SCOPES)
    async with server.channel() as channel:
        stub = screening_pb2_grpc.ScreeningServiceStub(channel)
        compared = await stub.Compare(
            screening_pb2.CompareRequest(
                party=_party("Putin Vladimir"), entry_reference="eu:putin"
            ),
            metadata=auth(token),
        )
        status = await stub.GetListStatus(
            screening_pb2.GetListStatusRequest(), metadata=auth(token)
        )
        versions = await stub.ListVersions(
            screening_pb2.ListVersionsRequest(page=types_pb2.PageRequest(page_size=10)),
            metadata=auth(token),
        )
        screened = await stub.Screen(
            screening_pb2.ScreenRequest(party=_party("Vladimir Putin"), monitor=True),
            metadata=auth(token),
        )
        suppressed = await stub.SuppressHit(
            screening_pb2.SuppressHitRequest(
                customer_reference="cust-1",
                entry_reference="eu:putin",
                entry_hash=screened.hits[0].entry_hash,
                reason="namesake",
            ),
            metadata=auth(token),
        )
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.Compare(
                screening_pb2.CompareRequest(party=_party("X Y"), entry_reference="eu:none"),
                metadata=auth(token),
            )
    assert compared.hit.match
    assert {e.feature for e in compared.hit.explanations} >= {"name_similarity"}
    assert status.current.entries == len(BASE_LIST)
    assert {s.name for s in status.current.sources} == {"eu", "ofac", "un"}
    assert [v.version for v in versions.versions] == [status.current.version]
    assert screened.monitored
    assert len(suppressed.customer_hash) == 64
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


async def test_scopes_are_enforced(server: TestServer) -> None:
    token = server.key("screening.lists.read")
    async with server.channel() as channel:
        stub = screening_pb2_grpc.ScreeningServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Screen(screening_pb2.ScreenRequest(party=_party("X")), metadata=auth(token))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_list_status_shows_the_rescreening_into_the_live_version(
    server: TestServer, container: Container
) -> None:
    live = screening_deps(container).lists.current[0].version
    operations = container.operations
    for old, new in (("v0", live), ("v0", "other")):
        resubmit_rescreen(
            ResubmitCommand(old, new, 2), operations, container.queue, rescreen_report
        )
    runs = rescreen_status(StatusQuery("v0", live), operations, rescreen_report)[0].unfinished
    operations.start_attempt(runs[0].operation_id)
    result = rescreen_result(RescreenReport(3, 40, 2, 1, 4), "v0", live, runs[0].partition)
    operations.succeed(runs[0].operation_id, "t", result.SerializeToString())
    operations.start_attempt(runs[1].operation_id)
    operations.fail(runs[1].operation_id, OperationFailure("INTERNAL", "internal error"))

    token = server.key("screening.lists.read")
    async with server.channel() as channel:
        stub = screening_pb2_grpc.ScreeningServiceStub(channel)
        status = await stub.GetListStatus(
            screening_pb2.GetListStatusRequest(), metadata=auth(token)
        )
    (rescreening,) = status.rescreenings
    assert (rescreening.previous_version, rescreening.list_version) == ("v0", live)
    assert (rescreening.partitions, rescreening.done, rescreening.failed) == (2, 1, 1)
    assert not rescreening.complete
    assert (rescreening.entries, rescreening.customers, rescreening.alerts) == (3, 40, 2)
    assert list(rescreening.failed_operations) == [runs[1].operation_id]
    assert rescreening.refused == 4
