"""CaseService RPCs for the audit chain, security events and officers."""

from __future__ import annotations

from warden.cases.v1 import cases_pb2 as pb

from services.cases import admin
from services.cases import convert as cv
from services.cases.core.audit import ChainAnchor, SecurityAction
from services.cases.rpc.base import Context, RpcBase
from services.common.errors import InvalidArgument

# What the console may report; key changes and SAR reads are recorded by the server itself.
CONSOLE_EVENTS = {
    a.value.removeprefix("security."): a
    for a in (
        SecurityAction.LOGIN_SUCCEEDED,
        SecurityAction.LOGIN_FAILED,
        SecurityAction.LOGIN_LOCKED_OUT,
        SecurityAction.LOGOUT,
        SecurityAction.KEY_ROTATED,
    )
}


class AdminRpc(RpcBase):
    async def ReadAudit(
        self, request: pb.ReadAuditRequest, context: Context
    ) -> pb.ReadAuditResponse:
        entries = await self.run(
            admin.read_audit, self.actor(), request.after_seq, request.limit or 100, self.deps
        )
        return pb.ReadAuditResponse(entries=[cv.audit_to_proto(e) for e in entries])

    async def VerifyAudit(
        self, request: pb.VerifyAuditRequest, context: Context
    ) -> pb.VerifyAuditResponse:
        anchor = (
            ChainAnchor(request.anchor_seq, request.anchor_hash) if request.anchor_seq else None
        )
        report = await self.run(admin.verify_audit, self.actor(), anchor, self.deps)
        broken = report.broken
        return pb.VerifyAuditResponse(
            ok=report.ok,
            checked=report.checked,
            first_broken_seq=broken.seq if broken else 0,
            break_kind=broken.kind.value if broken else "",
            description=report.describe(),
            head_seq=report.head.seq if report.head else 0,
            head_hash=report.head.hash if report.head else "",
        )

    async def RecordSecurityEvent(
        self, request: pb.RecordSecurityEventRequest, context: Context
    ) -> pb.RecordSecurityEventResponse:
        action = CONSOLE_EVENTS.get(request.action)
        if action is None:
            raise InvalidArgument.for_field("action", f"one of {', '.join(sorted(CONSOLE_EVENTS))}")
        target = request.target or "console"
        await self.run(admin.record_security_event, self.actor(), action, target, self.deps)
        return pb.RecordSecurityEventResponse()

    async def GetOfficer(
        self, request: pb.GetOfficerRequest, context: Context
    ) -> pb.GetOfficerResponse:
        officer = await self.run(admin.get_officer, self.actor(), request.officer_id, self.deps)
        return pb.GetOfficerResponse(officer=cv.officer_to_proto(officer))

    async def ListOfficers(
        self, request: pb.ListOfficersRequest, context: Context
    ) -> pb.ListOfficersResponse:
        officers = await self.run(admin.list_officers, self.actor(), self.deps)
        return pb.ListOfficersResponse(officers=[cv.officer_to_proto(o) for o in officers])

    async def CreateOfficer(
        self, request: pb.CreateOfficerRequest, context: Context
    ) -> pb.CreateOfficerResponse:
        new = admin.NewOfficer(request.id, request.display_name, cv.roles_from_proto(request.roles))
        officer = await self.run(admin.create_officer, self.actor(), new, self.deps)
        return pb.CreateOfficerResponse(officer=cv.officer_to_proto(officer))

    async def SetOfficerRoles(
        self, request: pb.SetOfficerRolesRequest, context: Context
    ) -> pb.SetOfficerRolesResponse:
        roles = cv.roles_from_proto(request.roles)
        officer = await self.run(
            admin.set_roles, self.actor(), request.officer_id, roles, self.deps
        )
        return pb.SetOfficerRolesResponse(officer=cv.officer_to_proto(officer))

    async def DeactivateOfficer(
        self, request: pb.DeactivateOfficerRequest, context: Context
    ) -> pb.DeactivateOfficerResponse:
        officer = await self.run(
            admin.deactivate_officer, self.actor(), request.officer_id, self.deps
        )
        return pb.DeactivateOfficerResponse(officer=cv.officer_to_proto(officer))
