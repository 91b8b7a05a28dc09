"""Process-wide settings: one validated object, built once in the composition root, passed down.

Every setting is read from the environment with the `WARDEN_` prefix (nested ones with `__`,
e.g. `WARDEN_GRPC__PORT=50051`), or from a `.env` file named by `WARDEN_ENV_FILE`. Defaults are
the embedded mode: a SQLite file under ./var and an in-process Celery worker, so `warden demo`
runs on a laptop with no servers. Production sets `WARDEN_DATABASE_URL` (PostgreSQL) and
`WARDEN_REDIS_URL`. Areas define their own settings classes (prefix `WARDEN_<AREA>_`).

The README's settings table is generated from these field descriptions (`warden settings`).
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]


class GrpcSettings(BaseModel):
    """The gRPC listener."""

    host: str = Field("127.0.0.1", description="Interface the gRPC server binds to.")
    port: int = Field(50051, ge=0, le=65535, description="gRPC port (0 picks a free one).")
    max_message_mb: int = Field(
        32,
        ge=1,
        le=256,
        description="Largest request or response in MiB. ID images up to this size fit in one "
        "message; larger ones use chunked upload.",
    )
    max_workers: int = Field(
        16, ge=1, description="Threads for blocking handler work (CPU-bound core calls)."
    )
    shutdown_grace_s: float = Field(
        10.0,
        ge=0,
        description="On SIGTERM: health turns NOT_SERVING, then in-flight calls get this long.",
    )
    drain_delay_s: float = Field(
        1.0,
        ge=0,
        description="Pause between NOT_SERVING and refusing new calls, so load balancers notice.",
    )
    tls_cert_file: Path | None = Field(None, description="Server certificate (PEM) to enable TLS.")
    tls_key_file: Path | None = Field(None, description="Server private key (PEM).")
    tls_client_ca_file: Path | None = Field(
        None,
        description="CA bundle (PEM). When set, clients must present a certificate it signed "
        "(mTLS); the certificate's subject CN is matched to an mTLS identity key.",
    )

    @model_validator(mode="after")
    def _tls_pairs(self) -> GrpcSettings:
        if (self.tls_cert_file is None) != (self.tls_key_file is None):
            raise ValueError("tls_cert_file and tls_key_file must be set together")
        if self.tls_client_ca_file is not None and self.tls_cert_file is None:
            raise ValueError("mTLS (tls_client_ca_file) needs the server TLS cert and key")
        return self


class CelerySettings(BaseModel):
    """The task queue."""

    visibility_timeout_s: int = Field(
        7200,
        ge=1,
        description="Redis redelivers an unacknowledged task after this long. Must exceed the "
        "longest task (graph sweep partitions are bounded well under an hour).",
    )
    embedded_concurrency: int = Field(
        2, ge=1, description="Threads of the in-process worker used in embedded mode."
    )
    task_time_limit_s: int = Field(
        3300, ge=1, description="Hard time limit of any task (below the visibility timeout)."
    )
    restore_interval_s: int = Field(
        10,
        ge=1,
        description="How often workers sweep Redis for unacknowledged tasks older than the "
        "visibility timeout (left by a killed worker) and requeue them.",
    )
    key_prefix: str = Field(
        "",
        description="Prefix for every Redis key Celery uses, so several deployments (or test "
        "runs) can share one Redis without taking each other's tasks.",
    )


class OperationsSettings(BaseModel):
    """Recovery of long-running operations whose queue message was lost."""

    stale_after_s: int = Field(
        600,
        ge=1,
        description="An operation PENDING or RUNNING without progress for this long is sent to "
        "the queue again (its message was lost: Redis restarted, or enqueue failed).",
    )
    requeue_every_s: int = Field(60, ge=1, description="How often beat looks for such operations.")


class WardenSettings(BaseSettings):
    """Settings shared by every Warden process."""

    model_config = SettingsConfigDict(
        env_prefix="WARDEN_",
        env_nested_delimiter="__",
        env_file=os.environ.get("WARDEN_ENV_FILE"),
        extra="ignore",
        frozen=True,
    )

    environment: Environment = Field(
        "development",
        description="development | test | production. Production refuses "
        "embedded defaults (SQLite, no Redis, generated keys).",
    )
    data_dir: Path = Field(Path("var"), description="Where embedded state lives (SQLite, blobs).")
    database_url: str = Field(
        "", description="SQLAlchemy URL. Empty: sqlite:///<data_dir>/warden.db (embedded)."
    )
    redis_url: str = Field(
        "",
        description="Celery broker (redis://host:6379/0). Empty: embedded in-process worker with "
        "an in-memory broker — the demo mode.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Log level."
    )
    log_json: bool = Field(True, description="Structured JSON logs (one object per line).")
    metrics_port: int = Field(
        0, ge=0, le=65535, description="Port of the Prometheus /metrics endpoint; 0 disables it."
    )
    encryption_keys: SecretStr = Field(
        SecretStr(""),
        description="PII encryption key ring: 'kid:base64key,kid2:base64key' (32-byte AES keys); "
        "the first encrypts, all decrypt (rotation). Empty outside production: a key is generated "
        "into <data_dir>/dev-encryption.key.",
    )
    grpc: GrpcSettings = Field(default_factory=GrpcSettings)
    celery: CelerySettings = Field(default_factory=CelerySettings)
    operations: OperationsSettings = Field(default_factory=OperationsSettings)

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("encryption_keys")
    @classmethod
    def _key_ring_shape(cls, value: SecretStr) -> SecretStr:
        for entry in filter(None, value.get_secret_value().split(",")):
            kid, _, material = entry.partition(":")
            if not kid or not material:
                raise ValueError("encryption_keys entries are 'kid:base64key'")
            try:
                raw = base64.b64decode(material, validate=True)
            except binascii.Error as exc:
                raise ValueError(f"encryption key {kid!r} is not base64") from exc
            if len(raw) != 32:
                raise ValueError(f"encryption key {kid!r} must be 32 bytes (AES-256)")
        return value

    @model_validator(mode="after")
    def _production_needs_real_parts(self) -> WardenSettings:
        if self.environment != "production":
            return self
        missing = [
            name
            for name, value in (
                ("WARDEN_DATABASE_URL", self.database_url),
                ("WARDEN_REDIS_URL", self.redis_url),
                ("WARDEN_ENCRYPTION_KEYS", self.encryption_keys.get_secret_value()),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"production needs {', '.join(missing)}")
        return self

    @property
    def embedded(self) -> bool:
        """True when no Redis is configured: Celery runs in-process on an in-memory broker."""
        return not self.redis_url

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'warden.db').as_posix()}"
