from __future__ import annotations

from pathlib import Path

from services.common.settings import WardenSettings
from services.registry import QUEUES
from tests.conftest import make_settings
from workers.app import create_celery_app, route_for
from workers.base import TRANSIENT_ERRORS, WardenTask
from workers.schedule import beat_schedule


def test_reliability_settings(tmp_path: Path) -> None:
    app = create_celery_app(make_settings(tmp_path, redis_url="redis://127.0.0.1:6379/0"))
    conf = app.conf
    assert conf.task_acks_late
    assert conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert {q.name for q in conf.task_queues} == set(QUEUES)
    assert conf.result_backend is None


def test_routing_by_task_name() -> None:
    assert route_for("identity.verify") == "identity"
    assert route_for("graph.sweep_partition") == "graph"
    assert route_for("cases.intake_alert") == "cases"
    assert route_for("operations.requeue_stale") == "default"


def test_every_registered_task_uses_the_base_task(tmp_path: Path) -> None:
    app = create_celery_app(make_settings(tmp_path))
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "diagnostics.run_probe" in ours
    assert all(isinstance(task, WardenTask) for task in ours.values()), sorted(ours)
    assert all(getattr(task, "autoretry_for", None) == TRANSIENT_ERRORS for task in ours.values())


def test_beat_schedule_names_real_tasks(tmp_path: Path) -> None:
    app = create_celery_app(make_settings(tmp_path))
    schedule = beat_schedule(WardenSettings())
    assert schedule, "at least the stale-operation sweeper runs"
    assert all(entry["task"] in app.tasks for entry in schedule.values())
