"""Re-screening after a list update: its partition operations, and the status operators read.

A version change (old -> new) is re-screened as one `screening.rescreen` operation per customer
partition (request id `rescreen:<old>:<new>:<k>/<n>`, or `rescreen:<old>:<new>` when n is 1),
each a task on the screening queue. As in the graph sweep (`services.graph.sweeps`), the join
is on the database: the operations already know which partitions are done, so the status
(`rescreen_status`) reads them, sums their counts and says whether every partition of the
version pair is done. No task waits for the others: there is nothing to merge (each partition
raises its own alerts, idempotently), a waiting task would hold a worker slot, and a lost
message is re-sent by `requeue_stale` like any other operation's.

A partition that failed for good (a bug, a refused input) stays FAILED and is shown with its
failure; `resubmit_rescreen` submits what is missing (idempotent: existing operations are
returned as they are) and, when asked, one new attempt of each failed partition (request id
suffix `~<attempt>`; its alerts are idempotent, so a partition that got halfway raises
nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from services.common.operations import (
    NewOperation,
    Operation,
    OperationState,
    OperationStore,
    TaskQueue,
    input_digest,
    submit_operation,
)
from services.screening.handlers import RescreenReport
from services.screening.ports import WHOLE, ListSnapshot, Partition
from watchlists.snapshot import Delta, Snapshot, diff

RESCREEN_KIND = "screening.rescreen"
RESCREEN_TASK = "screening.rescreen_delta"
RESCREEN_OWNER = "system:screening"
RESCREEN_QUEUE = "screening"
# Operations read per status query: 256 partitions (the settings' maximum) of a few pairs.
MAX_OPERATIONS_READ = 2_000


def rescreen_operation(
    old_version: str | None, new_version: str, partition: Partition = WHOLE, attempt: int = 1
) -> NewOperation:
    """The operation that re-screens one partition of the monitored customers for a version
    change (the whole of them when there is one partition); `attempt` > 1 retries a failed one."""
    previous = old_version or ""
    request_id = f"rescreen:{previous}:{new_version}"
    if partition.count > 1:
        request_id += f":{partition.index}/{partition.count}"
    digest_parts = [previous, new_version, str(partition.index), str(partition.count)]
    if attempt > 1:
        request_id += f"~{attempt}"
        digest_parts.append(str(attempt))
    return NewOperation(
        kind=RESCREEN_KIND,
        owner=RESCREEN_OWNER,
        request_id=request_id,
        input_sha256=input_digest(*digest_parts),
        task_name=RESCREEN_TASK,
        task_queue=RESCREEN_QUEUE,
        task_kwargs={
            "old_version": previous,
            "new_version": new_version,
            "partition": partition.index,
            "partitions": partition.count,
            "attempt": attempt,
        },
    )


class StoredVersions(Protocol):
    """The part of the watchlists snapshot store a partition reads."""

    def load(self, version: str) -> Snapshot: ...


def delta_to_rescreen(store: StoredVersions, old_version: str | None, live: ListSnapshot) -> Delta:
    """What a partition re-screens: the stored old version against the live one. The worker
    already holds the live version in memory, so only the old one is read (reading and
    decoding a version of every list costs a second or two of CPU, paid by every partition)."""
    new = live if isinstance(live, Snapshot) else store.load(live.version)
    return diff(store.load(old_version) if old_version else None, new)


@dataclass(frozen=True, slots=True)
class PartitionRun:
    """One attempt at one partition, as the status reads it from its operation."""

    old_version: str
    new_version: str
    partition: Partition
    attempt: int
    operation_id: str
    state: str  # an OperationState value: pending, running, succeeded, failed
    attempts: int  # task deliveries of this operation (retries, redeliveries)
    report: RescreenReport | None = None  # when succeeded
    failure: str = ""  # "CODE: message" when failed


@dataclass(frozen=True, slots=True)
class RescreenStatus:
    """Where the re-screening of one version change stands, summed over its partitions."""

    old_version: str
    new_version: str
    partitions: int
    done: int
    running: int
    pending: int
    failed: int
    missing: tuple[int, ...]  # partitions no operation was found for (never submitted)
    entries: int
    customers: int
    alerts: int
    suppressed: int
    refused: int  # customers the matcher now refuses (skipped; see RescreenReport)
    unfinished: tuple[PartitionRun, ...]  # the latest attempt of each partition not done

    @property
    def complete(self) -> bool:
        return self.done == self.partitions

    @property
    def state(self) -> str:
        """complete; failed (nothing left running, some partition failed or is missing);
        running otherwise."""
        if self.complete:
            return "complete"
        if self.running + self.pending == 0:
            return "failed" if self.failed else "incomplete"
        return "running"


def summarise_rescreen(runs: Sequence[PartitionRun]) -> RescreenStatus:
    """The status of one version pair from its partition runs (any order, any attempts).

    The plan is the partition count of the newest run (`runs` come newest first; resubmission
    keeps the count it finds, so plans only mix if the setting changed between two submissions
    of one pair); each partition counts by its latest attempt. Every partition reports the
    same delta, so `entries` is not summed.
    """
    if not runs:
        raise ValueError("no runs to summarise")
    count = runs[0].partition.count
    latest: dict[int, PartitionRun] = {}
    for run in runs:
        if run.partition.count != count:
            continue
        held = latest.get(run.partition.index)
        if held is None or run.attempt > held.attempt:
            latest[run.partition.index] = run
    reports = [r.report for r in latest.values() if r.report is not None]
    states = [r.state for r in latest.values()]
    return RescreenStatus(
        old_version=runs[0].old_version,
        new_version=runs[0].new_version,
        partitions=count,
        done=states.count("succeeded"),
        running=states.count("running"),
        pending=states.count("pending"),
        failed=states.count("failed"),
        missing=tuple(sorted(set(range(count)) - set(latest))),
        entries=max((r.entries for r in reports), default=0),
        customers=sum(r.customers for r in reports),
        alerts=sum(r.alerts for r in reports),
        suppressed=sum(r.suppressed for r in reports),
        refused=sum(r.refused for r in reports),
        unfinished=tuple(
            sorted(
                (r for r in latest.values() if r.state != "succeeded"),
                key=lambda r: r.partition.index,
            )
        ),
    )


def group_by_version_pair(runs: Iterable[PartitionRun]) -> list[list[PartitionRun]]:
    """Runs grouped per (old, new) version pair, in the order pairs first appear."""
    pairs: dict[tuple[str, str], list[PartitionRun]] = {}
    for run in runs:
        pairs.setdefault((run.old_version, run.new_version), []).append(run)
    return list(pairs.values())


# ----------------------------------------------------------------------------------------------
ResultReader = Callable[[bytes], RescreenReport]


def partition_run(operation: Operation, read_result: ResultReader) -> PartitionRun:
    """A re-screening operation as a `PartitionRun` (`read_result` decodes its stored result)."""
    kwargs = operation.task_kwargs
    report = None
    if operation.state is OperationState.SUCCEEDED and operation.result is not None:
        report = read_result(operation.result)
    failure = ""
    if operation.failure is not None:
        failure = f"{operation.failure.code}: {operation.failure.message}"
    return PartitionRun(
        old_version=str(kwargs.get("old_version") or ""),
        new_version=str(kwargs["new_version"]),
        partition=Partition(int(kwargs.get("partition") or 0), int(kwargs.get("partitions") or 1)),
        attempt=int(kwargs.get("attempt") or 1),
        operation_id=operation.id,
        state=operation.state.value,
        attempts=operation.attempts,
        report=report,
        failure=failure,
    )


@dataclass(frozen=True, slots=True)
class StatusQuery:
    """Which re-screenings to show: one version pair, those into one version, or the latest."""

    old_version: str | None = None
    new_version: str | None = None
    limit: int = 10


def rescreen_status(
    query: StatusQuery, operations: OperationStore, read_result: ResultReader
) -> list[RescreenStatus]:
    """The status of the re-screenings `query` selects, the most recently started first."""
    prefix = "rescreen:"
    if query.old_version is not None and query.new_version is not None:
        prefix += f"{query.old_version}:{query.new_version}"
    found = operations.with_request_prefix(
        RESCREEN_OWNER, RESCREEN_KIND, prefix, MAX_OPERATIONS_READ
    )
    runs = [partition_run(o, read_result) for o in found]
    wanted = [
        r
        for r in runs
        if query.new_version in (None, r.new_version) and query.old_version in (None, r.old_version)
    ]
    return [summarise_rescreen(pair) for pair in group_by_version_pair(wanted)][: query.limit]


@dataclass(frozen=True, slots=True)
class ResubmitCommand:
    old_version: str
    new_version: str
    partitions: int  # used when nothing was submitted for the pair yet
    retry_failed: bool = False


def resubmit_rescreen(
    command: ResubmitCommand,
    operations: OperationStore,
    queue: TaskQueue,
    read_result: ResultReader,
) -> RescreenStatus:
    """Submit the partitions of a version change that have no operation (idempotent: run twice,
    it submits nothing the second time) and, with `retry_failed`, a new attempt of each failed
    partition. Keeps the partition count of the operations already there."""
    query = StatusQuery(command.old_version, command.new_version, limit=1)
    before = rescreen_status(query, operations, read_result)
    if not before:
        wanted = [(Partition(i, command.partitions), 1) for i in range(command.partitions)]
    else:
        status = before[0]
        wanted = [(Partition(i, status.partitions), 1) for i in status.missing]
        if command.retry_failed:
            failed = (r for r in status.unfinished if r.state == "failed")
            wanted += [(r.partition, r.attempt + 1) for r in failed]
    for partition, attempt in wanted:
        new = rescreen_operation(
            command.old_version or None, command.new_version, partition, attempt
        )
        submit_operation(operations, queue, new)
    return rescreen_status(query, operations, read_result)[0]
