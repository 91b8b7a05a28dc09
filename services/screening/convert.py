"""ScreeningService messages <-> screening domain types. No logic beyond the mapping."""

from __future__ import annotations

from warden.common.v1 import types_pb2
from warden.screening.v1 import screening_pb2

from services.common.errors import FieldViolation, InvalidArgument
from services.common.rpc.convert import party_from_proto, party_to_proto, timestamp
from services.screening.core.scoring import Match
from services.screening.handlers import (
    CompareCommand,
    OptionsInput,
    RescreenReport,
    ScreenCommand,
    ScreenOutcome,
    SuppressCommand,
    entry_hash,
)
from services.screening.ports import ListVersionInfo, Partition
from services.screening.rescreen import RescreenStatus

MAX_LISTS = 50


def screen_command(request: screening_pb2.ScreenRequest) -> ScreenCommand:
    """Validated command; every bad field is reported at once."""
    problems: list[FieldViolation] = []
    if request.monitor and not request.party.reference.strip():
        problems.append(FieldViolation("party.reference", "is required to monitor a customer"))
    options = request.options
    if len(options.lists) > MAX_LISTS:
        problems.append(FieldViolation("options.lists", f"has more than {MAX_LISTS} entries"))
    try:
        party = party_from_proto(request.party)
    except InvalidArgument as error:
        raise InvalidArgument("invalid screening request", [*error.violations, *problems]) from None
    if problems:
        raise InvalidArgument("invalid screening request", problems)
    given = OptionsInput(
        lists=tuple(options.lists),
        threshold=options.threshold,
        limit=options.limit,
        cutoff=options.cutoff,
    )
    return ScreenCommand(party, given, request.monitor)


def hit_to_proto(match: Match) -> screening_pb2.Hit:
    return screening_pb2.Hit(
        entry=party_to_proto(match.entry),
        list=match.entry.source,
        score=match.score,
        match=match.match,
        query_name=match.query_name,
        matched_name=match.matched_name,
        explanations=[
            types_pb2.Explanation(
                feature=e.feature, score=e.score, weight=e.weight, detail=e.detail
            )
            for e in match.explanations
        ],
        entry_hash=entry_hash(match.entry),
    )


def screen_response(outcome: ScreenOutcome) -> screening_pb2.ScreenResponse:
    return screening_pb2.ScreenResponse(
        reference=outcome.result.query.id,
        list_version=outcome.list_version,
        hits=[hit_to_proto(m) for m in outcome.result.matches],
        monitored=outcome.monitored,
    )


def error_response(reference: str, error: InvalidArgument) -> screening_pb2.ScreenResponse:
    """A refused stream item: the stream goes on, this item carries its field violations."""
    return screening_pb2.ScreenResponse(
        reference=reference,
        error=screening_pb2.ScreenError(
            reason=error.reason,
            message=error.message,
            violations=[
                screening_pb2.FieldProblem(field=v.field, description=v.description)
                for v in error.violations
            ],
        ),
    )


def compare_command(request: screening_pb2.CompareRequest) -> CompareCommand:
    if not request.entry_reference.strip():
        raise InvalidArgument.for_field("entry_reference", "is required")
    return CompareCommand(
        party_from_proto(request.party), request.entry_reference.strip(), request.threshold
    )


def version_to_proto(info: ListVersionInfo) -> screening_pb2.ListVersion:
    return screening_pb2.ListVersion(
        version=info.version,
        loaded_time=timestamp(info.loaded_at),
        sources=[screening_pb2.ListSource(name=n, entries=c) for n, c in info.sources],
        entries=info.entries,
        names=info.names,
    )


def suppress_command(request: screening_pb2.SuppressHitRequest) -> SuppressCommand:
    if not request.customer_reference.strip():
        raise InvalidArgument.for_field("customer_reference", "is required")
    return SuppressCommand(
        customer_reference=request.customer_reference.strip(),
        entry_reference=request.entry_reference.strip(),
        entry_hash=request.entry_hash.strip().lower(),
        reason=request.reason,
    )


def rescreen_result(
    report: RescreenReport, old_version: str, new_version: str, partition: Partition
) -> screening_pb2.RescreenResult:
    """What a "screening.rescreen" operation stores as its result."""
    return screening_pb2.RescreenResult(
        list_version=new_version,
        previous_version=old_version,
        entries=report.entries,
        customers=report.customers,
        alerts=report.alerts,
        suppressed=report.suppressed,
        partition=partition.index,
        partitions=partition.count,
        refused=report.refused,
    )


def rescreen_report(data: bytes) -> RescreenReport:
    """The counts of a stored `RescreenResult` (the re-screening status sums them)."""
    result = screening_pb2.RescreenResult.FromString(data)
    return RescreenReport(
        result.entries, result.customers, result.alerts, result.suppressed, result.refused
    )


def rescreen_status_to_proto(status: RescreenStatus) -> screening_pb2.RescreenStatus:
    return screening_pb2.RescreenStatus(
        list_version=status.new_version,
        previous_version=status.old_version,
        partitions=status.partitions,
        done=status.done,
        running=status.running,
        pending=status.pending,
        failed=status.failed,
        missing=len(status.missing),
        complete=status.complete,
        entries=status.entries,
        customers=status.customers,
        alerts=status.alerts,
        suppressed=status.suppressed,
        failed_operations=[r.operation_id for r in status.unfinished if r.state == "failed"],
        refused=status.refused,
    )
