"""Templates, their filters, and the responses every route uses.

Autoescaping is on for every template: names, notes and list entries are data from outside
(a list publisher, a customer, an officer) and are never trusted as markup. Nothing is marked
safe except the JSON data blocks, which `tojson` escapes for an HTML context.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates
from warden.cases.v1 import cases_pb2 as pb

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_ENUMS: dict[str, tuple[object, str]] = {
    "Severity": (pb.Severity, "SEVERITY_"),
    "AlertSource": (pb.AlertSource, "ALERT_SOURCE_"),
    "CaseKind": (pb.CaseKind, "CASE_KIND_"),
    "CaseStatus": (pb.CaseStatus, "CASE_STATUS_"),
    "Outcome": (pb.Outcome, "OUTCOME_"),
    "SlaState": (pb.SlaState, "SLA_STATE_"),
    "HitVerdict": (pb.HitVerdict, "HIT_VERDICT_"),
    "Role": (pb.Role, "ROLE_"),
    "SarStatus": (pb.SarStatus, "SAR_STATUS_"),
    "SarPartyType": (pb.SarPartyType, "SAR_PARTY_TYPE_"),
}


def enum_key(value: int, enum: str) -> str:
    """'high' for Severity 3; '' for an unset (0) value. Used for CSS classes and forms."""
    kind, prefix = _ENUMS[enum]
    if not value:
        return ""
    name: str = kind.Name(value)  # type: ignore[attr-defined]  # each enum wrapper has Name
    return name.removeprefix(prefix).lower()


def enum_label(value: int, enum: str) -> str:
    """'pending approval' for CaseStatus 3 (what a person reads)."""
    key = enum_key(value, enum)
    return "MLRO" if key == "mlro" else key.replace("_", " ")


def when(value: Timestamp | None, with_time: bool = True) -> str:
    """A timestamp as 'YYYY-MM-DD HH:MM UTC' ('' when unset)."""
    if value is None or (not value.seconds and not value.nanos):
        return ""
    moment = value.ToDatetime(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


def iso_time(value: Timestamp | None) -> str:
    if value is None or (not value.seconds and not value.nanos):
        return ""
    return value.ToDatetime(tzinfo=UTC).isoformat()


def money(value: object) -> str:
    try:
        return f"{float(str(value)):,.2f}"
    except ValueError:
        return str(value)


def csrf_field(viewer: Any) -> Markup:
    """The hidden CSRF field every state-changing form carries."""
    token = escape(viewer.session.csrf_token)
    return Markup(f'<input type="hidden" name="csrf_token" value="{token}">')  # noqa: S704


def build_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(enum_key=enum_key, enum_label=enum_label, when=when, money=money)
    env.filters["iso_time"] = iso_time
    env.globals["now"] = lambda: datetime.now(UTC)
    env.globals["csrf"] = csrf_field
    return Jinja2Templates(env=env)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def go(request: Request, url: str) -> Response:
    """After a successful action: htmx follows HX-Redirect, a plain form a 303."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status_code)
