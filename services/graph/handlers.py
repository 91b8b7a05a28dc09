"""Graph use cases, part 1: dependencies, ingesting transactions, importing files.

One function serves both entry points (the gRPC servicer and the CLI / Celery task); sweeps are
in `sweeps.py`, AnalyzeAccount in `analyze.py`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from services.common.alerts import AlertSink
from services.common.errors import InvalidArgument
from services.graph.core.currency import RateTable, default_rates
from services.graph.core.detectors import DetectorConfig
from services.graph.core.formats import (
    BadRowPolicy,
    Layout,
    Parsed,
    ParsedRow,
    RowError,
    collect,
    parse_amlsim,
    parse_ibm_aml,
    parse_native,
)
from services.graph.core.frame import TransactionFrame, transaction_violations
from services.graph.core.model import Transaction
from services.graph.ports import Booked, GraphStore
from services.graph.settings import GraphSettings

MAX_LISTED_REJECTIONS = 1_000


class Snapshots(Protocol):
    """Columnar copies of a sweep's window (see adapters/snapshot.py); optional."""

    def export(self, name: str, span: tuple[int, int]) -> str: ...
    def load(self, path: str, span: tuple[int, int]) -> TransactionFrame | None: ...
    def remove(self, path: str) -> None: ...


@dataclass
class GraphDeps:
    """What the graph use cases need; built once per process from the Container."""

    settings: GraphSettings
    store: GraphStore
    alerts: AlertSink
    rates: RateTable = field(default_factory=default_rates)
    detectors: DetectorConfig = field(default_factory=DetectorConfig)
    snapshots: Snapshots | None = None


# --- streaming ingest (gRPC) ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Rejected:
    index: int
    tx_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    inserted: int
    duplicates: int
    rejected: tuple[Rejected, ...]
    rejected_count: int


def book(index: int, tx: Transaction, rates: RateTable) -> Booked:
    """Validate one transaction and convert its amount; InvalidArgument says what is wrong."""
    violations = transaction_violations(index, tx, rates)
    if violations:
        raise InvalidArgument("invalid transaction", violations)
    return Booked(tx, rates.to_reporting(tx.amount, tx.currency))


class IngestTally:
    """Counts of one ingest stream, fed batch by batch (positions count across batches)."""

    def __init__(self, deps: GraphDeps) -> None:
        self.deps = deps
        self.received = self.inserted = self.rejected_count = 0
        self.rejected: list[Rejected] = []

    def add_batch(self, batch: Sequence[Transaction]) -> None:
        """Validate and store one batch; bad transactions are recorded and skipped."""
        good: list[Booked] = []
        for tx in batch:
            try:
                good.append(book(self.received, tx, self.deps.rates))
            except InvalidArgument as error:
                self._reject(tx, error)
            self.received += 1
        self.inserted += self.deps.store.add_transactions(good)

    def _reject(self, tx: Transaction, error: InvalidArgument) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED_REJECTIONS:
            reason = "; ".join(
                f"{v.field.split('.')[-1]}: {v.description}" for v in error.violations
            )
            self.rejected.append(Rejected(self.received, tx.tx_id, reason))

    def result(self) -> IngestResult:
        duplicates = self.received - self.rejected_count - self.inserted
        return IngestResult(
            self.received, self.inserted, duplicates, tuple(self.rejected), self.rejected_count
        )


def ingest_transactions(batches: Iterable[Sequence[Transaction]], deps: GraphDeps) -> IngestResult:
    """Store batches; bad transactions are listed by stream position and skipped."""
    tally = IngestTally(deps)
    for batch in batches:
        tally.add_batch(batch)
    return tally.result()


# --- bulk import (CLI) ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ImportCommand:
    """`path`: the transactions file (AMLSim: transactions.csv; accounts.csv beside it is used
    when present). `policy`: skip bad rows and report them, or reject the whole file."""

    path: Path
    layout: Layout
    policy: BadRowPolicy = BadRowPolicy.SKIP


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int
    inserted: int
    duplicates: int
    bad_rows: tuple[RowError, ...]
    labelled_laundering: int


def import_file(
    command: ImportCommand, deps: GraphDeps, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Import a file in batches, idempotently; under REJECT a first pass checks every row."""
    if not command.path.is_file():
        raise InvalidArgument.for_field("path", f"no such file: {command.path}")
    if command.policy is BadRowPolicy.REJECT:
        errors = [r for r in _rows(command, deps) if isinstance(r, RowError)]
        collect(errors, BadRowPolicy.REJECT)  # raises, with the line numbers, if any
    rows = inserted = labelled = 0
    bad: list[RowError] = []
    for batch in _batches(_rows(command, deps), deps.settings.import_batch, bad):
        inserted += deps.store.add_transactions(
            [book(r.line, r.transaction, deps.rates) for r in batch]
        )
        rows += len(batch)
        labelled += sum(bool(r.laundering) for r in batch)
        if progress:
            progress(rows)
    return ImportReport(rows, inserted, rows - inserted, tuple(bad), labelled)


def _rows(command: ImportCommand, deps: GraphDeps) -> Iterator[Parsed]:
    if command.layout is Layout.NATIVE and command.path.suffix == ".parquet":
        yield from parse_native(_parquet_as_csv(command.path), deps.rates)
        return
    with command.path.open(encoding="utf-8", newline="") as handle:
        if command.layout is Layout.IBM_AML:
            yield from parse_ibm_aml(handle, deps.rates)
        elif command.layout is Layout.AMLSIM:
            accounts = command.path.with_name("accounts.csv")
            if accounts.is_file():
                with accounts.open(encoding="utf-8", newline="") as listing:
                    yield from parse_amlsim(handle, listing)
            else:
                yield from parse_amlsim(handle)
        else:
            yield from parse_native(handle, deps.rates)


def _batches(rows: Iterable[Parsed], size: int, bad: list[RowError]) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    for row in rows:
        if isinstance(row, RowError):
            bad.append(row)
            continue
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parquet_as_csv(path: Path) -> Iterator[str]:
    """A native Parquet file (same columns as the CSV) read in record batches, as CSV lines:
    one parser, one set of validation rules, for both encodings."""
    import csv

    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names
    yield ",".join(names) + "\n"
    for record_batch in parquet.iter_batches(batch_size=50_000):
        columns = [record_batch.column(name).to_pylist() for name in names]
        buffer = io.StringIO()
        csv.writer(buffer).writerows(zip(*columns, strict=True))
        yield from buffer.getvalue().splitlines(keepends=True)
