"""RBAC on every officer RPC: each RPC called as an officer of each role, on fresh state.

A refusal is PERMISSION_DENIED, or NOT_FOUND for a SAR (which must not even be confirmed to
exist). An allowed call may still fail for a reason that is not about who is calling
(e.g. FAILED_PRECONDITION), but never with one of those two codes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import grpc
import pytest
from google.protobuf.message import Message
from warden.cases.v1 import cases_pb2 as pb

from services.cases import handlers, sar_handlers
from services.cases.convert import sar_content_to_proto, suppression_to_proto
from services.cases.core.model import HitVerdict, Outcome
from services.cases.core.roles import Role
from services.cases.core.sar.model import SarFormat
from services.cases.handlers import CaseDeps
from tests.services.cases.core.sar.samples import CONTENT
from tests.services.cases.factory import screening_alert
from tests.services.cases.rpc.conftest import Console

# The officer who plays each role; none of them is a maker of the prepared decisions and SARs.
PLAYER = {
    Role.ANALYST: "alex",
    Role.REVIEWER: "rob",
    Role.MLRO: "max",
    Role.ADMIN: "ada",
    Role.AUDITOR: "aud",
}
WORKERS = {"alex", "rob", "max"}
_subjects = itertools.count()


def _case(deps: CaseDeps) -> str:
    return handlers.intake(screening_alert(subject=f"rbac-{next(_subjects)}"), deps).case_id or ""


def _held_by(deps: CaseDeps, who: str) -> str:
    """A case being investigated by `who` if they may work cases, else by ana."""
    case_id = _case(deps)
    handlers.claim_case(who if who in WORKERS else "ana", case_id, deps)
    return case_id


def _pending(deps: CaseDeps, proposer: str = "ana") -> str:
    case_id = _held_by(deps, proposer)
    hit = deps.cases.get(case_id).hits[0].alert_key
    handlers.review_hit(proposer, case_id, hit, HitVerdict.FALSE_POSITIVE, "dob", deps)
    handlers.decide_case(proposer, case_id, Outcome.FALSE_POSITIVE, "not them", deps)
    return case_id


def _closed(deps: CaseDeps) -> str:
    case_id = _pending(deps)
    handlers.approve_decision("rita", case_id, "", deps)
    return case_id


def _sar(deps: CaseDeps, *, submitted: bool = False, approved: bool = False) -> str:
    case_id = _held_by(deps, "ana")
    handlers.decide_case("ana", case_id, Outcome.ESCALATED, "to the MLRO", deps)
    sar_id = sar_handlers.draft_sar("mia", case_id, deps).report.id
    sar_handlers.edit_sar("mia", sar_id, replace(CONTENT, case_id=case_id), deps)
    if submitted or approved:
        sar_handlers.submit_sar("mia", sar_id, deps)
    if approved:
        sar_handlers.approve_sar("max", sar_id, "", deps)
        sar_handlers.export_sar("mia", sar_id, SarFormat.GOAML, deps)
    return sar_id


def _suppression(deps: CaseDeps) -> pb.RevokeSuppressionRequest:
    case = deps.cases.get(_closed(deps))
    (cleared,) = deps.suppressions.for_customer(case.subject.id)
    return pb.RevokeSuppressionRequest(
        suppression=suppression_to_proto(cleared), reason="new media"
    )


def _snooze(deps: CaseDeps, who: str) -> pb.SnoozeCaseRequest:
    request = pb.SnoozeCaseRequest(case_id=_held_by(deps, who), reason="awaiting documents")
    request.until.FromDatetime(deps.clock() + timedelta(days=2))
    return request


def _evidence(deps: CaseDeps) -> pb.GetEvidenceRequest:
    case_id = _case(deps)
    meta = handlers.attach_evidence(
        "ana", case_id, handlers.Upload("a.txt", "text/plain", b"x"), deps
    )
    return pb.GetEvidenceRequest(case_id=case_id, evidence_id=meta.evidence_id)


def _content(deps: CaseDeps, sar_id: str) -> pb.UpdateSarRequest:
    report = deps.sars.get(sar_id)
    changed = replace(report.content, narrative="Rewritten by the test.")
    return pb.UpdateSarRequest(sar_id=sar_id, content=sar_content_to_proto(changed))


Prepare = Callable[[CaseDeps, str], Message]


@dataclass(frozen=True)
class Rpc:
    name: str
    allowed: str  # role letters: A analyst, R reviewer, M MLRO, D admin, U auditor
    prepare: Prepare


RPCS = [
    Rpc("ListCases", "ARMU", lambda d, w: pb.ListCasesRequest()),
    Rpc("ListSuppressions", "ARMU", lambda d, w: pb.ListSuppressionsRequest(customer_id="cust-1")),
    Rpc("RevokeSuppression", "RM", lambda d, w: _suppression(d)),
    Rpc("GetCase", "ARMU", lambda d, w: pb.GetCaseRequest(case_id=_case(d))),
    Rpc("GetTimeline", "ARMU", lambda d, w: pb.GetTimelineRequest(case_id=_case(d))),
    Rpc("GetEvidence", "ARMU", lambda d, w: _evidence(d)),
    Rpc("GetDashboard", "ARMU", lambda d, w: pb.GetDashboardRequest()),
    Rpc("ClaimNextCase", "ARM", lambda d, w: (_case(d), pb.ClaimNextCaseRequest())[1]),
    Rpc("ClaimCase", "ARM", lambda d, w: pb.ClaimCaseRequest(case_id=_case(d))),
    Rpc("AssignCase", "RM", lambda d, w: pb.AssignCaseRequest(case_id=_case(d), assignee="ana")),
    Rpc(
        "ReleaseCase",
        "RM",
        lambda d, w: pb.ReleaseCaseRequest(case_id=_held_by(d, "ana"), reason="r"),
    ),
    Rpc("SnoozeCase", "ARM", lambda d, w: _snooze(d, w)),
    Rpc(
        "ReviewHit",
        "ARM",
        lambda d, w: pb.ReviewHitRequest(
            case_id=(cid := _held_by(d, w)),
            alert_key=d.cases.get(cid).hits[0].alert_key,
            verdict=pb.HIT_VERDICT_TRUE_MATCH,
            rationale="same passport",
        ),
    ),
    Rpc(
        "DecideCase",
        "ARM",
        lambda d, w: pb.DecideCaseRequest(
            case_id=_held_by(d, w), outcome=pb.OUTCOME_ESCALATED, rationale="x"
        ),
    ),
    Rpc("ApproveDecision", "RM", lambda d, w: pb.ApproveDecisionRequest(case_id=_pending(d))),
    Rpc(
        "RejectDecision",
        "RM",
        lambda d, w: pb.RejectDecisionRequest(case_id=_pending(d), reason="again"),
    ),
    Rpc(
        "WithdrawDecision",
        "ARM",
        lambda d, w: pb.WithdrawDecisionRequest(case_id=_pending(d, w if w in WORKERS else "ana")),
    ),
    Rpc(
        "ReopenCase",
        "RM",
        lambda d, w: pb.ReopenCaseRequest(case_id=_closed(d), reason="new facts"),
    ),
    Rpc("AddComment", "ARM", lambda d, w: pb.AddCommentRequest(case_id=_case(d), text="note")),
    Rpc(
        "AttachEvidence",
        "ARM",
        lambda d, w: pb.AttachEvidenceRequest(
            case_id=_case(d), filename="a.pdf", media_type="application/pdf", content=b"%PDF"
        ),
    ),
    Rpc("DraftSar", "M", lambda d, w: pb.DraftSarRequest(case_id=_case(d))),
    Rpc("ListSars", "RM", lambda d, w: (_sar(d), pb.ListSarsRequest())[1]),
    Rpc("GetSar", "M", lambda d, w: pb.GetSarRequest(sar_id=_sar(d))),
    Rpc(
        "SetSarReviewer",
        "M",
        lambda d, w: pb.SetSarReviewerRequest(sar_id=_sar(d), reviewer="rita", assigned=True),
    ),
    Rpc("UpdateSar", "M", lambda d, w: _content(d, _sar(d))),
    Rpc("SubmitSar", "M", lambda d, w: pb.SubmitSarRequest(sar_id=_sar(d))),
    Rpc("ApproveSar", "M", lambda d, w: pb.ApproveSarRequest(sar_id=_sar(d, submitted=True))),
    Rpc(
        "RejectSar",
        "M",
        lambda d, w: pb.RejectSarRequest(sar_id=_sar(d, submitted=True), reason="more"),
    ),
    Rpc("WithdrawSar", "M", lambda d, w: pb.WithdrawSarRequest(sar_id=_sar(d), reason="explained")),
    Rpc(
        "ValidateSar",
        "M",
        lambda d, w: pb.ValidateSarRequest(sar_id=_sar(d), format=pb.SAR_FORMAT_GOAML),
    ),
    Rpc(
        "ExportSar",
        "M",
        lambda d, w: pb.ExportSarRequest(
            sar_id=_sar(d, approved=True), format=pb.SAR_FORMAT_FINCEN
        ),
    ),
    Rpc(
        "RecordSarFiling",
        "M",
        lambda d, w: pb.RecordSarFilingRequest(sar_id=_sar(d, approved=True), fiu_reference="F-1"),
    ),
    Rpc("ReadAudit", "MU", lambda d, w: pb.ReadAuditRequest(limit=5)),
    Rpc("VerifyAudit", "MU", lambda d, w: pb.VerifyAuditRequest()),
    Rpc("GetOfficer", "D", lambda d, w: pb.GetOfficerRequest(officer_id="ana")),
    Rpc("ListOfficers", "D", lambda d, w: pb.ListOfficersRequest()),
    Rpc(
        "CreateOfficer",
        "D",
        lambda d, w: pb.CreateOfficerRequest(
            id=f"new-{next(_subjects)}", display_name="N", roles=[pb.ROLE_ANALYST]
        ),
    ),
    Rpc(
        "SetOfficerRoles",
        "D",
        lambda d, w: pb.SetOfficerRolesRequest(officer_id="alex", roles=[pb.ROLE_ANALYST]),
    ),
    Rpc("DeactivateOfficer", "D", lambda d, w: pb.DeactivateOfficerRequest(officer_id="ana")),
]
LETTER = {Role.ANALYST: "A", Role.REVIEWER: "R", Role.MLRO: "M", Role.ADMIN: "D", Role.AUDITOR: "U"}
REFUSED = {grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND}
# RPCs not decided by officer roles: any client holding their scope may call them.
SYSTEM_RPCS = {"IntakeAlert", "GetSubjectStanding", "CheckSuppression", "RecordSecurityEvent"}


def test_the_table_covers_every_rpc() -> None:
    methods = set(pb.DESCRIPTOR.services_by_name["CaseService"].methods_by_name)
    assert {r.name for r in RPCS} | SYSTEM_RPCS == methods


@pytest.mark.parametrize("rpc", RPCS, ids=lambda r: r.name)
async def test_every_rpc_for_every_role(console: Console, rpc: Rpc) -> None:
    outcomes: dict[Role, str] = {}
    async with console.server.channel() as channel:
        method = getattr(console.stub(channel), rpc.name)
        for role, officer in PLAYER.items():
            request = rpc.prepare(console.deps, officer)
            try:
                await method(request, metadata=console.as_(officer), timeout=30)
                outcomes[role] = "ok"
            except grpc.aio.AioRpcError as error:
                outcomes[role] = "refused" if error.code() in REFUSED else error.code().name
    refused = {LETTER[r] for r, o in outcomes.items() if o == "refused"}
    assert refused == set("ARMDU") - set(rpc.allowed), outcomes
    assert {o for r, o in outcomes.items() if LETTER[r] in rpc.allowed} == {"ok"}, outcomes
