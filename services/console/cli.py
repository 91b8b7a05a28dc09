"""`warden console`: serve the officers' web console; `warden console set-password OFFICER`."""

from __future__ import annotations

import asyncio
import signal

import click

from services.common.runtime import Container
from services.console import auth
from services.console.settings import ConsoleSettings


def _container() -> Container:
    from services.cli import _container as build

    return build()


async def _serve(container: Container, settings: ConsoleSettings, host: str, port: int) -> None:
    from services.console.runner import start_console

    handle = await start_console(container, host, port, settings=settings)
    click.echo(f"warden console: {handle.url}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await handle.stop()


@click.group("console", invoke_without_command=True)
@click.option("--host", default=None, help="Interface (default WARDEN_CONSOLE_HOST).")
@click.option("--port", type=int, default=None, help="Port (default WARDEN_CONSOLE_PORT).")
@click.pass_context
def group(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the compliance officers' web console (a client of the CaseService)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = ConsoleSettings()
    container = _container()
    try:
        chosen_port = port if port is not None else settings.port
        asyncio.run(_serve(container, settings, host or settings.host, chosen_port))
    finally:
        container.close()


@group.command("set-password")
@click.argument("officer_id")
@click.password_option(help="At least 12 characters (prompted when omitted).")
def set_password(officer_id: str, password: str) -> None:
    """Set an officer's console password (also lifts a lock-out). Run on the server."""
    from services.console.runner import build_state, console_link

    container = _container()
    settings = ConsoleSettings()
    state = build_state(container, settings, console_link(container, settings))
    auth.set_password(officer_id, password, state.auth)
    click.echo(f"password set for {officer_id}")
    container.close()
