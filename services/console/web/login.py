"""Log-in and log-out pages.

The log-in form has no session yet, so its CSRF defence is a double-submit token: a random
value in a SameSite=Strict cookie that the form must repeat (and the same-origin check). The
session cookie is HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS; a new one is issued at
each log-in, so a token planted before log-in is worthless after it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.console import auth
from services.console.core.sessions import new_token, same_token
from services.console.web.guard import (
    act,
    cookie_name,
    current_viewer,
    read_form,
    same_origin,
    secure_cookie,
    state_of,
)
from services.console.web.render import go, render
from services.console.web.state import Viewer

LOGIN_CSRF_COOKIE = "warden_login_csrf"


def safe_next(value: str | None) -> str:
    """Only a path on this site: an open redirect after log-in is a phishing tool."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/queue"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/queue"


def _login_page(request: Request, error: str = "", status: int = 200) -> Response:
    token = new_token()
    context = {
        "viewer": None,
        "error": error,
        "login_csrf": token,
        "next": safe_next(request.query_params.get("next")),
    }
    response = render(request, "login.html", context, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=1800,
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request),
        path="/login",
    )
    return response


async def login_form(request: Request) -> Response:
    if await current_viewer(request) is not None:
        return RedirectResponse("/queue", status_code=303)
    return _login_page(request)


async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    try:
        return await _log_in(request, form)
    finally:
        await form.close()


async def _log_in(request: Request, form: FormData) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if (
        not same_origin(request)
        or not cookie
        or not same_token(cookie, str(form.get("csrf_token") or ""))
    ):
        return _login_page(request, "The log-in form expired. Please try again.", 403)
    state = state_of(request)
    officer_id = str(form.get("officer_id") or "").strip()
    try:
        token, _ = await auth.log_in(officer_id, str(form.get("password") or ""), state.auth)
    except auth.LoginRefused as refused:
        return _login_page(request, refused.message, 401)
    response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
    response.set_cookie(
        cookie_name(request),
        token,
        max_age=state.settings.session_max_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@act()
async def logout(request: Request, viewer: Viewer) -> Response:
    await auth.log_out(viewer.session, state_of(request).auth)
    response = go(request, "/login")
    response.delete_cookie(cookie_name(request), path="/")
    return response
