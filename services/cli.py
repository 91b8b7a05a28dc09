"""The `warden` command: serve, worker, beat, demo, keys, db, settings — plus each area's group."""

from __future__ import annotations

import asyncio
import sys

import click
from pydantic import ValidationError

from services.common.auth import DELEGATE_SCOPE, KeyStore, validate_scopes
from services.common.crypto import generate_key_spec
from services.common.errors import WardenError
from services.common.migrate import new_revision, upgrade
from services.common.rpc.policy import policy_for_services
from services.common.runtime import Container, init_process
from services.common.settings import WardenSettings
from services.registry import AREAS, QUEUES, load

EXTRA_SCOPES = ("operations.read_all", DELEGATE_SCOPE)


def _settings() -> WardenSettings:
    try:
        return WardenSettings()
    except ValidationError as exc:
        raise click.ClickException(f"invalid settings:\n{exc}") from exc


def _container() -> Container:
    settings = _settings()
    init_process(settings)
    return Container.build(settings)


class WardenGroup(click.Group):
    """Top-level group that adds each area's command group from the registry on first use,
    so `warden keys list` does not import every area (face models, indexes)."""

    @staticmethod
    def _load(target: str) -> click.Command:
        command = load(target)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command

    def _area_commands(self, first: str | None = None) -> dict[str, click.Command]:
        """Area commands by their own names; the area named `first` is tried alone first."""
        entries = [e for e in AREAS if e.cli]
        preferred = [e for e in entries if e.name == first]
        for group in (preferred, entries) if preferred else (entries,):
            commands = {c.name or "": c for c in (self._load(e.cli or "") for e in group)}
            if first is None or first in commands:
                return commands
        return {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._area_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._area_commands(cmd_name).get(cmd_name)


@click.group(cls=WardenGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Warden: identity verification, sanctions screening, transaction graphs, case management."""


@cli.command()
@click.option("--service", "services", multiple=True, help="Serve only these areas (repeatable).")
def serve(services: tuple[str, ...]) -> None:
    """Run the gRPC server (all services in one process unless --service is given)."""
    from services.serve import (
        embedded_worker,
        ensure_schema,
        rpc_areas,
        serve_forever,
        start_metrics,
    )

    container = _container()
    ensure_schema(container)
    start_metrics(container)
    with embedded_worker(container):
        asyncio.run(serve_forever(container, rpc_areas(services)))


@cli.command()
@click.option(
    "-Q", "--queues", default=",".join(QUEUES), show_default=True, help="Queues to consume."
)
@click.option(
    "-c", "--concurrency", type=int, default=None, help="Processes/threads (default: CPUs)."
)
@click.option(
    "--pool",
    type=click.Choice(["prefork", "threads", "solo"]),
    default="prefork",
    show_default=True,
)
def worker(queues: str, concurrency: int | None, pool: str) -> None:
    """Run a Celery worker against Redis (WARDEN_REDIS_URL)."""
    from workers import deps

    container = _container()
    if container.settings.embedded:
        raise click.ClickException("WARDEN_REDIS_URL is not set: a separate worker needs Redis")
    unknown = set(queues.split(",")) - set(QUEUES)
    if unknown:
        raise click.ClickException(f"unknown queue(s): {', '.join(sorted(unknown))}")
    deps.install(container)
    argv = [
        "worker",
        "-Q",
        queues,
        f"--pool={pool}",
        "--loglevel",
        container.settings.log_level,
        "--without-gossip",
        "--without-mingle",
    ]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    container.celery.worker_main(argv)


@cli.command()
def beat() -> None:
    """Run the Celery beat scheduler (exactly one per deployment)."""
    from workers.schedule import beat_schedule

    container = _container()
    if container.settings.embedded:
        raise click.ClickException("WARDEN_REDIS_URL is not set: beat needs Redis")
    container.celery.conf.beat_schedule = beat_schedule(container.settings)
    schedule_file = container.settings.data_dir / "celerybeat-schedule"
    schedule_file.parent.mkdir(parents=True, exist_ok=True)
    container.celery.start(["beat", "--schedule", str(schedule_file), "--loglevel", "INFO"])


@cli.command()
@click.option(
    "--keep-serving/--no-keep-serving",
    default=None,
    help="Leave the officers' console and gRPC server running afterwards until Ctrl-C "
    "(default: when run in a terminal).",
)
def demo(keep_serving: bool | None) -> None:
    """Run the main job end to end on embedded defaults (no Redis, no PostgreSQL)."""
    from services.demo import run_demo

    if keep_serving is None:
        keep_serving = sys.stdin.isatty() and sys.stdout.isatty()
    sys.exit(asyncio.run(run_demo(_settings(), keep_serving=keep_serving)))


# --- keys ----------------------------------------------------------------------------------
@cli.group()
def keys() -> None:
    """API keys and mTLS identities (stored hashed)."""


def known_scopes() -> set[str]:
    from services.serve import collect_services, rpc_areas

    container = _container()
    names = [s.name for s in collect_services(container, rpc_areas())]
    return policy_for_services(names).known_scopes() | set(EXTRA_SCOPES)


def _audit_key_change(container: Container, change: str, key_id: str) -> None:
    """Key changes are security events: they go into the tamper-evident audit chain."""
    from services.cases.admin import BOOTSTRAP, record_security_event
    from services.cases.core.audit import SecurityAction
    from services.cases.wiring import case_deps

    action = SecurityAction.KEY_CREATED if change == "created" else SecurityAction.KEY_REVOKED
    record_security_event(BOOTSTRAP, action, f"key:{key_id}", case_deps(container))


@keys.command("create")
@click.option("--name", required=True, help="Who the key is for (a system, a team).")
@click.option(
    "--scopes", required=True, help="Comma-separated, e.g. 'screening.*,operations.read'."
)
def keys_create(name: str, scopes: str) -> None:
    """Create an API key; the key is printed once and never stored."""
    chosen = validate_scopes(scopes.split(","), known_scopes())
    container = _container()
    issued = KeyStore(container.database).create_key(name, chosen)
    _audit_key_change(container, "created", issued.key_id)
    click.echo(
        f"key id: {issued.key_id}\nscopes: {', '.join(issued.scopes)}\nkey:    {issued.token}"
    )
    click.echo("Store the key now: it cannot be shown again.", err=True)


@keys.command("create-mtls")
@click.option("--name", required=True)
@click.option("--subject", required=True, help="Client certificate subject CN.")
@click.option("--scopes", required=True)
def keys_create_mtls(name: str, subject: str, scopes: str) -> None:
    """Grant scopes to clients presenting a certificate with this CN (needs mTLS settings)."""
    chosen = validate_scopes(scopes.split(","), known_scopes())
    container = _container()
    record = KeyStore(container.database).create_mtls_identity(name, subject, chosen)
    _audit_key_change(container, "created", record.key_id)
    click.echo(f"identity id: {record.key_id} (CN={subject})")


@keys.command("list")
def keys_list() -> None:
    for record in KeyStore(_container().database).list():
        state = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
        who = f" CN={record.mtls_subject}" if record.mtls_subject else ""
        scopes = ", ".join(record.scopes)
        click.echo(f"{record.key_id}  {record.kind:7}  {state:18} {record.name}{who}  [{scopes}]")


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    container = _container()
    KeyStore(container.database).revoke(key_id)
    _audit_key_change(container, "revoked", key_id)
    click.echo(f"revoked {key_id} (servers stop accepting it within 30 s)")


@keys.command("new-encryption-key")
@click.option("--kid", default="k1", show_default=True)
def keys_new_encryption_key(kid: str) -> None:
    """Print a fresh entry for WARDEN_ENCRYPTION_KEYS (prepend it to rotate)."""
    click.echo(generate_key_spec(kid))


# --- db --------------------------------------------------------------------------------------
@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every area's migrations (alembic upgrade heads)."""
    settings = _settings()
    upgrade(settings.resolved_database_url)
    click.echo("database is up to date")


@db.command("revision")
@click.option("--area", required=True)
@click.option("-m", "--message", required=True)
def db_revision(area: str, message: str) -> None:
    """Autogenerate a migration on an area's branch (against an up-to-date database)."""
    new_revision(_settings().resolved_database_url, area, message)


@cli.command("settings")
def settings_cmd() -> None:
    """Print every setting with its environment variable, default and meaning."""
    from services.common.settings_doc import settings_table

    click.echo(settings_table())


def main() -> None:
    try:
        cli(standalone_mode=False)
    except WardenError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.exit(130)
    except ValidationError as exc:
        click.echo(f"invalid settings:\n{exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
