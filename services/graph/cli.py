"""`warden graph ...`: bulk import, a sweep by hand, rings, known-bad accounts."""

from __future__ import annotations

import contextlib
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click
import orjson

from services.common.operations import OperationState
from services.common.runtime import Container
from services.graph.core.codec import ring_to_dict
from services.graph.core.formats import BadRowPolicy, Layout, parse_timestamp
from services.graph.core.rings import Ring
from services.graph.deps import graph_deps
from services.graph.handlers import ImportCommand, import_file
from services.graph.sweeps import SweepCommand, start_sweep, sweep_inline


def _container() -> Container:
    from services.cli import _container as build

    return build()


@click.group("graph")
def graph() -> None:
    """Transaction graph: import transactions, sweep for laundering rings, list rings."""


@graph.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "layout",
    type=click.Choice([x.value for x in Layout]),
    default="native",
    show_default=True,
    help="native CSV/Parquet (docs/graph/README.md), IBM AMLworld, or AMLSim "
    "transactions.csv (its accounts.csv is read from the same folder when present).",
)
@click.option(
    "--on-bad-rows",
    "policy",
    type=click.Choice([x.value for x in BadRowPolicy]),
    default="skip",
    show_default=True,
    help="skip: import the good rows and list the bad ones; reject: import nothing if any is bad.",
)
def import_command(file: Path, layout: str, policy: str) -> None:
    """Import FILE; idempotent by transaction id (importing it again adds nothing)."""
    deps = graph_deps(_container())
    started = time.perf_counter()
    report = import_file(
        ImportCommand(file, Layout(layout), BadRowPolicy(policy)),
        deps,
        progress=lambda rows: click.echo(f"  {rows:,} rows", err=True),
    )
    for error in report.bad_rows[:50]:
        click.echo(f"  bad row: line {error.line}: {error.message}", err=True)
    if len(report.bad_rows) > 50:
        click.echo(f"  ... and {len(report.bad_rows) - 50} more bad rows", err=True)
    click.echo(
        f"imported {file.name}: {report.rows:,} rows, {report.inserted:,} new, "
        f"{report.duplicates:,} already stored, {len(report.bad_rows):,} bad rows skipped, "
        f"{report.labelled_laundering:,} labelled laundering, "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _time(value: str | None) -> int | None:
    return None if value is None else parse_timestamp(value)


@graph.command("sweep")
@click.option("--since", help="Sweep patterns starting at or after (ISO 8601 or Unix seconds).")
@click.option("--until", help="... and before this (default: the latest stored transfer).")
@click.option("--partitions", type=int, default=None, help="Hash partitions (default: settings).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the rings as JSON lines here ('-' for stdout).",
)
@click.option(
    "--via-celery/--inline",
    default=False,
    show_default=True,
    help="Run through the Celery queues (an in-process worker in embedded mode).",
)
def sweep_command(
    since: str | None,
    until: str | None,
    partitions: int | None,
    output: Path | None,
    via_celery: bool,
) -> None:
    """Sweep the graph for laundering rings now; rings become alerts (idempotently)."""
    container = _container()
    command = SweepCommand(f"cli-{uuid.uuid4().hex[:12]}", _time(since), _time(until), partitions)
    started = time.perf_counter()
    if via_celery:
        summary = _sweep_via_celery(container, command)
        rings = graph_deps(container).store.rings(limit=10_000, min_score=0.0)
    else:
        outcome = sweep_inline(
            command,
            graph_deps(container),
            progress=lambda done, total: click.echo(f"  partition {done}/{total} done", err=True),
        )
        rings = list(outcome.rings)
        summary = f"{outcome.findings} findings, {len(rings)} rings ({outcome.new_rings} new)"
    click.echo(f"sweep finished in {time.perf_counter() - started:.1f} s: {summary}")
    if output is not None:
        with _open(output) as handle:
            _write_rings(handle, rings)


def _sweep_via_celery(container: Container, command: SweepCommand) -> str:
    from warden.graph.v1 import graph_pb2

    with _workers(container):
        operation = start_sweep(command, "cli", container.operations, container.queue)
        while not (current := container.operations.get(operation.id)).state.terminal:
            click.echo(f"  {current.state.value}: {current.progress_message}", err=True)
            time.sleep(1.0)
    if current.state is not OperationState.SUCCEEDED:
        raise click.ClickException(f"sweep failed: {current.failure}")
    result = graph_pb2.SweepResult.FromString(current.result or b"")
    return (
        f"{result.findings} findings, {result.rings} rings ({result.new_rings} new) "
        f"in {result.partitions} partitions"
    )


@contextlib.contextmanager
def _workers(container: Container) -> Iterator[None]:
    """In embedded mode the queue is in-process: run a worker here for the duration."""
    if not container.settings.embedded:
        yield
        return
    from workers import deps
    from workers.embedded import EmbeddedWorker

    deps.install(container)
    with EmbeddedWorker(
        container.celery, concurrency=container.settings.celery.embedded_concurrency
    ):
        yield


@contextlib.contextmanager
def _open(path: Path) -> Iterator[IO[bytes]]:
    if str(path) == "-":
        yield sys.stdout.buffer
        return
    with path.open("wb") as handle:
        yield handle


def _write_rings(handle: IO[bytes], rings: list[Ring]) -> None:
    for ring in rings:
        handle.write(
            orjson.dumps({**ring_to_dict(ring), "alert_key": f"graph:ring:{ring.fingerprint}"})
            + b"\n"
        )


@graph.command("rings")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--min-score", type=float, default=0.0, show_default=True)
def rings_command(limit: int, min_score: float) -> None:
    """List stored rings, strongest first."""
    for ring in graph_deps(_container()).store.rings(limit, min_score):
        size = f"{len(ring.accounts):3} accounts"
        click.echo(f"{ring.score:.3f}  {ring.typology.value:15} {size}  {ring.fingerprint}")
        click.echo(f"       {ring.explanation[:300]}")


@graph.command("mark-bad")
@click.argument("account")
@click.option("--reason", required=True, help="Why (e.g. 'sanctioned customer').")
def mark_bad_command(account: str, reason: str) -> None:
    """Record a known-bad account: risk propagates from it to its neighbours in sweeps."""
    graph_deps(_container()).store.add_known_bad(account, reason)
    click.echo(f"{account} marked known-bad")
