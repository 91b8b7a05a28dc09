"""`warden serve` as a real process: starts, answers, completes work, shuts down on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc
from warden.common.v1 import operation_pb2
from warden.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.common.auth import KeyStore
from services.common.db import Database
from services.common.errors import FailedPrecondition
from services.common.migrate import upgrade
from services.common.runtime import Container
from services.serve import ensure_schema
from tests.conftest import POSTGRES_ADMIN_URL, make_settings
from tests.support.grpc import auth


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARDEN_")}
    env.update(
        WARDEN_DATA_DIR=str(tmp_path),
        WARDEN_DATABASE_URL=database_url,
        WARDEN_GRPC__PORT="0",
        WARDEN_GRPC__DRAIN_DELAY_S="0.2",
        WARDEN_LOG_JSON="true",
    )
    return env


def _start_serve(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


async def _wait_for_port(process: subprocess.Popen[str]) -> int:
    assert process.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), timeout=60)
    match = re.search(r"on 127\.0\.0\.1:(\d+)", line)
    assert match, f"unexpected first line: {line!r}"
    return int(match.group(1))


@pytest.mark.slow
async def test_serve_process_answers_works_and_stops_gracefully(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    database = Database.from_url(url)
    token = KeyStore(database).create_key("t", ["*"]).token
    database.dispose()
    process = _start_serve(_env(tmp_path, url))
    try:
        port = await _wait_for_port(process)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
            probe = await diagnostics_pb2_grpc.DiagnosticsServiceStub(channel).RunProbe(
                diagnostics_pb2.RunProbeRequest(request_id=uuid.uuid4().hex, payload=b"x"),
                metadata=auth(token),
            )
            watch = operations_pb2_grpc.OperationsServiceStub(channel).WatchOperation(
                operations_pb2.WatchOperationRequest(id=probe.operation.id, timeout_seconds=30),
                metadata=auth(token),
            )
            states = [update.operation.state async for update in watch]
        assert states[-1] == operation_pb2.OPERATION_STATE_SUCCEEDED
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.postgres
def test_server_refuses_a_postgres_schema_that_is_behind(tmp_path: Path, postgres_url: str) -> None:
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"warden_stale_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
    container = Container.build(make_settings(tmp_path, database_url=url))
    try:
        with pytest.raises(FailedPrecondition, match="warden db upgrade"):
            ensure_schema(container)
        upgrade(url)
        ensure_schema(container)  # now current: no error
    finally:
        container.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
