"""Real Redis and a real `warden worker -Q cases`: alerts from a producer become cases."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from services.cases.core.model import SubjectRef
from services.cases.wiring import case_deps
from services.common.alerts import SubjectKind
from services.common.crypto import generate_key_spec
from services.common.runtime import Container
from tests.conftest import make_settings
from tests.services.cases.factory import ring_alert, screening_alert
from tests.support.workers import WorkerProcess, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


def test_alerts_through_redis_become_one_case_per_subject(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    keys = generate_key_spec()  # the worker must decrypt what the producer side encrypts
    settings = make_settings(
        tmp_path,
        database_url=postgres_url,
        redis_url=redis_url,
        encryption_keys=keys,
        celery={"key_prefix": redis_prefix},
    )
    container = Container.build(settings)
    env = worker_env(
        database_url=postgres_url,
        redis_url=redis_url,
        key_prefix=redis_prefix,
        data_dir=tmp_path / "worker",
        WARDEN_ENCRYPTION_KEYS=keys,
    )
    subject = f"redis-{uuid.uuid4().hex[:8]}"
    alerts = [screening_alert(n, subject=subject) for n in range(3)]
    alerts.append(replace(ring_alert(), key=f"ring-{subject}", subject_id=subject))
    cases = case_deps(container).cases
    ref = SubjectRef(SubjectKind.CUSTOMER, subject)
    with WorkerProcess(env, tmp_path / "worker.log", queues="cases") as worker:
        for alert in [*alerts, alerts[0]]:  # one duplicate
            container.alerts.raise_alert(alert)
        wait_for(
            lambda: sum(len(c.alert_keys) for c in cases.subject_cases(ref)) == 3,
            60,
            message=f"alerts to be recorded; worker log:\n{worker.log()}",
        )
    screening = cases.subject_cases(ref)
    assert len(screening) == 1
    assert sorted(screening[0].alert_keys) == sorted(a.key for a in alerts[:3])
    assert cases.alerts(screening[0].id)[0].match == alerts[0].match
    container.close()
