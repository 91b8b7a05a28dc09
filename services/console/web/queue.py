"""The queue: filtered case list in claim-next order, SLA colours, ageing, claim-next."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from warden.cases.v1 import cases_pb2 as pb
from warden.common.v1 import types_pb2

from services.cases.core.roles import Action
from services.common.errors import InvalidArgument
from services.console.core.filters import (
    KINDS,
    PAGE_SIZE,
    SEVERITIES,
    SLA_STATES,
    STATUSES,
    QueueFilter,
    parse_filter,
)
from services.console.web.guard import act, form_of, page, state_of
from services.console.web.render import go, render
from services.console.web.state import Viewer

_ACTIVE = [pb.CASE_STATUS_OPEN, pb.CASE_STATUS_INVESTIGATING, pb.CASE_STATUS_PENDING_APPROVAL]
QUEUE_SLA_STATES = SLA_STATES[:3]  # closed cases are met or missed: filter them by status


def _statuses(status: str) -> list[pb.CaseStatus.ValueType]:
    if status == "active":
        return list(_ACTIVE)
    if status == "all":
        return []
    return [pb.CaseStatus.Value("CASE_STATUS_" + status.upper())]


def list_request(chosen: QueueFilter, officer_id: str) -> pb.ListCasesRequest:
    """The ListCases call for a filter (the server does all the filtering and paging)."""
    if chosen.sla in SLA_STATES[3:]:
        raise InvalidArgument.for_field("sla", "closed cases: filter by status 'closed' instead")
    request = pb.ListCasesRequest(
        statuses=_statuses(chosen.status),
        page=types_pb2.PageRequest(page_size=PAGE_SIZE, page_token=str(chosen.page * PAGE_SIZE)),
    )
    if chosen.queue:
        request.queues.append(chosen.queue)
    if chosen.kind:
        request.kinds.append(pb.CaseKind.Value("CASE_KIND_" + chosen.kind.upper()))
    if chosen.severity:
        request.severities.append(pb.Severity.Value("SEVERITY_" + chosen.severity.upper()))
    if chosen.sla:
        request.sla_states.append(pb.SlaState.Value("SLA_STATE_" + chosen.sla.upper()))
    if chosen.assignee:
        request.assignee = chosen.assignee_id(officer_id)
    return request


@page(Action.CASE_READ)
async def queue_page(request: Request, viewer: Viewer) -> Response:
    state = state_of(request)
    context: dict[str, object] = {
        "viewer": viewer,
        "choices": {
            "queue": state.queues,
            "kind": KINDS,
            "severity": SEVERITIES,
            "sla": QUEUE_SLA_STATES,
            "status": STATUSES,
        },
        "cases": [],
        "total": 0,
        "error": None,
    }
    try:
        chosen = parse_filter(dict(request.query_params), state.queues)
        reply = await state.call(
            state.cases().stub.ListCases, list_request(chosen, viewer.officer_id), viewer.officer_id
        )
    except InvalidArgument as error:
        context.update(filter=QueueFilter(), error=error)
        return render(request, "queue.html", context, 400)
    pages = (reply.page.total_size + PAGE_SIZE - 1) // PAGE_SIZE
    context.update(filter=chosen, cases=reply.cases, total=reply.page.total_size, pages=pages)
    return render(request, "queue.html", context)


@act(Action.CASE_CLAIM)
async def claim_next(request: Request, viewer: Viewer) -> Response:
    state = state_of(request)
    queue = str(form_of(request).get("queue") or "")
    chosen = [queue] if queue in state.queues else []
    reply = await state.call(
        state.cases().stub.ClaimNextCase, pb.ClaimNextCaseRequest(queues=chosen), viewer.officer_id
    )
    if not reply.HasField("case"):
        return go(request, "/queue?empty=1")
    return go(request, f"/cases/{reply.case.id}")
