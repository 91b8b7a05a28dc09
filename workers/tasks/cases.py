"""Task shells for case management: decode, call the handler, nothing else."""

from __future__ import annotations

from celery import shared_task

from services.cases.handlers import intake
from services.cases.wiring import case_deps
from services.common.alerts import alert_from_dict
from services.common.runtime import ALERT_INTAKE_TASK
from workers import deps
from workers.base import WardenTask


@shared_task(base=WardenTask, name=ALERT_INTAKE_TASK)
def intake_alert(alert: dict[str, object]) -> None:
    """Record one alert (idempotent by its key: a redelivered message changes nothing)."""
    intake(alert_from_dict(alert), case_deps(deps.current()))
