"""CaseService through a real server: scopes, tipping-off, validation, SAR export, evidence."""

from __future__ import annotations

from dataclasses import replace
from xml.etree import ElementTree as ET

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from warden.cases.v1 import cases_pb2 as pb
from warden.common.v1.types_pb2 import PageRequest

from services.cases import handlers, sar_handlers
from services.cases.convert import alert_to_proto, sar_content_to_proto
from services.cases.core.model import Outcome
from services.cases.core.sar.model import SarFormat
from services.cases.core.sar.schemas import load_schema
from tests.services.cases.core.sar.samples import CONTENT
from tests.services.cases.factory import screening_alert
from tests.services.cases.rpc.conftest import Console
from tests.support.grpc import auth

CUSTOMER = pb.Subject(kind=pb.SUBJECT_KIND_CUSTOMER, id="cust-1")


def _violations(error: grpc.aio.AioRpcError) -> list[str]:
    """The field paths of an INVALID_ARGUMENT's BadRequest details."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)  # type: ignore[arg-type]
            for detail in status.details:
                bad = error_details_pb2.BadRequest()
                if detail.Unpack(bad):
                    return [v.field for v in bad.field_violations]
    return []


def filed_sar(console: Console) -> str:
    """cust-1's screening case escalated, its SAR approved and exported: a filed-SAR subject."""
    deps = console.deps
    case_id = handlers.intake(screening_alert(), deps).case_id or ""
    handlers.claim_case("ana", case_id, deps)
    handlers.decide_case("ana", case_id, Outcome.ESCALATED, "to the MLRO", deps)
    sar_id = sar_handlers.draft_sar("mia", case_id, deps).report.id
    sar_handlers.edit_sar("mia", sar_id, replace(CONTENT, case_id=case_id), deps)
    sar_handlers.submit_sar("mia", sar_id, deps)
    sar_handlers.approve_sar("max", sar_id, "", deps)
    sar_handlers.export_sar("mia", sar_id, SarFormat.GOAML, deps)
    sar_handlers.record_sar_filing("mia", sar_id, "FIU-1", deps)
    return sar_id


async def test_an_onboarding_client_cannot_reach_anything_but_the_standing(
    console: Console,
) -> None:
    sar_id = filed_sar(console)
    onboarding = console.server.key("cases.standing", name="onboarding")
    async with console.server.channel() as channel:
        stub = console.stub(channel)
        reply = await stub.GetSubjectStanding(
            pb.GetSubjectStandingRequest(subject=CUSTOMER), metadata=auth(onboarding)
        )
        unknown = pb.Subject(kind=pb.SUBJECT_KIND_CUSTOMER, id="never-seen")
        clean = await stub.GetSubjectStanding(
            pb.GetSubjectStandingRequest(subject=unknown), metadata=auth(onboarding)
        )
        as_mlro = auth(onboarding, ("x-warden-on-behalf-of", "mia"))
        codes = [
            await _code(stub.GetSar(pb.GetSarRequest(sar_id=sar_id), metadata=as_mlro)),
            await _code(stub.ListSars(pb.ListSarsRequest(), metadata=as_mlro)),
            await _code(stub.ListCases(pb.ListCasesRequest(), metadata=as_mlro)),
            await _code(stub.ReadAudit(pb.ReadAuditRequest(), metadata=as_mlro)),
        ]
    assert codes == [grpc.StatusCode.PERMISSION_DENIED] * 4
    # A subject with a filed SAR reads exactly like one that never had a case.
    assert reply.standing == clean.standing == pb.SUBJECT_STANDING_CLEAR
    assert [f.name for f in pb.GetSubjectStandingResponse.DESCRIPTOR.fields] == ["standing"]


async def test_an_analyst_finds_no_trace_of_a_sar(console: Console) -> None:
    sar_id = filed_sar(console)
    case_id = console.deps.sars.get(sar_id).case_id
    async with console.server.channel() as channel:
        stub = console.stub(channel)
        analyst = console.as_("ana")
        with pytest.raises(grpc.aio.AioRpcError) as hidden:
            await stub.GetSar(pb.GetSarRequest(sar_id=sar_id), metadata=analyst)
        case = await stub.GetCase(pb.GetCaseRequest(case_id=case_id), metadata=analyst)
        timeline = await stub.GetTimeline(pb.GetTimelineRequest(case_id=case_id), metadata=analyst)
        missing = await _code(
            stub.GetSar(pb.GetSarRequest(sar_id="sar_does_not_exist"), metadata=console.as_("mia"))
        )
    assert (
        hidden.value.code() == missing == grpc.StatusCode.NOT_FOUND
    )  # same answer as "no such SAR"
    assert case.case.outcome == pb.OUTCOME_ESCALATED
    text = str(case) + str(timeline)
    assert "sar" not in text.lower().replace("sanctions", "")
    assert "FIU-1" not in text


async def _code(call: object) -> grpc.StatusCode:
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as error:
        return error.code()
    return grpc.StatusCode.OK


async def test_producers_intake_alerts_and_bad_ones_are_refused_field_by_field(
    console: Console,
) -> None:
    producer = console.server.key("cases.intake", name="screening")
    async with console.server.channel() as channel:
        stub = console.stub(channel)
        alert = alert_to_proto(screening_alert())
        first = await stub.IntakeAlert(pb.IntakeAlertRequest(alert=alert), metadata=auth(producer))
        again = await stub.IntakeAlert(pb.IntakeAlertRequest(alert=alert), metadata=auth(producer))
        bad = pb.Alert(key="k", title="t", evidence_json="[1, 2]")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.IntakeAlert(pb.IntakeAlertRequest(alert=bad), metadata=auth(producer))
    assert first.opened
    assert (again.duplicate, again.case_id) == (True, first.case_id)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(_violations(refused.value)) >= {
        "alert.source",
        "alert.severity",
        "alert.subject.kind",
        "alert.raised_at",
        "alert.evidence_json",
    }
    stored = console.deps.cases.alerts(first.case_id)[0]
    assert stored == screening_alert()


async def test_a_caller_who_is_no_officer_is_refused(console: Console) -> None:
    reader = console.server.key("cases.read", name="a system")
    async with console.server.channel() as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await console.stub(channel).ListCases(pb.ListCasesRequest(), metadata=auth(reader))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_sar_export_is_schema_valid_and_bad_edits_name_their_fields(console: Console) -> None:
    sar_id = filed_sar(console)
    async with console.server.channel() as channel:
        stub = console.stub(channel)
        mlro = console.as_("mia")
        goaml = await stub.ExportSar(
            pb.ExportSarRequest(sar_id=sar_id, format=pb.SAR_FORMAT_GOAML), metadata=mlro
        )
        fincen = await stub.ExportSar(
            pb.ExportSarRequest(sar_id=sar_id, format=pb.SAR_FORMAT_FINCEN), metadata=mlro
        )
        draft = await stub.DraftSar(
            pb.DraftSarRequest(case_id=console.deps.sars.get(sar_id).case_id), metadata=mlro
        )
        content = sar_content_to_proto(
            replace(CONTENT, case_id=draft.sar.case_id, narrative="x" * 8_001)
        )
        content.transactions[0].amount = "lots"
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.UpdateSar(
                pb.UpdateSarRequest(sar_id=draft.sar.id, content=content), metadata=mlro
            )
        content.transactions[0].amount = "9500.00"
        await stub.UpdateSar(
            pb.UpdateSarRequest(sar_id=draft.sar.id, content=content), metadata=mlro
        )
        problems = await stub.ValidateSar(
            pb.ValidateSarRequest(sar_id=draft.sar.id, format=pb.SAR_FORMAT_GOAML), metadata=mlro
        )
    assert load_schema(SarFormat.GOAML).is_valid(ET.fromstring(goaml.document))
    assert load_schema(SarFormat.FINCEN).is_valid(ET.fromstring(fincen.document))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _violations(refused.value) == ["content.transactions[0].amount"]
    assert [(p.field, p.description) for p in problems.problems] == [
        ("/report/reason", "narrative: value is longer than the 8000 characters allowed")
    ]


async def test_evidence_and_paging(console: Console) -> None:
    for n in range(3):
        handlers.intake(screening_alert(n, subject=f"c{n}"), console.deps)
    async with console.server.channel() as channel:
        stub = console.stub(channel)
        analyst = console.as_("ana")
        first = await stub.ListCases(
            pb.ListCasesRequest(page=PageRequest(page_size=2)), metadata=analyst
        )
        second = await stub.ListCases(
            pb.ListCasesRequest(
                page=PageRequest(page_size=2, page_token=first.page.next_page_token)
            ),
            metadata=analyst,
        )
        case_id = first.cases[0].id
        info = await stub.AttachEvidence(
            pb.AttachEvidenceRequest(
                case_id=case_id, filename="id.png", media_type="image/png", content=b"\x89PNG"
            ),
            metadata=analyst,
        )
        case = await stub.GetCase(pb.GetCaseRequest(case_id=case_id), metadata=console.as_("aud"))
        back = await stub.GetEvidence(
            pb.GetEvidenceRequest(case_id=case_id, evidence_id=info.info.id),
            metadata=console.as_("aud"),
        )
        with pytest.raises(grpc.aio.AioRpcError) as bad_token:
            await stub.ListCases(
                pb.ListCasesRequest(page=PageRequest(page_token="x")), metadata=analyst
            )
    assert (len(first.cases), len(second.cases), first.page.total_size) == (2, 1, 3)
    assert second.page.next_page_token == ""
    assert [e.sha256 for e in case.evidence] == [info.info.sha256]
    assert back.content == b"\x89PNG"
    assert bad_token.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_console_security_event_lands_in_the_audit_chain(console: Console) -> None:
    async with console.server.channel() as channel:
        stub = console.stub(channel)
        await stub.RecordSecurityEvent(
            pb.RecordSecurityEventRequest(action="login_failed", target="console"),
            metadata=console.as_("ana"),
        )
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.RecordSecurityEvent(
                pb.RecordSecurityEventRequest(action="sar_read"), metadata=console.as_("ana")
            )
        audit = await stub.ReadAudit(pb.ReadAuditRequest(), metadata=console.as_("aud"))
        verified = await stub.VerifyAudit(pb.VerifyAuditRequest(), metadata=console.as_("aud"))
    assert (
        refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    )  # the server records SAR reads itself
    assert [(e.actor, e.action) for e in audit.entries][-1] == ("ana", "security.login_failed")
    assert verified.ok
