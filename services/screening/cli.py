"""`warden screening rescreen-status|rescreen`: where re-screening after a list update stands."""

from __future__ import annotations

import click

from services.common.runtime import Container
from services.screening.convert import rescreen_report
from services.screening.rescreen import (
    RescreenStatus,
    ResubmitCommand,
    StatusQuery,
    rescreen_status,
    resubmit_rescreen,
)
from services.screening.settings import ScreeningSettings


def _container() -> Container:
    from services.cli import _container as build  # the composition root; imported late

    return build()


@click.group("screening")
def screening() -> None:
    """Screening: re-screening of monitored customers after a list update."""


@screening.command("rescreen-status")
@click.option("--old", "old_version", default=None, help="Only re-screenings from this version.")
@click.option("--new", "new_version", default=None, help="Only re-screenings into this version.")
@click.option("--limit", default=5, show_default=True, help="How many version changes to show.")
def status_command(old_version: str | None, new_version: str | None, limit: int) -> None:
    """Per version change, newest first: partitions done / running / failed, and the totals."""
    query = StatusQuery(old_version, new_version, limit)
    found = rescreen_status(query, _container().operations, rescreen_report)
    if not found:
        click.echo("no re-screening found (one starts when a list version with changes lands)")
    for status in found:
        _echo_status(status)


@screening.command("rescreen")
@click.argument("old_version")
@click.argument("new_version")
@click.option(
    "--partitions",
    type=click.IntRange(1, 256),
    default=None,
    help="For a version change never submitted (default: WARDEN_SCREENING_RESCREEN_PARTITIONS).",
)
@click.option("--retry-failed", is_flag=True, help="Also run failed partitions again.")
def rescreen_command(
    old_version: str, new_version: str, partitions: int | None, retry_failed: bool
) -> None:
    """Submit the re-screening of OLD_VERSION -> NEW_VERSION ("" for none): only partitions
    without an operation (and, with --retry-failed, failed ones); running it twice is harmless."""
    container = _container()
    count = partitions or ScreeningSettings().rescreen_partitions
    command = ResubmitCommand(old_version, new_version, count, retry_failed)
    status = resubmit_rescreen(command, container.operations, container.queue, rescreen_report)
    _echo_status(status)


def _echo_status(status: RescreenStatus) -> None:
    click.echo(
        f"{status.old_version or '(none)'} -> {status.new_version}: {status.state.upper()}, "
        f"{status.done}/{status.partitions} partitions done, {status.running} running, "
        f"{status.pending} pending, {status.failed} failed, {len(status.missing)} missing"
    )
    click.echo(
        f"  {status.entries:,} entries added or changed; {status.customers:,} customers "
        f"re-screened, {status.alerts:,} alerts, {status.suppressed:,} suppressed"
        + (
            f", {status.refused:,} refused by the matcher (see the worker log)"
            if status.refused
            else ""
        )
    )
    for run in status.unfinished:
        where = f"operation {run.operation_id}, attempt {run.attempt}"
        line = f"  partition {run.partition.index}/{run.partition.count}: {run.state} ({where}, "
        line += f"{run.attempts} task run(s))"
        click.echo(line + (f": {run.failure}" if run.failure else ""))
    if status.missing:
        click.echo(f"  never submitted: partitions {', '.join(map(str, status.missing))}")
