"""The console's Starlette application: routes, security headers, lifespan.

Every response carries a strict Content-Security-Policy (scripts and styles only from the
console itself, no inline script, no eval, no framing), X-Frame-Options DENY, nosniff, no
referrer, and `Cache-Control: no-store` on pages (they show personal data; a shared
workstation's back button must not replay them after log-out).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.console.web import admin, case, dashboard, login, queue, sar
from services.console.web.guard import require_guards
from services.console.web.render import build_templates
from services.console.web.state import ConsoleState

STATIC = Path(__file__).resolve().parents[1] / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" makes Chromium send Origin: null
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
OPEN_PATHS = frozenset({"/login", "/healthz", "/"})


class SecurityHeaders:
    """Adds the security headers to every HTTP response (a route may set a stricter CSP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in present]
                if scope.get("scheme") == "https":
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                if not static:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


async def home(request: Request) -> Response:
    return RedirectResponse("/queue", status_code=303)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def routes() -> list[BaseRoute]:
    post = ["POST"]
    c = "/cases/{case_id}"
    return [
        Route("/", home),
        Route("/healthz", healthz),
        Route("/login", login.login_form, methods=["GET"]),
        Route("/login", login.login_submit, methods=post),
        Route("/logout", login.logout, methods=post),
        Route("/queue", queue.queue_page),
        Route("/queue/claim-next", queue.claim_next, methods=post),
        Route(c, case.case_page),
        Route(c + "/evidence/{evidence_id}", case.evidence_file),
        *(
            Route(f"{c}/{name}", endpoint, methods=post)
            for name, endpoint in (
                ("claim", case.claim),
                ("release", case.release),
                ("assign", case.assign),
                ("snooze", case.snooze),
                ("review-hit", case.review_hit),
                ("decide", case.decide),
                ("approve", case.approve),
                ("send-back", case.send_back),
                ("withdraw", case.withdraw),
                ("reopen", case.reopen),
                ("comment", case.comment),
                ("evidence", case.attach),
                ("revoke-suppression", case.revoke_suppression),
                ("sar", sar.draft),
            )
        ),
        Route("/sars", sar.sar_list),
        Route("/sars/{sar_id}", sar.sar_page),
        Route("/sars/{sar_id}/export/{fmt}", sar.export),
        *(
            Route(f"/sars/{{sar_id}}/{name}", endpoint, methods=post)
            for name, endpoint in (
                ("save", sar.save),
                ("submit", sar.submit),
                ("approve", sar.approve),
                ("send-back", sar.send_back),
                ("withdraw", sar.withdraw),
                ("reviewer", sar.set_reviewer),
                ("filing", sar.record_filing),
            )
        ),
        Route("/dashboard", dashboard.dashboard_page),
        Route("/audit", admin.audit_page),
        Route("/audit/verify", admin.verify_audit, methods=post),
        Route("/officers", admin.officers_page),
        Route("/officers", admin.create_officer, methods=post),
        Route("/officers/{officer_id}/password", admin.set_officer_password, methods=post),
        Route("/officers/{officer_id}/roles", admin.set_officer_roles, methods=post),
        Route("/officers/{officer_id}/deactivate", admin.deactivate_officer, methods=post),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(state: ConsoleState) -> Starlette:
    """The console app; `state.connect()` opens the CaseService client when it starts."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client = state.connect()
        state.client = client
        try:
            yield
        finally:
            await client.close()
            if state.client is client:
                state.client = None

    table = routes()
    require_guards(table, OPEN_PATHS)
    app = Starlette(routes=table, lifespan=lifespan)
    app.state.console = state
    app.state.templates = build_templates()
    app.add_middleware(SecurityHeaders)
    return app
