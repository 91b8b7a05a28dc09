"""A real `warden worker` process for integration tests (Redis broker, shared database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType


def worker_env(
    *, database_url: str, redis_url: str, key_prefix: str, data_dir: Path, **extra: str
) -> dict[str, str]:
    """Environment for a worker process that shares the test's database and Redis prefix."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARDEN_")}
    env.update(
        WARDEN_ENVIRONMENT="test",
        WARDEN_DATABASE_URL=database_url,
        WARDEN_REDIS_URL=redis_url,
        WARDEN_CELERY__KEY_PREFIX=key_prefix,
        WARDEN_DATA_DIR=str(data_dir),
        WARDEN_LOG_JSON="true",
        WARDEN_LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


class WorkerProcess:
    """`warden worker` as a child process; its output goes to a log file for post-mortems."""

    def __init__(
        self,
        env: Mapping[str, str],
        log_path: Path,
        *,
        queues: str = "default",
        pool: str = "solo",
        concurrency: int = 1,
    ) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.argv = [
            sys.executable,
            "-m",
            "services.cli",
            "worker",
            "-Q",
            queues,
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group: no chance to ack, requeue or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self, timeout: float = 20.0) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def wait_for(predicate: object, timeout: float, interval: float = 0.1, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message or predicate}")
