"""The case page and every action on a case (each one CaseService call, then back to the page)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from google.protobuf.message import Message
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from warden.cases.v1 import cases_pb2 as pb

from services.cases.core.decisions import FourEyesPolicy
from services.cases.core.model import Outcome
from services.cases.core.roles import Action
from services.common.errors import InvalidArgument, PermissionDenied
from services.console.core.identity import identity_view, mapping
from services.console.core.ring import build_ring, cytoscape_elements
from services.console.core.screening import explain_hit
from services.console.web.guard import act, form_of, page, role_message, state_of, text
from services.console.web.render import go, render
from services.console.web.state import ConsoleState, Viewer

_SCREENING = (pb.ALERT_SOURCE_SCREENING_HIT, pb.ALERT_SOURCE_RESCREENING_HIT)
OUTCOMES = {
    "true_match": pb.OUTCOME_TRUE_MATCH,
    "false_positive": pb.OUTCOME_FALSE_POSITIVE,
    "escalated": pb.OUTCOME_ESCALATED,
    "inconclusive": pb.OUTCOME_INCONCLUSIVE,
}
VERDICTS = {
    "true_match": pb.HIT_VERDICT_TRUE_MATCH,
    "false_positive": pb.HIT_VERDICT_FALSE_POSITIVE,
}


def evidence_of(alert: pb.Alert) -> dict[str, object]:
    """An alert's evidence JSON as a dict ({} when absent or not a JSON object)."""
    try:
        return dict(mapping(orjson.loads(alert.evidence_json or b"{}")))
    except orjson.JSONDecodeError:
        return {}


def approval_needed(outcome: str, hits: list[pb.Hit]) -> str:
    """Who must approve `outcome` under the default four-eyes policy (the form's hint).

    The server decides; after proposing, the page shows the pending decision's own checker
    roles and makers.
    """
    policy = FourEyesPolicy()
    roles = policy.checkers.get(Outcome(outcome), frozenset())
    if outcome != "escalated" and any(h.verdict == pb.HIT_VERDICT_FALSE_POSITIVE for h in hits):
        roles = roles & policy.hit_clearance if roles else policy.hit_clearance
    if not roles:
        return "closes at once (no second officer needed)"
    names = " or ".join(sorted("MLRO" if r.value == "mlro" else r.value for r in roles))
    return f"needs approval by a {names} other than you"


def _panels(
    state: ConsoleState, case: pb.Case, alerts: list[pb.Alert]
) -> tuple[list[dict[str, Any]], list[dict[str, object]]]:
    """One panel per alert (explained by source) and the case's ring network, if any."""
    panels: list[dict[str, Any]] = []
    rings: list[dict[str, object]] = []
    for alert in alerts:
        evidence = evidence_of(alert)
        panel: dict[str, Any] = {"alert": alert, "evidence": evidence, "kind": "generic"}
        if alert.source in _SCREENING and alert.HasField("match"):
            entry_id = alert.match.list_entry_id
            looked_up = state.records.entry(entry_id) if "entry" not in evidence else None
            panel.update(kind="screening", hit=explain_hit(evidence, entry_id, looked_up))
        elif alert.source == pb.ALERT_SOURCE_IDENTITY_CHECK:
            panel.update(kind="identity", identity=identity_view(evidence))
        elif alert.source == pb.ALERT_SOURCE_GRAPH_RING:
            panel.update(kind="ring")
            rings.append(evidence)
        panels.append(panel)
    ring = cytoscape_elements(build_ring(rings, case.subject.id), case.subject.id) if rings else []
    return panels, ring


async def _suppressions(state: ConsoleState, case: pb.Case, viewer: Viewer) -> list[pb.Suppression]:
    if case.kind != pb.CASE_KIND_SCREENING:
        return []
    request = pb.ListSuppressionsRequest(customer_id=case.subject.id)
    reply = await state.call(state.cases().stub.ListSuppressions, request, viewer.officer_id)
    return list(reply.suppressions)


@page(Action.CASE_READ)
async def case_page(request: Request, viewer: Viewer) -> Response:
    state, case_id = state_of(request), request.path_params["case_id"]
    stub, me = state.cases().stub, viewer.officer_id
    got, timeline = await asyncio.gather(
        state.call(stub.GetCase, pb.GetCaseRequest(case_id=case_id), me),
        state.call(stub.GetTimeline, pb.GetTimelineRequest(case_id=case_id), me),
    )
    panels, ring = await asyncio.to_thread(_panels, state, got.case, list(got.alerts))
    hits = list(got.case.hits)
    context = {
        "viewer": viewer,
        "case": got.case,
        "panels": panels,
        "ring": ring,
        "evidence": got.evidence,
        "images": _images(got.evidence),
        "timeline": timeline.entries,
        "suppressions": await _suppressions(state, got.case, viewer),
        "outcomes": [(k, approval_needed(k, hits)) for k in OUTCOMES],
        "is_assignee": got.case.assignee == me,
        "is_maker": me in got.case.pending.makers,
    }
    return render(request, "case.html", context)


def _images(evidence: Any) -> dict[str, pb.EvidenceInfo]:
    """Image attachments by file name and by id (how identity evidence refers to them)."""
    found: dict[str, pb.EvidenceInfo] = {}
    for info in evidence:
        if info.media_type in INLINE_IMAGES:
            found.setdefault(info.filename, info)
            found[info.id] = info
    return found


Build = Callable[[str, Request], Message]


def case_action(action: Action, rpc: str, build: Build) -> Callable[[Request], Any]:
    """A POST route that makes one CaseService call for the case in the path."""

    @act(action)
    async def endpoint(request: Request, viewer: Viewer) -> Response:
        state, case_id = state_of(request), request.path_params["case_id"]
        method = getattr(state.cases().stub, rpc)
        await state.call(method, build(case_id, request), viewer.officer_id)
        return go(request, f"/cases/{case_id}")

    endpoint.__name__ = rpc
    return endpoint


def _choice(request: Request, name: str, table: dict[str, int]) -> int:
    value = text(request, name, 64)
    if value not in table:
        raise InvalidArgument.for_field(name, f"choose one of: {', '.join(table)}")
    return table[value]


def _snooze_until(request: Request) -> datetime:
    raw = text(request, "until", 32)
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidArgument.for_field("until", "a date and time (YYYY-MM-DDTHH:MM)") from None


def _snooze(case_id: str, request: Request) -> Message:
    message = pb.SnoozeCaseRequest(case_id=case_id, reason=text(request, "reason"))
    message.until.FromDatetime(_snooze_until(request))
    return message


claim = case_action(Action.CASE_CLAIM, "ClaimCase", lambda c, r: pb.ClaimCaseRequest(case_id=c))
release = case_action(
    Action.CASE_CLAIM,
    "ReleaseCase",
    lambda c, r: pb.ReleaseCaseRequest(case_id=c, reason=text(r, "reason")),
)
assign = case_action(
    Action.CASE_ASSIGN,
    "AssignCase",
    lambda c, r: pb.AssignCaseRequest(case_id=c, assignee=text(r, "assignee", 128)),
)
snooze = case_action(Action.CASE_WORK, "SnoozeCase", _snooze)
review_hit = case_action(
    Action.CASE_WORK,
    "ReviewHit",
    lambda c, r: pb.ReviewHitRequest(
        case_id=c,
        alert_key=text(r, "alert_key", 512),
        verdict=_choice(r, "verdict", VERDICTS),  # type: ignore[arg-type]
        rationale=text(r, "rationale"),
    ),
)
decide = case_action(
    Action.CASE_WORK,
    "DecideCase",
    lambda c, r: pb.DecideCaseRequest(
        case_id=c,
        outcome=_choice(r, "outcome", OUTCOMES),  # type: ignore[arg-type]
        rationale=text(r, "rationale"),
    ),
)


@act()
async def approve(request: Request, viewer: Viewer) -> Response:
    """The checker's approval. Open to every officer on purpose: a maker who tries is told
    why four eyes refuses them (the case service refuses it too, whatever the console does)."""
    state, case_id = state_of(request), request.path_params["case_id"]
    got = await state.call(
        state.cases().stub.GetCase, pb.GetCaseRequest(case_id=case_id), viewer.officer_id
    )
    if viewer.officer_id in got.case.pending.makers:
        raise PermissionDenied("four-eyes: a maker cannot approve", reason="FOUR_EYES")
    if not viewer.can(Action.CASE_APPROVE):
        raise PermissionDenied(role_message(Action.CASE_APPROVE), reason="CHECKER_ROLE")
    message = pb.ApproveDecisionRequest(case_id=case_id, comment=text(request, "comment"))
    await state.call(state.cases().stub.ApproveDecision, message, viewer.officer_id)
    return go(request, f"/cases/{case_id}")


send_back = case_action(
    Action.CASE_APPROVE,
    "RejectDecision",
    lambda c, r: pb.RejectDecisionRequest(case_id=c, reason=text(r, "reason")),
)
withdraw = case_action(
    Action.CASE_WORK,
    "WithdrawDecision",
    lambda c, r: pb.WithdrawDecisionRequest(case_id=c, reason=text(r, "reason")),
)
reopen = case_action(
    Action.CASE_REOPEN,
    "ReopenCase",
    lambda c, r: pb.ReopenCaseRequest(case_id=c, reason=text(r, "reason")),
)
comment = case_action(
    Action.CASE_COMMENT,
    "AddComment",
    lambda c, r: pb.AddCommentRequest(case_id=c, text=text(r, "text", 20_000)),
)


@act(Action.CASE_ATTACH)
async def attach(request: Request, viewer: Viewer) -> Response:
    state, case_id = state_of(request), request.path_params["case_id"]
    upload = form_of(request).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidArgument.for_field("file", "choose a file to attach")
    content = await upload.read()
    message = pb.AttachEvidenceRequest(
        case_id=case_id,
        filename=upload.filename.replace("\\", "/").rsplit("/", 1)[-1],
        media_type=upload.content_type or "application/octet-stream",
        content=content,
    )
    await state.call(state.cases().stub.AttachEvidence, message, viewer.officer_id)
    return go(request, f"/cases/{case_id}")


@act(Action.SUPPRESSION_REVOKE)
async def revoke_suppression(request: Request, viewer: Viewer) -> Response:
    state, case_id = state_of(request), request.path_params["case_id"]
    suppression = pb.Suppression(
        customer_id=text(request, "customer_id", 256),
        list_entry_id=text(request, "list_entry_id", 256),
        customer_hash=text(request, "customer_hash", 128),
        entry_hash=text(request, "entry_hash", 128),
    )
    message = pb.RevokeSuppressionRequest(suppression=suppression, reason=text(request, "reason"))
    await state.call(state.cases().stub.RevokeSuppression, message, viewer.officer_id)
    return go(request, f"/cases/{case_id}")


INLINE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@page(Action.CASE_READ)
async def evidence_file(request: Request, viewer: Viewer) -> Response:
    """An attachment's bytes. Only raster images are shown inline (for the side-by-side
    view); everything else downloads, sandboxed, so an uploaded HTML or SVG file can never run
    in the console's origin."""
    state = state_of(request)
    message = pb.GetEvidenceRequest(
        case_id=request.path_params["case_id"], evidence_id=request.path_params["evidence_id"]
    )
    reply = await state.call(state.cases().stub.GetEvidence, message, viewer.officer_id)
    inline = reply.info.media_type in INLINE_IMAGES
    safe_name = "".join(c for c in reply.info.filename if c.isalnum() or c in "._-")[:100]
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Disposition": f'{disposition}; filename="{safe_name or "evidence"}"',
        "Content-Security-Policy": "sandbox; default-src 'none'",
    }
    media_type = reply.info.media_type if inline else "application/octet-stream"
    return Response(reply.content, media_type=media_type, headers=headers)
