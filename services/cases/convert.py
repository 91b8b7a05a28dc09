"""warden.cases.v1 messages <-> case management domain types.

Enums map by name (`CASE_STATUS_OPEN` <-> `CaseStatus.OPEN`), built from the descriptors so a
new member cannot be forgotten on one side (a test round-trips every member). Inbound messages
are validated while converting: every bad field becomes a FieldViolation, all reported at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

import orjson
from google.protobuf import timestamp_pb2
from warden.cases.v1 import cases_pb2 as pb

from services.cases.core.audit import AuditEntry
from services.cases.core.events import EvidenceAttached
from services.cases.core.model import (
    CaseKind,
    CaseStatus,
    Decision,
    Hit,
    HitVerdict,
    Outcome,
    SubjectRef,
)
from services.cases.core.queues import SlaState
from services.cases.core.readmodels import CaseSummary, Dashboard, SubjectStanding, TimelineEntry
from services.cases.core.roles import Officer, Role
from services.cases.core.sar.events import SarReport, SarStatus
from services.cases.core.sar.model import (
    IdKind,
    PartyType,
    SarContent,
    SarFormat,
    SarSubject,
    SarTransaction,
)
from services.common.alerts import (
    Alert,
    AlertSource,
    ScreeningMatch,
    Severity,
    SubjectKind,
    Suppression,
)
from services.common.errors import FieldViolation, InvalidArgument
from services.common.rpc.convert import timestamp

E = TypeVar("E", bound=StrEnum)
MAX_EVIDENCE_JSON = 1_000_000


def _table(enum_name: str, domain: type[E]) -> dict[int, E]:
    """Proto number -> domain member, matched by name; members without a proto name map to 0."""
    descriptor = pb.DESCRIPTOR.enum_types_by_name[enum_name]
    prefix = descriptor.values[0].name.removesuffix("UNSPECIFIED")
    table: dict[int, E] = {}
    for member in domain:
        value = descriptor.values_by_name.get(prefix + member.value.upper())
        if value is not None:
            table[value.number] = member
    return table


ALERT_SOURCES = _table("AlertSource", AlertSource)
SUBJECT_KINDS = _table("SubjectKind", SubjectKind)
SEVERITIES = _table("Severity", Severity)
CASE_KINDS = _table("CaseKind", CaseKind)
STATUSES = _table("CaseStatus", CaseStatus)
OUTCOMES = _table("Outcome", Outcome)
VERDICTS = _table("HitVerdict", HitVerdict)
SLA_STATES = _table("SlaState", SlaState)
STANDINGS = _table("SubjectStanding", SubjectStanding)
ROLES = _table("Role", Role)
SAR_STATUSES = _table("SarStatus", SarStatus)
SAR_FORMATS = _table("SarFormat", SarFormat)
PARTY_TYPES = _table("SarPartyType", PartyType)
ID_KINDS = _table("SarIdKind", IdKind)


def to_number(table: Mapping[int, E], member: E | None) -> Any:
    """Domain member -> proto number (0 for None or a member without a proto value).

    Typed Any: mypy-protobuf gives every enum its own NewType of int, and the number here comes
    from that enum's own descriptor (`_table`).
    """
    return next((n for n, m in table.items() if m is member), 0)


class Fields:
    """Collects violations while converting a request, then raises them together."""

    def __init__(self) -> None:
        self.violations: list[FieldViolation] = []

    def bad(self, field: str, description: str) -> None:
        self.violations.append(FieldViolation(field, description))

    def enum(self, table: Mapping[int, E], number: int, field: str) -> E:
        member = table.get(number)
        if member is None:
            self.bad(field, "required: choose one of the listed values")
            return next(iter(table.values()))
        return member

    def check(self, what: str) -> None:
        if self.violations:
            raise InvalidArgument(f"invalid {what}", self.violations)


def required_enum(table: Mapping[int, E], number: int, field: str) -> E:
    fields = Fields()
    member = fields.enum(table, number, field)
    fields.check(field)
    return member


def optional_time(stamp: timestamp_pb2.Timestamp, present: bool) -> datetime | None:
    return stamp.ToDatetime(tzinfo=UTC) if present else None


# ------------------------------------------------------------------------------ alerts


def match_from_proto(message: pb.ScreeningMatch) -> ScreeningMatch:
    return ScreeningMatch(
        message.list_entry_id, message.entry_hash, message.subject_hash, message.score
    )


def match_to_proto(match: ScreeningMatch) -> pb.ScreeningMatch:
    return pb.ScreeningMatch(
        list_entry_id=match.list_entry_id,
        entry_hash=match.entry_hash,
        subject_hash=match.subject_hash,
        score=match.score,
    )


def suppression_to_proto(s: Suppression) -> pb.Suppression:
    return pb.Suppression(
        customer_id=s.customer_id,
        list_entry_id=s.list_entry_id,
        customer_hash=s.customer_hash,
        entry_hash=s.entry_hash,
    )


def suppression_from_proto(message: pb.Suppression) -> Suppression:
    return Suppression(
        message.customer_id, message.list_entry_id, message.customer_hash, message.entry_hash
    )


def subject_from_proto(message: pb.Subject, field: str = "subject") -> SubjectRef:
    fields = Fields()
    kind = fields.enum(SUBJECT_KINDS, message.kind, f"{field}.kind")
    if not message.id.strip():
        fields.bad(f"{field}.id", "required")
    fields.check(field)
    return SubjectRef(kind, message.id)


def alert_from_proto(message: pb.Alert) -> Alert:
    """A producer's alert, refused with every bad field named."""
    fields = Fields()
    source = fields.enum(ALERT_SOURCES, message.source, "alert.source")
    severity = fields.enum(SEVERITIES, message.severity, "alert.severity")
    kind = fields.enum(SUBJECT_KINDS, message.subject.kind, "alert.subject.kind")
    if not message.HasField("raised_at"):
        fields.bad("alert.raised_at", "required")
    evidence = _evidence(fields, message.evidence_json)
    fields.check("alert")
    return Alert(
        key=message.key,
        source=source,
        subject_kind=kind,
        subject_id=message.subject.id,
        severity=severity,
        title=message.title,
        raised_at=message.raised_at.ToDatetime(tzinfo=UTC),
        summary=message.summary,
        evidence=evidence,
        related_subjects=tuple(message.related_subjects),
        match=match_from_proto(message.match) if message.HasField("match") else None,
        typology=message.typology,
    )


def _evidence(fields: Fields, text: str) -> dict[str, object]:
    if not text:
        return {}
    if len(text) > MAX_EVIDENCE_JSON:
        fields.bad("alert.evidence_json", f"at most {MAX_EVIDENCE_JSON} characters")
        return {}
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        fields.bad("alert.evidence_json", "is not valid JSON")
        return {}
    if not isinstance(value, dict):
        fields.bad("alert.evidence_json", "must be a JSON object")
        return {}
    return value


def alert_to_proto(alert: Alert) -> pb.Alert:
    message = pb.Alert(
        key=alert.key,
        source=to_number(ALERT_SOURCES, alert.source),
        subject=pb.Subject(kind=to_number(SUBJECT_KINDS, alert.subject_kind), id=alert.subject_id),
        severity=to_number(SEVERITIES, alert.severity),
        title=alert.title,
        raised_at=timestamp(alert.raised_at),
        summary=alert.summary,
        evidence_json=orjson.dumps(dict(alert.evidence)).decode(),
        related_subjects=list(alert.related_subjects),
        typology=alert.typology,
    )
    if alert.match is not None:
        message.match.CopyFrom(match_to_proto(alert.match))
    return message


# ------------------------------------------------------------------------------ cases


def _hit_to_proto(hit: Hit) -> pb.Hit:
    return pb.Hit(
        alert_key=hit.alert_key,
        match=pb.ScreeningMatch(
            list_entry_id=hit.list_entry_id,
            entry_hash=hit.entry_hash,
            subject_hash=hit.subject_hash,
            score=hit.score,
        ),
        verdict=to_number(VERDICTS, hit.verdict),
        reviewed_by=hit.reviewed_by or "",
    )


def _pending_to_proto(decision: Decision) -> pb.PendingDecision:
    return pb.PendingDecision(
        id=decision.id,
        outcome=to_number(OUTCOMES, decision.outcome),
        rationale=decision.rationale,
        proposed_by=decision.proposed_by,
        proposed_at=timestamp(decision.proposed_at),
        checker_roles=sorted(to_number(ROLES, r) for r in decision.checker_roles),
        makers=sorted(decision.makers),
    )


def case_to_proto(summary: CaseSummary) -> pb.Case:
    case = summary.case
    message = pb.Case(
        id=case.id,
        kind=to_number(CASE_KINDS, case.kind),
        subject=pb.Subject(kind=to_number(SUBJECT_KINDS, case.subject.kind), id=case.subject.id),
        queue=case.queue,
        status=to_number(STATUSES, case.status),
        outcome=to_number(OUTCOMES, case.outcome),
        severity=to_number(SEVERITIES, case.severity),
        title=case.title,
        assignee=case.assignee or "",
        opened_at=timestamp(case.opened_at),
        due_at=timestamp(case.due_at),
        closed_at=timestamp(case.closed_at),
        snoozed_until=timestamp(case.snoozed_until),
        sla_state=to_number(SLA_STATES, summary.sla),
        age=summary.age,
        alert_count=len(case.alert_keys),
        hits=[_hit_to_proto(h) for h in case.hits],
        typologies=list(case.typologies),
        related_subjects=list(case.related_subjects),
        version=case.version,
        reopen_count=case.reopen_count,
    )
    if case.pending is not None:
        message.pending.CopyFrom(_pending_to_proto(case.pending))
    return message


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def timeline_to_proto(entry: TimelineEntry) -> pb.TimelineEntry:
    return pb.TimelineEntry(
        seq=entry.seq,
        at=timestamp(entry.at),
        actor=entry.actor,
        what=entry.what,
        changes=[
            pb.FieldChange(field=c.field, old_value=_text(c.old), new_value=_text(c.new))
            for c in entry.changes
        ],
        note=entry.note,
    )


def evidence_to_proto(event: EvidenceAttached) -> pb.EvidenceInfo:
    return pb.EvidenceInfo(
        id=event.evidence_id,
        filename=event.filename,
        media_type=event.media_type,
        sha256=event.sha256,
        size=event.size,
    )


def dashboard_to_proto(board: Dashboard) -> pb.GetDashboardResponse:
    def counts(values: Mapping[Any, int]) -> list[pb.Count]:
        return [
            pb.Count(key=_text(k), value=v)
            for k, v in sorted(values.items(), key=lambda kv: _text(kv[0]))
        ]

    def rates(values: Mapping[str, Any]) -> list[pb.FalsePositiveRate]:
        return [
            pb.FalsePositiveRate(
                key=k, false_positives=r.false_positives, decided=r.decided, rate=r.rate
            )
            for k, r in sorted(values.items())
        ]

    return pb.GetDashboardResponse(
        open_by_queue=counts(board.open_by_queue),
        sla_by_queue=[
            pb.QueueSla(queue=q, states=counts(s)) for q, s in sorted(board.sla_by_queue.items())
        ],
        ageing=counts(board.ageing),
        pending_approval=board.pending_approval,
        breached=board.breached,
        by_officer=[
            pb.OfficerActivity(
                officer_id=o,
                proposed=a.proposed,
                approved=a.approved,
                sent_back=a.sent_back,
                closed=a.closed,
            )
            for o, a in sorted(board.by_officer.items())
        ],
        fp_by_list=rates(board.fp_by_list),
        fp_by_typology=rates(board.fp_by_typology),
    )


def officer_to_proto(officer: Officer) -> pb.Officer:
    return pb.Officer(
        id=officer.id,
        display_name=officer.display_name,
        roles=sorted(to_number(ROLES, r) for r in officer.roles),
        active=officer.active,
    )


def roles_from_proto(numbers: list[int] | Any, field: str = "roles") -> frozenset[Role]:
    fields = Fields()
    roles = frozenset(fields.enum(ROLES, n, f"{field}[{i}]") for i, n in enumerate(numbers))
    fields.check(field)
    return roles


def audit_to_proto(entry: AuditEntry) -> pb.AuditEntry:
    return pb.AuditEntry(
        seq=entry.seq,
        at=timestamp(entry.at),
        actor=entry.actor,
        action=entry.action,
        target=entry.target,
        details_json=orjson.dumps(dict(entry.details), option=orjson.OPT_SORT_KEYS).decode(),
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )


# ------------------------------------------------------------------------------ SARs


def sar_to_proto(report: SarReport) -> pb.Sar:
    return pb.Sar(
        id=report.id,
        case_id=report.case_id,
        status=to_number(SAR_STATUSES, report.status),
        content=sar_content_to_proto(report.content),
        drafted_by=report.drafted_by,
        drafted_at=timestamp(report.drafted_at),
        makers=sorted(report.makers),
        reviewers=sorted(report.reviewers),
        approved_by=report.approved_by or "",
        fiu_reference=report.fiu_reference,
        version=report.version,
    )


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def sar_content_to_proto(content: SarContent) -> pb.SarContent:
    return pb.SarContent(
        case_id=content.case_id,
        subjects=[_subject_to_proto(s) for s in content.subjects],
        narrative=content.narrative,
        activity_from=_date(content.activity_from),
        activity_to=_date(content.activity_to),
        typologies=list(content.typologies),
        accounts=[
            pb.SarAccount(
                number=a.number,
                holder_ref=a.holder_ref,
                institution_name=a.institution_name,
                institution_code=a.institution_code,
                currency=a.currency,
                own_institution=a.own_institution,
                country=a.country,
                opened=_date(a.opened),
            )
            for a in content.accounts
        ],
        transactions=[_transaction_to_proto(t) for t in content.transactions],
        action_taken=content.action_taken,
    )


def _transaction_to_proto(t: SarTransaction) -> pb.SarTransaction:
    return pb.SarTransaction(
        reference=t.reference,
        at=timestamp(t.at),
        amount=str(t.amount),
        currency=t.currency,
        from_account=t.from_account,
        to_account=t.to_account,
        description=t.description,
        amount_local="" if t.amount_local is None else str(t.amount_local),
    )


def _subject_to_proto(s: SarSubject) -> pb.SarSubject:
    message = pb.SarSubject(
        ref=s.ref,
        party_type=to_number(PARTY_TYPES, s.party_type),
        first_name=s.first_name,
        last_name=s.last_name,
        middle_name=s.middle_name,
        entity_name=s.entity_name,
        birth_date=_date(s.birth_date),
        gender=s.gender,
        nationality=s.nationality,
        occupation=s.occupation,
        identifications=[
            pb.SarIdentification(
                kind=to_number(ID_KINDS, i.kind), number=i.number, issuing_country=i.issuing_country
            )
            for i in s.identifications
        ],
        aliases=list(s.aliases),
    )
    if s.address is not None:
        a = s.address
        message.address.CopyFrom(
            pb.SarAddress(
                street=a.street,
                city=a.city,
                country=a.country,
                postal_code=a.postal_code,
                state=a.state,
            )
        )
    return message
