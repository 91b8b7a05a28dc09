"""`warden lists load|status|diff`: load the lists as a new version, show versions, compare two."""

from __future__ import annotations

from pathlib import Path

import click

from watchlists.handlers import (
    ListsDeps,
    LoadLists,
    diff_versions,
    list_status,
    load_lists,
)
from watchlists.snapshot import SourceInfo
from watchlists.store import VersionInfo


def _deps() -> ListsDeps:
    from services.cli import _container  # the composition root; imported late (it imports us)
    from watchlists.deps import deps_of

    return deps_of(_container())


@click.group("lists")
def lists() -> None:
    """Watchlists: load a new version, show stored versions, diff two versions."""


@lists.command("load")
@click.option(
    "--catalog",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Catalog YAML (default: WARDEN_WATCHLISTS_CATALOG or the shipped one).",
)
@click.option("--include", multiple=True, help="Also load this opt-in source (repeatable).")
@click.option("--activate/--no-activate", default=True, show_default=True, help="Make it current.")
def load_command(catalog: Path | None, include: tuple[str, ...], activate: bool) -> None:
    """Parse every list into a new version (a bad file changes nothing) and store it."""
    result = load_lists(LoadLists(catalog, include, activate), _deps())
    _echo_sources(result.info.sources)
    state = "current" if result.activated else "stored, not current"
    click.echo(f"version {result.info.version}: {result.info.party_count:,} parties ({state})")
    click.echo(f"changes since {result.previous_version or 'nothing'}: {result.delta.summary()}")


@lists.command("status")
@click.option("--limit", default=10, show_default=True, help="How many stored versions to show.")
def status_command(limit: int) -> None:
    """The current version's lists (counts, as-of dates) and the stored versions."""
    status = list_status(_deps(), limit)
    if status.current is None:
        click.echo("no version is current: run `warden lists load`")
    else:
        click.echo(
            f"current version {status.current.version} ({status.current.party_count:,} parties)"
        )
        _echo_sources(status.current.sources)
    click.echo("\nstored versions (newest first):")
    for info in status.stored:
        _echo_version(info, info.version == (status.current.version if status.current else None))
    if status.history:
        click.echo("\nactivations (database):")
        for record in status.history:
            click.echo(f"  {record.version}  first {record.first_activated_at:%Y-%m-%d %H:%M}  "
                       f"last {record.last_activated_at:%Y-%m-%d %H:%M}")  # fmt: skip


@lists.command("diff")
@click.argument("old")
@click.argument("new", default="current")
@click.option("--show", default=20, show_default=True, help="Entries listed per kind of change.")
def diff_command(old: str, new: str, show: int) -> None:
    """Parties added, changed and removed from version OLD to NEW ("current" = live)."""
    delta = diff_versions(old, new, _deps())
    click.echo(f"{delta.old_version} -> {delta.new_version}: {delta.summary()}")
    _echo_parties("added", [(p.id, p.primary_name.full) for p in delta.added], show)
    _echo_parties("changed", [(n.id, n.primary_name.full) for _, n in delta.changed], show)
    _echo_parties("removed", [(p.id, p.primary_name.full) for p in delta.removed], show)


def _echo_sources(sources: tuple[SourceInfo, ...]) -> None:
    click.echo(f"  {'source':<18} {'parties':>8}  {'as of':<10}  {'format':<12}  sha256")
    for source in sources:
        as_of = source.as_of.isoformat() if source.as_of else "-"
        digest = ",".join(f.sha256[:12] for f in source.files[:2])
        digest += "…" if len(source.files) > 2 else ""
        count = f"{source.party_count:,}"
        click.echo(f"  {source.id:<18} {count:>8}  {as_of:<10}  {source.format:<12}  {digest}")


def _echo_version(info: VersionInfo, current: bool) -> None:
    marker = "*" if current else " "
    lists_text = ", ".join(f"{s.id} {s.party_count:,}" for s in info.sources)
    created = f"{info.created_at:%Y-%m-%d %H:%M}"
    click.echo(f" {marker} {info.version}  {created}  {info.party_count:>7,}  {lists_text}")


def _echo_parties(kind: str, entries: list[tuple[str, str]], show: int) -> None:
    if not entries:
        return
    click.echo(f"\n{kind} ({len(entries):,}):")
    for party_id, name in entries[:show]:
        click.echo(f"  {party_id:<32} {name}")
    if len(entries) > show:
        click.echo(f"  … and {len(entries) - show:,} more")
