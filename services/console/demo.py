"""Demo step: console log-ins for every demo officer, and cases that show every panel.

Runs after case management's step (which creates the demo officers). It gives each officer a
console password, raises the sample alerts (a screening hit with its explanation, an identity
check with MRZ and face distance, a transaction ring) through the cases queue, attaches the
demo's document and selfie images, and registers how the console reaches this demo's gRPC
server, so `start_console(container, host, port)` at the end of the demo just works.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from rich.table import Table
from warden.cases.v1 import cases_pb2 as pb
from warden.cases.v1 import cases_pb2_grpc

from services.cases.demo import OFFICERS
from services.console import auth, samples
from services.console.client import CONSOLE_SCOPES
from services.console.images import sample_portrait
from services.console.runner import LINK_AREA, ConsoleLink, build_state, start_console
from services.console.settings import ConsoleSettings
from services.demo import DemoContext


def demo_password(officer_id: str) -> str:
    """Demo log-ins are predictable on purpose (a throw-away local database)."""
    return f"{officer_id}-console-demo"


async def _attach_images(ctx: DemoContext, link: ConsoleLink) -> None:
    """Document and selfie images on the identity case (claimed, then released, by the analyst)."""
    stub = cases_pb2_grpc.CaseServiceStub(ctx.channel)
    analyst = (("authorization", f"Bearer {link.token}"), ("x-warden-on-behalf-of", "demo.analyst"))
    listed = await stub.ListCases(
        pb.ListCasesRequest(queues=["identity"], statuses=[pb.CASE_STATUS_OPEN]), metadata=analyst
    )
    for case in listed.cases:
        if case.subject.id != "app-3001":
            continue
        await stub.ClaimCase(pb.ClaimCaseRequest(case_id=case.id), metadata=analyst)
        for name, seed in (("document.png", 1), ("selfie.png", 2)):
            request = pb.AttachEvidenceRequest(
                case_id=case.id,
                filename=name,
                media_type="image/png",
                content=sample_portrait(seed),
            )
            await stub.AttachEvidence(request, metadata=analyst)
        release = pb.ReleaseCaseRequest(case_id=case.id, reason="demo: images attached")
        await stub.ReleaseCase(release, metadata=analyst)


async def run(ctx: DemoContext) -> None:
    link = ConsoleLink(
        ctx.address, ctx.container.keys.create_key("console (demo)", CONSOLE_SCOPES).token
    )
    ctx.container.area(LINK_AREA, lambda _: link)
    state = build_state(ctx.container, ConsoleSettings(), link)
    for officer_id, _, _ in OFFICERS:
        await asyncio.to_thread(
            auth.set_password, officer_id, demo_password(officer_id), state.auth
        )
    now = datetime.now(UTC)
    for alert in (samples.screening_hit(now), samples.identity_check(now), samples.ring(now)):
        ctx.container.alerts.raise_alert(alert)
    await asyncio.sleep(0.5)  # the embedded worker takes the intake tasks within milliseconds
    await _attach_images(ctx, link)
    table = Table(title="Console log-ins (demo only)", box=None)
    for column in ("officer", "name", "role", "password"):
        table.add_column(column)
    for officer_id, name, role in OFFICERS:
        table.add_row(officer_id, name, role.value, demo_password(officer_id))
    ctx.console.print(table)
    ctx.record("console", "ok", f"{len(OFFICERS)} log-ins; 3 sample cases with every panel")


@asynccontextmanager
async def keep_serving(ctx: DemoContext) -> AsyncIterator[str]:
    """After the demo: the console on its configured port (a free one if that is taken)."""
    settings = ConsoleSettings()
    try:
        handle = await start_console(ctx.container, settings.host, settings.port)
    except (OSError, SystemExit, RuntimeError):
        handle = await start_console(ctx.container, settings.host, 0)
    try:
        yield f"Officers' console: {handle.url}  (log in with the demo log-ins above)"
    finally:
        await handle.stop()
