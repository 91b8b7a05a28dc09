"""Graph use cases, part 2: sweeps — plan, run partitions, merge into rings and alerts.

Flow (see docs/graph/README.md): StartSweep / beat / CLI -> `start_sweep` records an operation;
its task (`coordinate_sweep`, queue "default") plans the partitions (`plan`) and fans them out
as a Celery group on the "graph" queue; each partition task (`run_sweep_partition`) loads its
window, detects what it owns and stores the findings under (sweep, partition) — a retried or
redelivered partition is a no-op. When every partition is stored, the coordinator merges
(`merge_sweep`): de-duplicates findings, assembles rings, reuses the fingerprint of any ring a
finding already belongs to (so re-runs and incremental nights update rings instead of
duplicating them), stores them and raises one alert per ring (idempotent by fingerprint).

The join is on the database, not a Celery chord: the deployment runs without a result backend
(results live in the database), and the database already knows which partitions are done.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.operations import (
    NewOperation,
    Operation,
    OperationStore,
    TaskQueue,
    input_digest,
    submit_operation,
)
from services.graph.core.alerting import ring_to_alert
from services.graph.core.model import DAY
from services.graph.core.rings import Ring, assemble_rings
from services.graph.core.risk import propagate_risk
from services.graph.core.scope import Scope
from services.graph.core.sweep import (
    Partition,
    PlanOptions,
    merge_partition_results,
    plan_sweep,
    run_partition,
)
from services.graph.handlers import GraphDeps
from services.graph.ports import SweepRecord

SWEEP_KIND = "graph.sweep"
SWEEP_TASK = "graph.sweep"
PARTITION_TASK = "graph.sweep_partition"
# The coordinator waits for its partitions, so it must not share their queue: on a deployment
# with one single-slot graph worker it would wait for work it is blocking.
COORDINATOR_QUEUE = "default"


@dataclass(frozen=True, slots=True)
class SweepCommand:
    request_id: str
    since: int | None = None
    until: int | None = None
    partitions: int | None = None


@dataclass(frozen=True, slots=True)
class SweepOutcome:
    sweep_id: str
    partitions: int
    findings: int
    rings: tuple[Ring, ...]
    new_rings: int
    alerts: int


def start_sweep(
    command: SweepCommand, owner: str, operations: OperationStore, queue: TaskQueue
) -> Operation:
    """Accept a sweep: record the operation (idempotent by request id) and enqueue it."""
    if command.partitions is not None and not 1 <= command.partitions <= 256:
        raise InvalidArgument.for_field("partitions", "must be between 1 and 256")
    parts = (command.since, command.until, command.partitions)
    new = NewOperation(
        kind=SWEEP_KIND,
        owner=owner,
        request_id=command.request_id,
        input_sha256=input_digest(*(str(p) for p in parts)),
        task_name=SWEEP_TASK,
        task_queue=COORDINATOR_QUEUE,
        task_kwargs={
            "since": command.since,
            "until": command.until,
            "partitions": command.partitions,
        },
    )
    return submit_operation(operations, queue, new)


def resolve_window(command: SweepCommand, deps: GraphDeps) -> tuple[int, int]:
    """[since, until): defaults are the last stored transfer and the configured look-back."""
    stored = deps.store.time_range()
    if stored is None and (command.since is None or command.until is None):
        raise FailedPrecondition(
            "no transactions stored yet: nothing to sweep", reason="EMPTY_GRAPH"
        )
    until = command.until if command.until is not None else stored[1] + 1  # type: ignore[index]
    since = (
        command.since if command.since is not None else until - deps.settings.lookback_days * DAY
    )
    if until <= since:
        raise InvalidArgument.for_field("until", "must be after since")
    return since, until


def plan(sweep_id: str, window: tuple[int, int], partitions: int, deps: GraphDeps) -> SweepRecord:
    """Create (or, for a redelivered coordinator, find) the sweep and its partition plan."""
    options = PlanOptions(hash_parts=partitions, context=deps.detectors.context)
    planned = plan_sweep(window[0], window[1], options)
    snapshot = _export_snapshot(sweep_id, planned, deps)
    rows = tuple({**_partition_to_dict(p), "snapshot": snapshot} for p in planned)
    return deps.store.create_sweep(SweepRecord(sweep_id, window[0], window[1], rows, "running"))


def _export_snapshot(sweep_id: str, planned: Sequence[Partition], deps: GraphDeps) -> str | None:
    """One columnar copy of the window every partition reads (None: partitions read the DB)."""
    if deps.snapshots is None or len(planned) < 2:
        return None
    span = (min(p.read_from for p in planned), max(p.read_until for p in planned))
    return deps.snapshots.export(sweep_id, span)


def run_sweep_partition(sweep_id: str, partition_key: str, deps: GraphDeps) -> bool:
    """Detect one partition's findings and store them; False if already done (a retry)."""
    if partition_key in deps.store.finished_partitions(sweep_id):
        return False
    record = deps.store.get_sweep(sweep_id)
    partition = _partition(record, partition_key)
    span = (partition.read_from, partition.read_until)
    snapshot = next(p.get("snapshot") for p in record.partitions if p["key"] == partition_key)
    frame = deps.snapshots.load(snapshot, span) if snapshot and deps.snapshots else None
    frame = frame if frame is not None else deps.store.load_frame(*span)
    result = run_partition(frame, partition, deps.detectors)
    return deps.store.save_partition(sweep_id, partition_key, result.findings, result.notes)


def merge_sweep(sweep_id: str, deps: GraphDeps, now: datetime | None = None) -> SweepOutcome:
    """Merge stored partition results into rings, store them, raise one alert per ring."""
    record = deps.store.get_sweep(sweep_id)
    missing = {p["key"] for p in record.partitions} - deps.store.finished_partitions(sweep_id)
    if missing:
        raise FailedPrecondition(f"{len(missing)} partition(s) of {sweep_id} not finished")
    deps.store.claim_merge(sweep_id)
    findings = merge_partition_results(deps.store.partition_findings(sweep_id))
    rings = [_stable_identity(r, deps) for r in assemble_rings(findings, _risk(record, deps))]
    new = sum(deps.store.upsert_ring(r, sweep_id) for r in rings)
    raised_at = now or datetime.now(UTC)
    for ring in rings:
        deps.alerts.raise_alert(ring_to_alert(ring, raised_at))
    outcome = SweepOutcome(
        sweep_id, len(record.partitions), len(findings), tuple(rings), new, len(rings)
    )
    deps.store.finish_sweep(sweep_id, _summary(outcome))
    if deps.snapshots is not None:
        for path in {p.get("snapshot") for p in record.partitions} - {None}:
            deps.snapshots.remove(str(path))
    return outcome


def sweep_inline(
    command: SweepCommand, deps: GraphDeps, progress: Callable[[int, int], None] | None = None
) -> SweepOutcome:
    """The whole sweep in this process (the CLI, the embedded demo): same steps, no queue."""
    window = resolve_window(command, deps)
    record = plan(
        f"sweep-{uuid.uuid4().hex[:16]}",
        window,
        command.partitions or deps.settings.partitions,
        deps,
    )
    for done, p in enumerate(record.partitions, start=1):
        run_sweep_partition(record.id, p["key"], deps)
        if progress:
            progress(done, len(record.partitions))
    return merge_sweep(record.id, deps)


def coordinate_sweep(
    operation: Operation,
    deps: GraphDeps,
    dispatch: Callable[[str, Sequence[str]], None],
    wait: Callable[[int, int], None],
) -> SweepOutcome:
    """Worker side of StartSweep: plan, fan out the unfinished partitions, wait, merge.

    `wait(done, total)` reports progress and sleeps; it is called until every partition is
    stored. Partitions are dispatched at the start and again whenever the count has not moved
    for `sweep_redispatch_s` (a lost message; a duplicate run is a no-op). A redelivered
    coordinator finds the same plan (the sweep id comes from the operation id) and sends only
    what is not finished.
    """
    kwargs = operation.task_kwargs
    command = SweepCommand(
        operation.request_id, kwargs.get("since"), kwargs.get("until"), kwargs.get("partitions")
    )
    record = (
        deps.store.get_sweep(f"sweep-{operation.id}")
        if _exists(operation, deps)
        else plan(
            f"sweep-{operation.id}",
            resolve_window(command, deps),
            command.partitions or deps.settings.partitions,
            deps,
        )
    )
    keys = [p["key"] for p in record.partitions]
    patience = max(int(deps.settings.sweep_redispatch_s / deps.settings.sweep_poll_s), 1)
    last_done, idle = -1, patience  # nothing sent yet: send at once
    while True:
        finished = deps.store.finished_partitions(record.id)
        if len(finished) >= len(keys):
            return merge_sweep(record.id, deps)
        if len(finished) != last_done and last_done >= 0:
            idle = 0  # progress: the messages are being worked, none to resend
        elif idle >= patience:
            dispatch(record.id, [k for k in keys if k not in finished])
            idle = 0
        else:
            idle += 1
        last_done = len(finished)
        wait(len(finished), len(keys))


def _exists(operation: Operation, deps: GraphDeps) -> bool:
    try:
        deps.store.get_sweep(f"sweep-{operation.id}")
    except NotFound:  # a first attempt
        return False
    return True


def _stable_identity(ring: Ring, deps: GraphDeps) -> Ring:
    """Reuse the fingerprint of the stored ring that already holds one of these findings."""
    known = deps.store.fingerprints_for([f.key for f in ring.findings])
    return replace(ring, fingerprint=min(known.values())) if known else ring


def _risk(record: SweepRecord, deps: GraphDeps) -> dict[str, float]:
    seeds = deps.store.known_bad()
    if not seeds:
        return {}
    context = deps.detectors.context
    return propagate_risk(
        deps.store.load_frame(record.since - context, record.until + context), seeds
    )


def _partition_to_dict(p: Partition) -> dict[str, object]:
    s = p.scope
    return {
        "key": p.key,
        "lo": s.bucket_lo,
        "hi": s.bucket_hi,
        "start": s.start,
        "end": s.end,
        "read_from": p.read_from,
        "read_until": p.read_until,
    }


def _partition(record: SweepRecord, key: str) -> Partition:
    for index, p in enumerate(record.partitions):
        if p["key"] == key:
            scope = Scope(int(p["lo"]), int(p["hi"]), p["start"], p["end"])
            return Partition(index, scope, int(p["read_from"]), int(p["read_until"]))
    raise InvalidArgument.for_field("partition_key", f"{key!r} is not a partition of {record.id}")


def _summary(outcome: SweepOutcome) -> dict[str, object]:
    return {
        "partitions": outcome.partitions,
        "findings": outcome.findings,
        "rings": len(outcome.rings),
        "new_rings": outcome.new_rings,
        "alerts": outcome.alerts,
    }


def nightly_command(deps: GraphDeps, today: datetime) -> SweepCommand:
    """Tonight's incremental sweep: patterns starting since the previous sweep's end minus the
    look-back, up to the latest stored transfer. One request id per day: beat firing twice
    (or a retried beat task) starts one sweep."""
    stored = deps.store.time_range()
    if stored is None:
        raise FailedPrecondition(
            "no transactions stored yet: nothing to sweep", reason="EMPTY_GRAPH"
        )
    until = stored[1] + 1
    previous = deps.store.last_finished_until()
    base = min(previous, until) if previous is not None else until
    since = base - deps.settings.lookback_days * DAY
    return SweepCommand(f"nightly-{today:%Y-%m-%d}", since=since, until=until)
