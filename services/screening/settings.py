"""Screening settings (env prefix WARDEN_SCREENING_), built once per process."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.screening.core.screen import DEFAULT_CUTOFF, DEFAULT_THRESHOLD


class ScreeningSettings(BaseSettings):
    """Defaults a request may override. The lists themselves are the watchlists area's
    (WARDEN_WATCHLISTS_*): screening follows the version it stores as current."""

    model_config = SettingsConfigDict(env_prefix="WARDEN_SCREENING_", extra="ignore", frozen=True)

    threshold: float = Field(
        DEFAULT_THRESHOLD,
        gt=0,
        le=2,
        description="Default score at or above which a result is a match.",
    )
    cutoff: float = Field(
        DEFAULT_CUTOFF,
        ge=0,
        le=2,
        description="Default score at or above which a result is returned.",
    )
    limit: int = Field(10, ge=1, le=500, description="Default maximum results per screened party.")
    candidates: int = Field(
        30, ge=1, le=1000, description="List names the candidate index hands to the scorer."
    )
    rescreen_partitions: int = Field(
        2,
        ge=1,
        le=256,
        description="Re-screening after a list update runs as this many tasks (queue "
        "screening), each over a stable hash partition of the monitored customers, so "
        "every worker process shares the work. Takes effect for the next list version.",
    )
