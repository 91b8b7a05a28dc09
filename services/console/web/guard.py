"""Every route but log-in and static files goes through one of two guards.

`page(action)` — a read: a live session (else to log-in), an active officer, the role for
`action` (else 403). `act(action)` — a state change (POST): the same, plus the request must come
from the console's own pages (Origin / Sec-Fetch-Site) and carry the session's CSRF token (form
field `csrf_token` or header `X-CSRF-Token`). The app refuses to start if a POST route lacks
`act` (`require_guards`), so a new action cannot forget CSRF or authorisation.

Domain errors raised by CaseService (four-eyes, wrong role, illegal transition, bad field)
become a readable message: an htmx request gets it in the form's error box, a plain form post
an error page with a way back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.cases.core.roles import PERMISSIONS, Action
from services.common.errors import InvalidArgument, NotFound, PermissionDenied, WardenError
from services.console import auth
from services.console.core.sessions import same_token
from services.console.web.render import is_htmx, render
from services.console.web.state import ConsoleState, Viewer

log = logging.getLogger(__name__)
Handler = Callable[[Request, Viewer], Awaitable[Response]]
GUARDED = "__warden_guarded__"
SAFE_METHODS = frozenset({"GET", "HEAD"})
MAX_FIELDS = 2_000  # a SAR with many transactions posts many fields


def state_of(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.console
    return state


def cookie_name(request: Request) -> str:
    """`__Host-` pins the cookie to this host over HTTPS; browsers refuse it over plain HTTP."""
    return "__Host-warden_session" if secure_cookie(request) else "warden_session"


def secure_cookie(request: Request) -> bool:
    mode = state_of(request).settings.cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"/login?next={quote(target, safe='')}"
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def forbidden(request: Request, viewer: Viewer | None, message: str) -> Response:
    return render(request, "error.html", {"viewer": viewer, "message": message}, 403)


def role_message(action: Action) -> str:
    roles = ", ".join(sorted("MLRO" if r.value == "mlro" else r.value for r in PERMISSIONS[action]))
    return f"This needs one of the roles: {roles}."


async def current_viewer(request: Request) -> Viewer | None:
    state = state_of(request)
    session = await auth.resume(request.cookies.get(cookie_name(request)), state.auth)
    return await state.viewer(session) if session is not None else None


def same_origin(request: Request) -> bool:
    """Refuse cross-site posts even if a token leaked (defence in depth beside SameSite)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.url.netloc


async def read_form(request: Request) -> FormData:
    """The posted form with limits (files beyond the evidence cap are refused by size)."""
    limit = state_of(request).settings.max_upload_mb * 2**20
    return await request.form(max_files=1, max_fields=MAX_FIELDS, max_part_size=limit)


def _csrf_ok(request: Request, viewer: Viewer, form: FormData) -> bool:
    given = request.headers.get("x-csrf-token") or str(form.get("csrf_token") or "")
    return same_token(viewer.session.csrf_token, given)


def error_response(request: Request, viewer: Viewer, error: WardenError) -> Response:
    message = plain_words(error)
    fields = getattr(error, "violations", ())
    context = {"viewer": viewer, "message": message, "violations": fields}
    if is_htmx(request):
        return render(request, "fragments/form_error.html", context)
    status = 400 if isinstance(error, InvalidArgument) else 409
    return render(request, "error.html", context, status)


def _page_error(request: Request, viewer: Viewer, error: WardenError) -> Response:
    status = {NotFound: 404, PermissionDenied: 403, InvalidArgument: 400}.get(type(error), 502)
    message = "Not found, or not yours to see." if status == 404 else plain_words(error)
    return render(request, "error.html", {"viewer": viewer, "message": message}, status)


_PLAIN = {
    "FOUR_EYES": "Four eyes: you took part in this decision, so a different officer must "
    "approve it.",
    "NOT_ASSIGNEE": "Only the officer holding this case can do that: claim it first.",
    "HITS_UNREVIEWED": "Review every screening hit before deciding the case.",
    "ALREADY_CLAIMED": "Someone else claimed this case a moment ago.",
    "OFFICER_INACTIVE": "Your officer account is deactivated.",
}


def plain_words(error: WardenError) -> str:
    """The server's message, or a plainer sentence for the refusals officers meet daily."""
    return _PLAIN.get(error.reason, error.message)


def page(action: Action | None = None) -> Callable[[Handler], Callable[[Request], Any]]:
    """Guard a GET route: session, active officer, role for `action`."""

    def wrap(handler: Handler) -> Callable[[Request], Any]:
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            viewer = await current_viewer(request)
            if viewer is None:
                return _to_login(request)
            if action is not None and not viewer.can(action):
                return forbidden(request, viewer, role_message(action))
            try:
                return await handler(request, viewer)
            except WardenError as error:
                return _page_error(request, viewer, error)

        setattr(endpoint, GUARDED, "page")
        return endpoint

    return wrap


def act(action: Action | None = None) -> Callable[[Handler], Callable[[Request], Any]]:
    """Guard a POST route: `page`'s checks, same origin, CSRF token; domain errors shown."""

    def wrap(handler: Handler) -> Callable[[Request], Any]:
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            viewer = await current_viewer(request)
            if viewer is None:
                return _to_login(request)
            form = await read_form(request)
            try:  # uploaded files are spooled to temporary files: always close them
                return await _checked(request, viewer, form, action, handler)
            finally:
                await form.close()

        setattr(endpoint, GUARDED, "act")
        return endpoint

    return wrap


async def _checked(
    request: Request, viewer: Viewer, form: FormData, action: Action | None, handler: Handler
) -> Response:
    if not same_origin(request) or not _csrf_ok(request, viewer, form):
        log.warning("csrf refused", extra={"fields": {"path": request.url.path}})
        message = "This form expired or did not come from the console. Reload and try again."
        return forbidden(request, viewer, message)
    if action is not None and not viewer.can(action):
        return forbidden(request, viewer, role_message(action))
    request.state.form = form
    try:
        return await handler(request, viewer)
    except WardenError as error:
        return error_response(request, viewer, error)


def form_of(request: Request) -> FormData:
    """The form `act` already read and checked."""
    form: FormData = request.state.form
    return form


def text(request: Request, name: str, limit: int = 10_000) -> str:
    """A text field, stripped; too long is refused with the field named."""
    value = str(form_of(request).get(name) or "").strip()
    if len(value) > limit:
        raise InvalidArgument.for_field(name, f"at most {limit} characters")
    return value


def require_guards(routes: Iterable[BaseRoute], open_paths: frozenset[str]) -> None:
    """Fail start-up if a route is neither guarded nor deliberately open (log-in, static)."""
    for route in routes:
        if not isinstance(route, Route) or route.path in open_paths:
            continue
        kind = getattr(route.endpoint, GUARDED, None)
        methods = route.methods or set()
        if kind is None or (methods - SAFE_METHODS and kind != "act"):
            raise RuntimeError(f"console route {route.path} {sorted(methods)} is not guarded")
