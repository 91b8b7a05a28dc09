"""Audit chain (auditor, MLRO) and officers with their console passwords (admin)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from warden.cases.v1 import cases_pb2 as pb

from services.cases.core.roles import Action, Role
from services.common.errors import InvalidArgument
from services.console import auth
from services.console.web.guard import act, form_of, page, state_of, text
from services.console.web.render import go, render
from services.console.web.state import ROLE_NUMBERS, Viewer

AUDIT_PAGE = 200


@page(Action.AUDIT_READ)
async def audit_page(request: Request, viewer: Viewer) -> Response:
    state = state_of(request)
    raw = request.query_params.get("after", "0")
    after = int(raw) if raw.isdigit() else 0
    message = pb.ReadAuditRequest(after_seq=after, limit=AUDIT_PAGE)
    reply = await state.call(state.cases().stub.ReadAudit, message, viewer.officer_id)
    context = {"viewer": viewer, "entries": reply.entries, "after": after, "verify": None}
    return render(request, "audit.html", context)


@act(Action.AUDIT_READ)
async def verify_audit(request: Request, viewer: Viewer) -> Response:
    state = state_of(request)
    reply = await state.call(
        state.cases().stub.VerifyAudit, pb.VerifyAuditRequest(), viewer.officer_id
    )
    context = {"viewer": viewer, "entries": [], "after": 0, "verify": reply}
    return render(request, "audit.html", context)


@page(Action.OFFICER_MANAGE)
async def officers_page(request: Request, viewer: Viewer) -> Response:
    state = state_of(request)
    reply = await state.call(
        state.cases().stub.ListOfficers, pb.ListOfficersRequest(), viewer.officer_id
    )
    rows = []
    for officer in reply.officers:
        credential = await asyncio.to_thread(state.credentials.get, officer.id)
        rows.append((officer, credential))
    context = {"viewer": viewer, "officers": rows, "roles": [r.value for r in Role]}
    return render(request, "officers.html", context)


def _roles(request: Request) -> list[int]:
    chosen = [str(v) for v in form_of(request).getlist("roles")]
    unknown = [r for r in chosen if r not in {role.value for role in Role}]
    if unknown or not chosen:
        raise InvalidArgument.for_field("roles", "choose at least one known role")
    return [ROLE_NUMBERS[Role(r)] for r in chosen]


@act(Action.OFFICER_MANAGE)
async def create_officer(request: Request, viewer: Viewer) -> Response:
    """Create the officer in case management, then give them a console password."""
    state = state_of(request)
    password = auth.validate_password(str(form_of(request).get("password") or ""))
    message = pb.CreateOfficerRequest(
        id=text(request, "officer_id", 128),
        display_name=text(request, "display_name", 200),
        roles=_roles(request),  # type: ignore[arg-type]
    )
    reply = await state.call(state.cases().stub.CreateOfficer, message, viewer.officer_id)
    await asyncio.to_thread(auth.set_password, reply.officer.id, password, state.auth)
    return go(request, "/officers")


@act(Action.OFFICER_MANAGE)
async def set_officer_password(request: Request, viewer: Viewer) -> Response:
    """Reset a password (this also lifts a lock-out); the officer must exist."""
    state, officer_id = state_of(request), request.path_params["officer_id"]
    message = pb.GetOfficerRequest(officer_id=officer_id)
    await state.call(state.cases().stub.GetOfficer, message, viewer.officer_id)
    password = str(form_of(request).get("password") or "")
    await asyncio.to_thread(auth.set_password, officer_id, password, state.auth)
    return go(request, "/officers")


@act(Action.OFFICER_MANAGE)
async def set_officer_roles(request: Request, viewer: Viewer) -> Response:
    state, officer_id = state_of(request), request.path_params["officer_id"]
    message = pb.SetOfficerRolesRequest(officer_id=officer_id, roles=_roles(request))  # type: ignore[arg-type]
    await state.call(state.cases().stub.SetOfficerRoles, message, viewer.officer_id)
    state.forget_officer(officer_id)
    return go(request, "/officers")


@act(Action.OFFICER_MANAGE)
async def deactivate_officer(request: Request, viewer: Viewer) -> Response:
    state, officer_id = state_of(request), request.path_params["officer_id"]
    message = pb.DeactivateOfficerRequest(officer_id=officer_id)
    await state.call(state.cases().stub.DeactivateOfficer, message, viewer.officer_id)
    state.forget_officer(officer_id)
    return go(request, "/officers")
