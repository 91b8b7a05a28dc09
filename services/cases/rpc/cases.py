"""CaseService RPCs for systems (intake, standing, suppressions) and for working cases."""

from __future__ import annotations

from warden.cases.v1 import cases_pb2 as pb
from warden.common.v1 import types_pb2

from services.cases import convert as cv
from services.cases import handlers
from services.cases.core.events import EvidenceAttached
from services.cases.core.model import Case, HitVerdict
from services.cases.core.readmodels import summarise
from services.cases.ports import CaseQuery
from services.cases.rpc.base import Context, RpcBase

DEFAULT_PAGE = 50


class CaseRpc(RpcBase):
    def _case(self, case: Case) -> pb.Case:
        return cv.case_to_proto(summarise(case, self.deps.config.queues, self.deps.clock()))

    async def IntakeAlert(
        self, request: pb.IntakeAlertRequest, context: Context
    ) -> pb.IntakeAlertResponse:
        alert = cv.alert_from_proto(request.alert)
        result = await self.run(handlers.intake, alert, self.deps)
        return pb.IntakeAlertResponse(
            case_id=result.case_id or "", opened=result.opened, duplicate=result.duplicate
        )

    async def GetSubjectStanding(
        self, request: pb.GetSubjectStandingRequest, context: Context
    ) -> pb.GetSubjectStandingResponse:
        subject = cv.subject_from_proto(request.subject)
        standing = await self.run(handlers.subject_standing, subject, self.deps)
        return pb.GetSubjectStandingResponse(standing=cv.to_number(cv.STANDINGS, standing))

    async def CheckSuppression(
        self, request: pb.CheckSuppressionRequest, context: Context
    ) -> pb.CheckSuppressionResponse:
        match = cv.match_from_proto(request.match)
        suppressed = await self.run(handlers.is_suppressed, request.customer_id, match, self.deps)
        return pb.CheckSuppressionResponse(suppressed=suppressed)

    async def ListSuppressions(
        self, request: pb.ListSuppressionsRequest, context: Context
    ) -> pb.ListSuppressionsResponse:
        found = await self.run(
            handlers.list_suppressions, self.actor(), request.customer_id, self.deps
        )
        return pb.ListSuppressionsResponse(suppressions=[cv.suppression_to_proto(s) for s in found])

    async def RevokeSuppression(
        self, request: pb.RevokeSuppressionRequest, context: Context
    ) -> pb.RevokeSuppressionResponse:
        suppression = cv.suppression_from_proto(request.suppression)
        await self.run(
            handlers.revoke_suppression, self.actor(), suppression, request.reason, self.deps
        )
        return pb.RevokeSuppressionResponse()

    async def ListCases(
        self, request: pb.ListCasesRequest, context: Context
    ) -> pb.ListCasesResponse:
        query = _query(request)
        rows, total = await self.run(handlers.list_cases, self.actor(), query, self.deps)
        end = query.offset + len(rows)
        next_token = str(end) if end < total else ""
        return pb.ListCasesResponse(
            cases=[cv.case_to_proto(r) for r in rows],
            page=types_pb2.PageResponse(next_page_token=next_token, total_size=total),
        )

    async def GetCase(self, request: pb.GetCaseRequest, context: Context) -> pb.GetCaseResponse:
        actor = self.actor()
        view = await self.run(handlers.get_case, actor, request.case_id, self.deps)
        events = await self.run(self.deps.cases.events, request.case_id)
        return pb.GetCaseResponse(
            case=cv.case_to_proto(view.summary),
            alerts=[cv.alert_to_proto(a) for a in view.alerts],
            evidence=[cv.evidence_to_proto(e) for e in events if isinstance(e, EvidenceAttached)],
        )

    async def GetTimeline(
        self, request: pb.GetTimelineRequest, context: Context
    ) -> pb.GetTimelineResponse:
        entries = await self.run(handlers.case_timeline, self.actor(), request.case_id, self.deps)
        return pb.GetTimelineResponse(entries=[cv.timeline_to_proto(e) for e in entries])

    async def GetEvidence(
        self, request: pb.GetEvidenceRequest, context: Context
    ) -> pb.GetEvidenceResponse:
        event, content = await self.run(
            handlers.get_evidence, self.actor(), request.case_id, request.evidence_id, self.deps
        )
        return pb.GetEvidenceResponse(info=cv.evidence_to_proto(event), content=content)

    async def GetDashboard(
        self, request: pb.GetDashboardRequest, context: Context
    ) -> pb.GetDashboardResponse:
        board = await self.run(handlers.case_dashboard, self.actor(), self.deps)
        return cv.dashboard_to_proto(board)

    async def ClaimNextCase(
        self, request: pb.ClaimNextCaseRequest, context: Context
    ) -> pb.ClaimNextCaseResponse:
        case = await self.run(
            handlers.claim_next, self.actor(), frozenset(request.queues), self.deps
        )
        return pb.ClaimNextCaseResponse(case=self._case(case) if case else None)

    async def ClaimCase(
        self, request: pb.ClaimCaseRequest, context: Context
    ) -> pb.ClaimCaseResponse:
        case = await self.run(handlers.claim_case, self.actor(), request.case_id, self.deps)
        return pb.ClaimCaseResponse(case=self._case(case))

    async def AssignCase(
        self, request: pb.AssignCaseRequest, context: Context
    ) -> pb.AssignCaseResponse:
        case = await self.run(
            handlers.assign_case, self.actor(), request.case_id, request.assignee, self.deps
        )
        return pb.AssignCaseResponse(case=self._case(case))

    async def ReleaseCase(
        self, request: pb.ReleaseCaseRequest, context: Context
    ) -> pb.ReleaseCaseResponse:
        case = await self.run(
            handlers.release_case, self.actor(), request.case_id, request.reason, self.deps
        )
        return pb.ReleaseCaseResponse(case=self._case(case))

    async def SnoozeCase(
        self, request: pb.SnoozeCaseRequest, context: Context
    ) -> pb.SnoozeCaseResponse:
        until = cv.optional_time(request.until, request.HasField("until"))
        case = await self.run(
            handlers.snooze_case, self.actor(), request.case_id, until, request.reason, self.deps
        )
        return pb.SnoozeCaseResponse(case=self._case(case))

    async def ReviewHit(
        self, request: pb.ReviewHitRequest, context: Context
    ) -> pb.ReviewHitResponse:
        verdict = cv.VERDICTS.get(request.verdict, HitVerdict.PENDING)
        case = await self.run(
            handlers.review_hit,
            self.actor(),
            request.case_id,
            request.alert_key,
            verdict,
            request.rationale,
            self.deps,
        )
        return pb.ReviewHitResponse(case=self._case(case))

    async def DecideCase(
        self, request: pb.DecideCaseRequest, context: Context
    ) -> pb.DecideCaseResponse:
        outcome = cv.required_enum(cv.OUTCOMES, request.outcome, "outcome")
        case = await self.run(
            handlers.decide_case,
            self.actor(),
            request.case_id,
            outcome,
            request.rationale,
            self.deps,
        )
        return pb.DecideCaseResponse(case=self._case(case))

    async def ApproveDecision(
        self, request: pb.ApproveDecisionRequest, context: Context
    ) -> pb.ApproveDecisionResponse:
        case = await self.run(
            handlers.approve_decision, self.actor(), request.case_id, request.comment, self.deps
        )
        return pb.ApproveDecisionResponse(case=self._case(case))

    async def RejectDecision(
        self, request: pb.RejectDecisionRequest, context: Context
    ) -> pb.RejectDecisionResponse:
        case = await self.run(
            handlers.reject_decision, self.actor(), request.case_id, request.reason, self.deps
        )
        return pb.RejectDecisionResponse(case=self._case(case))

    async def WithdrawDecision(
        self, request: pb.WithdrawDecisionRequest, context: Context
    ) -> pb.WithdrawDecisionResponse:
        case = await self.run(
            handlers.withdraw_decision, self.actor(), request.case_id, request.reason, self.deps
        )
        return pb.WithdrawDecisionResponse(case=self._case(case))

    async def ReopenCase(
        self, request: pb.ReopenCaseRequest, context: Context
    ) -> pb.ReopenCaseResponse:
        case = await self.run(
            handlers.reopen_case, self.actor(), request.case_id, request.reason, self.deps
        )
        return pb.ReopenCaseResponse(case=self._case(case))

    async def AddComment(
        self, request: pb.AddCommentRequest, context: Context
    ) -> pb.AddCommentResponse:
        case = await self.run(
            handlers.comment_case, self.actor(), request.case_id, request.text, self.deps
        )
        return pb.AddCommentResponse(case=self._case(case))

    async def AttachEvidence(
        self, request: pb.AttachEvidenceRequest, context: Context
    ) -> pb.AttachEvidenceResponse:
        upload = handlers.Upload(request.filename, request.media_type, request.content)
        meta = await self.run(
            handlers.attach_evidence, self.actor(), request.case_id, upload, self.deps
        )
        return pb.AttachEvidenceResponse(
            info=pb.EvidenceInfo(
                id=meta.evidence_id,
                filename=meta.filename,
                media_type=meta.media_type,
                sha256=meta.sha256,
                size=meta.size,
            )
        )


def _query(request: pb.ListCasesRequest) -> CaseQuery:
    fields = cv.Fields()
    token = request.page.page_token
    if token and not token.isdigit():
        fields.bad("page.page_token", "not a token this server issued")
    subject = cv.subject_from_proto(request.subject) if request.HasField("subject") else None
    query = CaseQuery(
        queues=frozenset(request.queues),
        statuses=frozenset(fields.enum(cv.STATUSES, s, "statuses") for s in request.statuses),
        kinds=frozenset(fields.enum(cv.CASE_KINDS, k, "kinds") for k in request.kinds),
        severities=frozenset(
            fields.enum(cv.SEVERITIES, s, "severities") for s in request.severities
        ),
        assignee=request.assignee or None,
        subject=subject,
        due_before=cv.optional_time(request.due_before, request.HasField("due_before")),
        sla_states=frozenset(
            fields.enum(cv.SLA_STATES, s, "sla_states") for s in request.sla_states
        ),
        offset=int(token) if token.isdigit() else 0,
        limit=request.page.page_size or DEFAULT_PAGE,
    )
    fields.check("case filter")
    return query
