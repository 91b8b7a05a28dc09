"""Dashboards: queue depth, SLA states, ageing, decisions per officer, false-positive rates."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from warden.cases.v1 import cases_pb2 as pb

from services.cases.core.roles import Action
from services.console.core import charts
from services.console.web.guard import page, state_of
from services.console.web.render import render
from services.console.web.state import ConsoleState, Viewer

SLA_SERIES = ("breached", "at_risk", "on_track")
AGE_ORDER = ("<1d", "1-3d", "3-7d", "7-30d", ">30d")
ACTIVITY_SERIES = ("proposed", "approved", "sent_back", "closed")


def dashboard_charts(board: pb.GetDashboardResponse) -> list[charts.Chart]:
    """Every chart of the dashboard page, from one GetDashboard reply."""
    depth = [(c.key, float(c.value), str(c.value)) for c in board.open_by_queue]
    sla = [(q.queue, {s.key: int(s.value) for s in q.states}) for q in board.sla_by_queue]
    ages = {c.key: int(c.value) for c in board.ageing}
    ageing = [(a, float(ages.get(a, 0)), str(ages.get(a, 0))) for a in AGE_ORDER]
    officers = [
        (o.officer_id, {s: int(getattr(o, s)) for s in ACTIVITY_SERIES}) for o in board.by_officer
    ]
    return [
        charts.bar_chart("Open cases per queue", depth),
        charts.stacked_chart("SLA of open cases per queue", sla, SLA_SERIES),
        charts.bar_chart("Open cases by age", ageing, css="bar-age"),
        charts.stacked_chart("Decisions per officer", officers, ACTIVITY_SERIES),
        charts.rate_chart(
            "False-positive rate per list",
            [(r.key, int(r.false_positives), int(r.decided)) for r in board.fp_by_list],
        ),
        charts.rate_chart(
            "False-positive rate per typology",
            [(r.key, int(r.false_positives), int(r.decided)) for r in board.fp_by_typology],
        ),
    ]


async def _figures(state: ConsoleState, officer_id: str) -> tuple[pb.GetDashboardResponse, float]:
    """The dashboard figures, shared by every officer for `dashboard_cache_s`.

    They are the same for everyone allowed to see them, and computing them reads every case:
    with thousands of cases one computation a few seconds apart is plenty.
    """
    cached = state.dashboard
    if cached is not None and time.time() - cached[1] < state.settings.dashboard_cache_s:
        return cached
    board = await state.call(state.cases().stub.GetDashboard, pb.GetDashboardRequest(), officer_id)
    state.dashboard = (board, time.time())
    return state.dashboard


@page(Action.DASHBOARD_READ)
async def dashboard_page(request: Request, viewer: Viewer) -> Response:
    board, at = await _figures(state_of(request), viewer.officer_id)
    as_of = datetime.fromtimestamp(at, UTC).strftime("%H:%M:%S UTC")
    context = {"viewer": viewer, "board": board, "charts": dashboard_charts(board), "as_of": as_of}
    return render(request, "dashboard.html", context)
