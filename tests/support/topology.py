"""Warden in production topology on loopback: separate server processes, workers per queue, beat,
a private Redis and a private PostgreSQL database.

The Redis here is our own `redis-server` on a free port (not the machine's shared one), so fault
tests may stop and restart it without disturbing anyone else.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import grpc
import redis

from services.common.auth import KeyStore
from services.common.db import Database
from tests.support.services import unavailable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A throwaway redis-server on a free port; stop() and start() simulate a Redis restart."""

    def __init__(self, workdir: Path) -> None:
        if shutil.which("redis-server") is None:
            unavailable("redis-server binary not installed")
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port, 10)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def restart(self) -> None:
        """Stop and start again: every queued and unacknowledged message is gone."""
        self.stop()
        self.start()

    def queued(self, queue: str) -> int:
        """Messages waiting in a Celery queue (kombu keeps each queue as a Redis list)."""
        client = redis.Redis(host="127.0.0.1", port=self.port)
        try:
            return int(client.llen(queue))
        finally:
            client.close()


def _wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


@dataclass
class Process:
    name: str
    argv: list[str]
    log_path: Path
    env: dict[str, str]
    port: int | None = None
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def signal(self, signum: int) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signum)

    def stop(self, timeout: float = 20) -> int | None:
        self.signal(signal.SIGTERM)
        if self.popen is None:
            return None
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            return self.popen.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Topology:
    """Separate processes for each server area, worker queue and beat, sharing one database."""

    workdir: Path
    database_url: str
    redis: PrivateRedis
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WARDEN_")}
        env.update(
            WARDEN_ENVIRONMENT="test",
            WARDEN_DATABASE_URL=self.database_url,
            WARDEN_REDIS_URL=self.redis.url,
            WARDEN_DATA_DIR=str(self.workdir / "var"),
            WARDEN_GRPC__DRAIN_DELAY_S="0.2",
            WARDEN_GRPC__SHUTDOWN_GRACE_S="2",
            WARDEN_LOG_JSON="true",
            WARDEN_CELERY__VISIBILITY_TIMEOUT_S="5",
            WARDEN_CELERY__RESTORE_INTERVAL_S="1",
        )
        env.update(self.extra_env)
        return env

    def _cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "services.cli", *args]

    def migrate(self) -> None:
        self.cli("db", "upgrade")

    def cli(self, *args: str) -> str:
        """Run one `warden ...` command with the topology's environment; returns its output."""
        done = subprocess.run(self._cli(*args), env=self.env(), capture_output=True, text=True)
        assert done.returncode == 0, f"warden {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def serve(self, *areas: str) -> Process:
        port = free_port()
        argv = self._cli("serve", *[a for area in areas for a in ("--service", area)])
        env = {**self.env(), "WARDEN_GRPC__PORT": str(port)}
        name = "serve-" + "-".join(areas or ("all",))
        process = Process(name, argv, self.workdir / f"{name}.log", env, port).start()
        self.processes.append(process)
        _wait_port(port, 60)
        return process

    def worker(self, queues: Sequence[str], *, pool: str = "solo", concurrency: int = 1) -> Process:
        name = f"worker-{'-'.join(queues)}-{len(self.processes)}"
        argv = self._cli(
            "worker", "-Q", ",".join(queues), "--pool", pool, "--concurrency", str(concurrency)
        )
        process = Process(name, argv, self.workdir / f"{name}.log", self.env()).start()
        self.processes.append(process)
        return process

    def beat(self) -> Process:
        process = Process("beat", self._cli("beat"), self.workdir / "beat.log", self.env()).start()
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.log()[-4000:]}" for p in self.processes)

    def close(self) -> None:
        for process in self.processes:  # all at once: each may take its grace period
            process.signal(signal.SIGTERM)
        for process in reversed(self.processes):
            process.stop()
        self.redis.stop()

    def __enter__(self) -> Topology:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def token_for(database_url: str) -> str:
    """A key with every scope, made directly in the shared database."""
    database = Database.from_url(database_url)
    try:
        return KeyStore(database).create_key("e2e client", ["*"]).token
    finally:
        database.dispose()


def channel(process: Process) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(f"127.0.0.1:{process.port}")
