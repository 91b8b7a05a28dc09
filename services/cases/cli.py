"""`warden cases ...` (officers, the queue) and `warden audit ...` (verify the chain).

The CLI is run by an operator on a server; it acts as the bootstrap identity "system:cli", which
may create officers (the first admin) and verify the audit chain. Everything it changes is
audited like any other change.
"""

from __future__ import annotations

import sys

import click

from services.cases import admin
from services.cases.core.audit import ChainAnchor
from services.cases.core.model import CaseStatus
from services.cases.core.readmodels import summarise
from services.cases.core.roles import Role
from services.cases.handlers import CaseDeps
from services.cases.ports import CaseQuery
from services.cases.wiring import case_deps


def _deps() -> CaseDeps:
    from services.cli import _container  # the runtime's CLI plumbing builds the container

    return case_deps(_container())


@click.group("cases")
def group() -> None:
    """Case management: officers and queues."""


@group.command("create-officer")
@click.option("--id", "officer_id", required=True, help="Log-in name: letters, digits, '-', '.'.")
@click.option("--name", "display_name", required=True, help="Name shown in the console.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
def create_officer(officer_id: str, display_name: str, roles: tuple[str, ...]) -> None:
    """Create an officer (how the first admin comes to exist)."""
    new = admin.NewOfficer(officer_id, display_name, frozenset(Role(r) for r in roles))
    officer = admin.create_officer(admin.BOOTSTRAP, new, _deps())
    click.echo(f"created officer {officer.id} ({', '.join(sorted(officer.roles))})")


@group.command("officers")
def officers() -> None:
    """List officers and their roles."""
    for officer in _deps().officers.all():
        state = "active" if officer.active else "deactivated"
        roles = ", ".join(sorted(officer.roles))
        click.echo(f"{officer.id:20} {state:12} {roles:30} {officer.display_name}")


@group.command("queue")
@click.option("--limit", default=20, show_default=True)
def queue(limit: int) -> None:
    """Open cases in claim-next order, with SLA state and age."""
    deps = _deps()
    page = deps.cases.find(CaseQuery(statuses=_open(), limit=limit))
    now = deps.clock()
    click.echo(f"{page.total} open case(s)")
    for case in page.cases:
        row = summarise(case, deps.config.queues, now)
        click.echo(
            f"{case.id}  {case.queue:12} {case.severity.value:8} {row.sla.value:9} {row.age:6} "
            f"{case.status.value:16} {case.assignee or '-':10} {case.title[:60]}"
        )


def _open() -> frozenset[CaseStatus]:
    return frozenset(s for s in CaseStatus if s is not CaseStatus.CLOSED)


@click.group("audit")
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option(
    "--anchor",
    default="",
    help="SEQ:HASH of a head copied earlier (`warden audit head`): also detects a cut or "
    "rewritten chain.",
)
def verify(anchor: str) -> None:
    """Verify every link of the chain; name the first broken one (exit 1 if any)."""
    report = admin.verify_audit(admin.BOOTSTRAP, _anchor(anchor), _deps())
    click.echo(report.describe())
    sys.exit(0 if report.ok else 1)


@audit.command("head")
def head() -> None:
    """Print the current head as SEQ:HASH, to keep somewhere the database cannot reach."""
    current = _deps().audit.head()
    click.echo(f"{current.seq}:{current.hash}" if current else "0: (empty log)")


def _anchor(text: str) -> ChainAnchor | None:
    if not text:
        return None
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise click.BadParameter("expected SEQ:HASH (64 hex digits)", param_hint="--anchor")
    return ChainAnchor(int(seq), digest)
