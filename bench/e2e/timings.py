"""Server-side stages of onboarding flows, from what the services already record.

For each onboarding operation: its identity operation (owner `system:onboarding`, request id
`onb:<application id>`, see services/onboarding/adapters/identity_area.py) and the
`IdentityResult.timings_ms` it completed with. All timestamps come from the one database, so
the stages of a flow split its server-side life without clock skew:

    to_identity   Evaluate stored the application -> the identity step started (queue wait)
    identity      the identity check, wall time (decode, document, faces, writes)
    document, document_portrait, selfie_face   identity's own timings_ms
    to_decision   identity recorded -> decision recorded (decide queue wait, screening, rating)
    case_intake   decision recorded -> the case it asked for opened (intake, in the decision step);
                  only flows whose decision opens a case, and whose case is open when read
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from warden.identity.v1 import identity_pb2

from services.cases.adapters.tables import cases
from services.common.db import Database
from services.common.tables import operations as ops

IDENTITY_OWNER = "system:onboarding"
IDENTITY_TIMINGS = ("document", "document_portrait", "selfie_face")
CHUNK = 500


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _ms(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return (later - earlier).total_seconds() * 1000


@dataclass(frozen=True, slots=True)
class _Span:
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class _IdentityRow:
    request_id: str
    span: _Span
    result: bytes | None


def _evaluations(database: Database, ids: Sequence[str]) -> dict[str, tuple[str, _Span]]:
    """Onboarding operations (id, span) by the identity request id of their application."""
    query = sa.select(ops.c.id, ops.c.created_at, ops.c.finished_at, ops.c.task_kwargs)
    found = {}
    with database.read() as conn:
        for chunk in _chunks(ids):
            for row in conn.execute(query.where(ops.c.id.in_(chunk))):
                span = _Span(row.created_at, row.finished_at)
                found[f"onb:{row.task_kwargs['application_id']}"] = (row.id, span)
    return found


def _first_case_opened(database: Database, customer_ids: Sequence[str]) -> dict[str, datetime]:
    query = (
        sa.select(cases.c.subject_id, sa.func.min(cases.c.opened_at).label("opened_at"))
        .where(cases.c.subject_kind == "customer")
        .group_by(cases.c.subject_id)
    )
    with database.read() as conn:
        return {
            row.subject_id: row.opened_at
            for chunk in _chunks(customer_ids)
            for row in conn.execute(query.where(cases.c.subject_id.in_(chunk)))
        }


def _identity_rows(database: Database, request_ids: Sequence[str]) -> list[_IdentityRow]:
    query = sa.select(ops.c.request_id, ops.c.created_at, ops.c.finished_at, ops.c.result).where(
        ops.c.owner == IDENTITY_OWNER
    )
    with database.read() as conn:
        return [
            _IdentityRow(row.request_id, _Span(row.created_at, row.finished_at), row.result)
            for chunk in _chunks(request_ids)
            for row in conn.execute(query.where(ops.c.request_id.in_(chunk)))
        ]


def server_stages(database: Database, customers: dict[str, str]) -> dict[str, list[float]]:
    """Milliseconds per server-side stage, one value per flow that has it.

    `customers`: the customer id each onboarding operation's decision named.
    """
    evaluations = _evaluations(database, list(customers))
    opened = _first_case_opened(database, list(customers.values()))
    stages: dict[str, list[float]] = {}

    def add(stage: str, value: float | None) -> None:
        if value is not None:
            stages.setdefault(stage, []).append(value)

    for row in _identity_rows(database, list(evaluations)):
        operation_id, evaluation = evaluations[row.request_id]
        add("to_identity", _ms(row.span.created_at, evaluation.created_at))
        add("identity", _ms(row.span.finished_at, row.span.created_at))
        add("to_decision", _ms(evaluation.finished_at, row.span.finished_at))
        add("case_intake", _ms(opened.get(customers[operation_id]), evaluation.finished_at))
        result = identity_pb2.IdentityResult()
        if row.result:
            result.ParseFromString(row.result)
        for stage in IDENTITY_TIMINGS:
            if stage in result.timings_ms:
                add(stage, result.timings_ms[stage])
    return stages
