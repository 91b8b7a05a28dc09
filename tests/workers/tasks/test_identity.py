"""A verification survives a SIGKILLed worker: real Redis, real worker processes, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from warden.identity.v1 import identity_pb2

from bench.identity.sequences import session_frames
from services.common.crypto import generate_key_spec
from services.common.operations import OperationState
from services.common.runtime import Container
from services.identity.core.face_model import default_face_model
from services.identity.core.images import decode_image, encode_jpeg
from services.identity.handlers import (
    CheckCommand,
    CheckKind,
    FrameRef,
    ImageRef,
    start_liveness,
    submit_check,
)
from services.identity.wiring import identity_deps
from tests.conftest import make_settings
from tests.support.workers import WorkerProcess, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

VISIBILITY_S = 3  # short, so the killed worker's task comes back within seconds
OWNER = "bank-1"


@pytest.fixture
def broker(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[tuple[Container, dict[str, str]]]:
    keys = generate_key_spec("it")  # server and workers must share the key ring
    celery = {
        "key_prefix": redis_prefix,
        "visibility_timeout_s": VISIBILITY_S,
        "restore_interval_s": 1,
    }
    settings = make_settings(
        tmp_path,
        database_url=postgres_url,
        redis_url=redis_url,
        celery=celery,
        encryption_keys=keys,
    )
    container = Container.build(settings)
    env = worker_env(
        database_url=postgres_url,
        redis_url=redis_url,
        key_prefix=redis_prefix,
        data_dir=tmp_path / "worker",
        WARDEN_ENCRYPTION_KEYS=keys,
        WARDEN_CELERY__VISIBILITY_TIMEOUT_S=str(VISIBILITY_S),
        WARDEN_CELERY__RESTORE_INTERVAL_S="1",
    )
    yield container, env
    container.close()


def _long_liveness(container: Container, faces: Path) -> CheckCommand:
    """A genuine session padded with frontal frames: several seconds of worker time."""
    challenge = start_liveness("applicant-9", OWNER, identity_deps(container))
    frontal, turned = (
        decode_image((faces / name).read_bytes()).pixels
        for name in ("obama-480p.jpg", "obama1.jpg")
    )
    frames = session_frames(challenge.actions, frontal, turned, default_face_model())
    padding = [frames[0].pixels] * 30
    pixels = [f.pixels for f in frames] + padding
    return CheckCommand(
        kind=CheckKind.LIVENESS,
        request_id="killed-worker",
        challenge_id=challenge.challenge_id,
        nonce=challenge.nonce,
        frames=tuple(FrameRef(i * 150, ImageRef(encode_jpeg(p))) for i, p in enumerate(pixels)),
    )


def test_liveness_survives_a_killed_worker(
    broker: tuple[Container, dict[str, str]], tmp_path: Path, fixtures_dir: Path
) -> None:
    container, env = broker
    command = _long_liveness(container, fixtures_dir / "identity" / "faces")
    operation = submit_check(command, OWNER, identity_deps(container))

    def state() -> OperationState:
        return container.operations.get(operation.id).state

    first = WorkerProcess(env, tmp_path / "first.log", queues="identity").start()
    try:
        wait_for(
            lambda: state() is OperationState.RUNNING,
            90,
            message=f"the first worker to start; log:\n{first.log()}",
        )
    finally:
        first.kill()  # SIGKILL mid-verification: no ack, no cleanup
    assert container.operations.get(operation.id).attempts == 1
    with WorkerProcess(env, tmp_path / "second.log", queues="identity") as second:
        wait_for(lambda: state().terminal, 180, message=f"redelivery; log:\n{second.log()}")
    done = container.operations.get(operation.id)
    assert done.state is OperationState.SUCCEEDED, done.failure
    assert done.attempts == 2
    result = identity_pb2.IdentityResult.FromString(done.result or b"")
    # The redelivered task recognised its own challenge redemption: not a replay.
    assert result.decision == identity_pb2.DECISION_APPROVED, result
    record = identity_deps(container).results.get(operation.id)
    assert record is not None
    assert record.decision.value == "approved"
