"""The areas that make up Warden, and where each plugs into the runtime.

One explicit table instead of import-time magic: to add an area, add one `Area` line here.
Every entry is a "module:attribute" string so that importing this module loads nothing heavy
(face models, indexes); the runtime imports what a process needs, when it needs it. A listed
module that does not exist is an error, not a silent skip.

- `rpc`:    `build(container) -> list[RpcService]` — the area's servicers, for `warden serve`.
- `tasks`:  module declaring the area's Celery tasks (imported by every worker).
- `tables`: module declaring the area's SQLAlchemy tables (imported before migrations/tests).
- `cli`:    a click group added to `warden` as `warden <name> ...`.
- `demo`:   `run(ctx) -> None` — the area's step in `warden demo`, in table order.
- `beat`:   `schedule(settings) -> dict` — the area's periodic tasks for `warden beat`.
- `settings`: the area's pydantic-settings class (documented by `warden settings`).
- `demo_serve`: an async context manager `serve(ctx)` yielding a line to print: something the
  demo leaves running afterwards (the officers' console), stopped on Ctrl-C.
- `alert_followups`: `follow_ups(alert) -> list[FollowUp]` — work the area wants queued whenever
  any area raises an alert (beside case intake), e.g. re-rating the customer involved.
- `alert_intake`: `intake_sink(container) -> AlertSink` — the area that takes alerts in (case
  management) records them as they are raised, in the database, so an alert is durable before
  the producer's operation succeeds (see `runtime.Container.alerts`). At most one area.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Area:
    name: str
    rpc: str | None = None
    tasks: str | None = None
    tables: str | None = None
    cli: str | None = None
    demo: str | None = None
    beat: str | None = None
    settings: str | None = None
    alert_followups: str | None = None
    alert_intake: str | None = None
    demo_serve: str | None = None


AREAS: tuple[Area, ...] = (
    Area(
        "operations",
        rpc="services.operations.rpc:build",
        tables="services.common.tables",
    ),
    Area(
        "diagnostics",
        rpc="services.diagnostics.rpc:build",
        tasks="workers.tasks.diagnostics",
        demo="services.diagnostics.demo:run",
        beat="services.diagnostics.beat:schedule",
    ),
    Area(
        "watchlists",
        tasks="workers.tasks.watchlists",
        tables="watchlists.adapters.tables",
        cli="watchlists.cli:lists",
        demo="watchlists.demo:run",
        beat="watchlists.beat:schedule",
        settings="watchlists.settings:ListsSettings",
    ),
    Area(
        "screening",
        rpc="services.screening.rpc:build",
        tasks="workers.tasks.screening",
        tables="services.screening.adapters.tables",
        cli="services.screening.cli:screening",
        demo="services.screening.demo:run",
        settings="services.screening.settings:ScreeningSettings",
    ),
    Area(
        "identity",
        rpc="services.identity.rpc:build",
        tasks="workers.tasks.identity",
        tables="services.identity.adapters.tables",
        demo="services.identity.demo:run",
        beat="services.identity.beat:schedule",
        settings="services.identity.settings:IdentitySettings",
    ),
    Area(
        "onboarding",
        rpc="services.onboarding.rpc:build",
        tasks="workers.tasks.onboarding",
        tables="services.onboarding.adapters.tables",
        cli="services.onboarding.cli:group",
        demo="services.onboarding.demo:run",
        beat="services.onboarding.beat:schedule",
        settings="services.onboarding.settings:OnboardingSettings",
        alert_followups="services.onboarding.followups:follow_ups",
    ),
    Area(
        "graph",
        rpc="services.graph.rpc:build",
        tasks="workers.tasks.graph",
        tables="services.graph.adapters.tables",
        cli="services.graph.cli:graph",
        demo="services.graph.demo:run",
        beat="services.graph.beat:schedule",
        settings="services.graph.settings:GraphSettings",
    ),
    # Case management runs its demo step after the producers above have raised their alerts.
    Area(
        "cases",
        rpc="services.cases.rpc:build",
        tasks="workers.tasks.cases",
        tables="services.cases.adapters.tables",
        cli="services.cases.cli:group",
        demo="services.cases.demo:run",
        settings="services.cases.settings:CaseSettings",
        alert_intake="services.cases.sinks:intake_sink",
    ),
    # The officers' web console: a client of CaseService, so its demo step runs after cases.
    Area(
        "console",
        tables="services.console.adapters.tables",
        cli="services.console.cli:group",
        demo="services.console.demo:run",
        demo_serve="services.console.demo:keep_serving",
        settings="services.console.settings:ConsoleSettings",
    ),
    # `warden audit verify`: the audit chain is case management's, but operators expect the
    # command at the top level (the brief names it so).
    Area("audit", cli="services.cases.cli:audit"),
)

# Celery queues: one per kind of heavy work, so each scales with its own workers.
# "default" carries maintenance (re-enqueueing stale operations, purges, probes).
QUEUES: tuple[str, ...] = ("default", "identity", "screening", "graph", "cases")


def area(name: str) -> Area:
    for candidate in AREAS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"unknown area {name!r}; known: {', '.join(a.name for a in AREAS)}")


def load(target: str) -> object:
    """Import "package.module:attribute" (or a bare module) and return it."""
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def import_all(kind: str) -> None:
    """Import every area's module of one kind ("tables", "tasks") for its side effects."""
    for entry in AREAS:
        target = getattr(entry, kind)
        if target:
            load(target)
