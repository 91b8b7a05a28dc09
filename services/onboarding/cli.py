"""`warden onboarding ...`: check a policy file, run the retention purge, re-wrap data keys.

Run by an operator on a server. `policy check` needs nothing but the file; the other commands
build the container from the process settings (WARDEN_*), like every other command.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from services.onboarding.core.policy_file import load_policy
from services.onboarding.core.signals import SIGNALS
from services.onboarding.deps import OnboardingDeps, onboarding_deps
from services.onboarding.purge import PurgeCommand, purge_expired

CLI_ACTOR = "system:cli"


def _deps() -> OnboardingDeps:
    from services.cli import _container  # the runtime's CLI plumbing builds the container

    return onboarding_deps(_container())


@click.group("onboarding")
def group() -> None:
    """Onboarding: the decision policy, retention, PII keys."""


@group.group("policy")
def policy() -> None:
    """The onboarding policy file."""


@policy.command("check")
@click.argument("path", type=click.Path(path_type=Path))
def policy_check(path: Path) -> None:
    """Validate a policy file; print its version and content hash (exit 2 on errors)."""
    loaded = load_policy(path)  # InvalidPolicy -> "error: ..." and exit 2 (services.cli.main)
    click.echo(f"ok: version {loaded.version}, sha256 {loaded.content_sha256}")
    click.echo(f"{len(loaded.rules)} rules; FATF lists as of {loaded.risk.country_list.as_of}")


@policy.command("signals")
def policy_signals() -> None:
    """List the signals rules may use (confidential ones marked)."""
    for spec in SIGNALS.values():
        mark = " (confidential)" if spec.confidential else ""
        click.echo(f"{spec.name:42} {spec.description}{mark}")


@group.command("purge")
@click.option(
    "--execute", is_flag=True, help="Really crypto-shred (default: a dry run that only reports)."
)
@click.option("--as-of", "as_of", default=None, help="Evaluate retention as of this ISO date.")
def purge(execute: bool, as_of: str | None) -> None:
    """Retention purge: what is past retention (except open cases and legal holds)."""
    today = date.fromisoformat(as_of) if as_of else date.today()
    command = PurgeCommand(today, dry_run=not execute, actor=CLI_ACTOR)
    report = purge_expired(command, _deps().customers)
    verb = "purged" if execute else "would purge"
    click.echo(f"{verb} {len(report.purged)} record(s) as of {report.as_of}")
    for record_id in report.purged:
        click.echo(f"  {record_id}")
    for record_id, reason in report.exempted:
        click.echo(f"  kept {record_id}: {reason}")
    for record_id in report.skipped:
        click.echo(f"  skipped {record_id}: became exempt while purging")


@group.command("rewrap-keys")
def rewrap_keys() -> None:
    """After prepending a new key to WARDEN_ENCRYPTION_KEYS: re-wrap every customer data key."""
    vault = _deps().customers.vault
    report = vault.rewrap_all()
    click.echo(
        f"re-wrapped {report.rewrapped} data key(s) under {vault.ring.active_key_id}; "
        f"{report.remaining} left (run again until 0, then drop the old key)"
    )
