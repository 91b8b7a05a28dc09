"""CaseService RPCs of the SAR workflow (tipping-off rules live in the handlers and core)."""

from __future__ import annotations

from warden.cases.v1 import cases_pb2 as pb

from services.cases import convert as cv
from services.cases import sar_handlers
from services.cases.convert_sar import sar_content_from_proto
from services.cases.rpc.base import Context, RpcBase


class SarRpc(RpcBase):
    async def DraftSar(self, request: pb.DraftSarRequest, context: Context) -> pb.DraftSarResponse:
        drafted = await self.run(sar_handlers.draft_sar, self.actor(), request.case_id, self.deps)
        return pb.DraftSarResponse(sar=cv.sar_to_proto(drafted.report), notes=list(drafted.notes))

    async def ListSars(self, request: pb.ListSarsRequest, context: Context) -> pb.ListSarsResponse:
        reports = await self.run(sar_handlers.list_sars, self.actor(), self.deps)
        return pb.ListSarsResponse(sars=[cv.sar_to_proto(r) for r in reports])

    async def GetSar(self, request: pb.GetSarRequest, context: Context) -> pb.GetSarResponse:
        report = await self.run(sar_handlers.get_sar, self.actor(), request.sar_id, self.deps)
        return pb.GetSarResponse(sar=cv.sar_to_proto(report))

    async def SetSarReviewer(
        self, request: pb.SetSarReviewerRequest, context: Context
    ) -> pb.SetSarReviewerResponse:
        report = await self.run(
            sar_handlers.set_sar_reviewer,
            self.actor(),
            request.sar_id,
            request.reviewer,
            request.assigned,
            self.deps,
        )
        return pb.SetSarReviewerResponse(sar=cv.sar_to_proto(report))

    async def UpdateSar(
        self, request: pb.UpdateSarRequest, context: Context
    ) -> pb.UpdateSarResponse:
        content = sar_content_from_proto(request.content)
        report = await self.run(
            sar_handlers.edit_sar, self.actor(), request.sar_id, content, self.deps
        )
        return pb.UpdateSarResponse(sar=cv.sar_to_proto(report))

    async def SubmitSar(
        self, request: pb.SubmitSarRequest, context: Context
    ) -> pb.SubmitSarResponse:
        report = await self.run(sar_handlers.submit_sar, self.actor(), request.sar_id, self.deps)
        return pb.SubmitSarResponse(sar=cv.sar_to_proto(report))

    async def ApproveSar(
        self, request: pb.ApproveSarRequest, context: Context
    ) -> pb.ApproveSarResponse:
        report = await self.run(
            sar_handlers.approve_sar, self.actor(), request.sar_id, request.comment, self.deps
        )
        return pb.ApproveSarResponse(sar=cv.sar_to_proto(report))

    async def RejectSar(
        self, request: pb.RejectSarRequest, context: Context
    ) -> pb.RejectSarResponse:
        report = await self.run(
            sar_handlers.reject_sar, self.actor(), request.sar_id, request.reason, self.deps
        )
        return pb.RejectSarResponse(sar=cv.sar_to_proto(report))

    async def WithdrawSar(
        self, request: pb.WithdrawSarRequest, context: Context
    ) -> pb.WithdrawSarResponse:
        report = await self.run(
            sar_handlers.withdraw_sar, self.actor(), request.sar_id, request.reason, self.deps
        )
        return pb.WithdrawSarResponse(sar=cv.sar_to_proto(report))

    async def ValidateSar(
        self, request: pb.ValidateSarRequest, context: Context
    ) -> pb.ValidateSarResponse:
        fmt = cv.required_enum(cv.SAR_FORMATS, request.format, "format")
        problems = await self.run(
            sar_handlers.validate_sar, self.actor(), request.sar_id, fmt, self.deps
        )
        return pb.ValidateSarResponse(
            problems=[pb.SarProblem(field=p.field, description=p.description) for p in problems]
        )

    async def ExportSar(
        self, request: pb.ExportSarRequest, context: Context
    ) -> pb.ExportSarResponse:
        fmt = cv.required_enum(cv.SAR_FORMATS, request.format, "format")
        rendered = await self.run(
            sar_handlers.export_sar, self.actor(), request.sar_id, fmt, self.deps
        )
        return pb.ExportSarResponse(
            document=rendered.document, sha256=rendered.sha256, filename=rendered.filename
        )

    async def RecordSarFiling(
        self, request: pb.RecordSarFilingRequest, context: Context
    ) -> pb.RecordSarFilingResponse:
        report = await self.run(
            sar_handlers.record_sar_filing,
            self.actor(),
            request.sar_id,
            request.fiu_reference,
            self.deps,
        )
        return pb.RecordSarFilingResponse(sar=cv.sar_to_proto(report))
