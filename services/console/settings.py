"""Console settings (prefix WARDEN_CONSOLE_), validated at start-up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.console.core.lockout import LockoutPolicy
from services.console.core.sessions import SessionPolicy

CookieSecurity = Literal["auto", "always", "never"]


class ConsoleSettings(BaseSettings):
    """The officers' web console: where it listens, which case service it calls, and how."""

    model_config = SettingsConfigDict(env_prefix="WARDEN_CONSOLE_", extra="ignore", frozen=True)

    host: str = Field("127.0.0.1", description="Interface the console's web server binds to.")
    port: int = Field(8080, ge=0, le=65535, description="Console HTTP(S) port (0: a free one).")
    cases_target: str = Field(
        "",
        description="host:port of the CaseService gRPC server. Empty: this process's own gRPC "
        "settings (WARDEN_GRPC__HOST:WARDEN_GRPC__PORT).",
    )
    api_key: SecretStr = Field(
        SecretStr(""),
        description="The console's API key (scopes cases.* and auth.delegate). Empty outside "
        "production: one is created on first start and kept in <data_dir>/console-api.key.",
    )
    session_idle_minutes: int = Field(
        30, ge=1, le=24 * 60, description="A session ends after this long without a request."
    )
    session_max_hours: int = Field(
        12, ge=1, le=7 * 24, description="A session ends this long after log-in, whatever happens."
    )
    lockout_threshold: int = Field(
        5, ge=1, le=100, description="Failed log-ins within the window that lock an officer out."
    )
    lockout_window_minutes: int = Field(
        15, ge=1, description="Window in which failed log-ins are counted."
    )
    lockout_minutes: int = Field(15, ge=1, description="How long a lock-out lasts.")
    cookie_secure: CookieSecurity = Field(
        "auto",
        description="Secure flag of the session cookie: auto (when the request came over "
        "HTTPS), always, or never (plain-HTTP development only).",
    )
    max_upload_mb: int = Field(
        25, ge=1, le=25, description="Largest evidence upload in MiB (case management's cap)."
    )
    tls_cert_file: Path | None = Field(None, description="Certificate (PEM) to serve HTTPS.")
    tls_key_file: Path | None = Field(None, description="Private key (PEM) of the certificate.")
    dashboard_cache_s: float = Field(
        30.0,
        ge=0,
        le=600,
        description="Dashboard figures are recomputed at most this often (they read every case).",
    )
    rpc_timeout_s: float = Field(
        15.0, gt=0, le=120, description="Deadline of each CaseService call."
    )

    @model_validator(mode="after")
    def _tls_pair(self) -> ConsoleSettings:
        if (self.tls_cert_file is None) != (self.tls_key_file is None):
            raise ValueError("tls_cert_file and tls_key_file must be set together")
        return self

    def lockout(self) -> LockoutPolicy:
        return LockoutPolicy(
            self.lockout_threshold,
            timedelta(minutes=self.lockout_window_minutes),
            timedelta(minutes=self.lockout_minutes),
        )

    def sessions(self) -> SessionPolicy:
        return SessionPolicy(
            idle=timedelta(minutes=self.session_idle_minutes),
            absolute=timedelta(hours=self.session_max_hours),
        )
