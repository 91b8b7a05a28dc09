"""Graph settings (env prefix WARDEN_GRAPH_), built once per process by the graph deps."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class GraphSettings(BaseSettings):
    """The transaction graph: ingestion, nightly sweeps, AnalyzeAccount."""

    model_config = SettingsConfigDict(env_prefix="WARDEN_GRAPH_", extra="ignore", frozen=True)

    lookback_days: int = Field(
        21,
        ge=1,
        le=400,
        description="A nightly sweep judges patterns that started in the last N days: at least "
        "the longest pattern (16 days with the default detectors), so patterns still growing "
        "yesterday are judged again on complete data.",
    )
    partitions: int = Field(
        4, ge=1, le=256, description="Hash partitions of a sweep (tasks on the graph queue)."
    )
    nightly_hour_utc: int = Field(
        2, ge=0, le=23, description="Hour (UTC) at which Celery beat starts the nightly sweep."
    )
    import_batch: int = Field(
        20_000, ge=100, le=1_000_000, description="Rows per database batch when importing."
    )
    analyze_max_edges: int = Field(
        5_000,
        ge=10,
        le=100_000,
        description="AnalyzeAccount stops expanding a neighbourhood beyond this many transfers.",
    )
    snapshot_dir: Path | None = Field(
        None,
        description="Where a sweep's coordinator writes the Parquet snapshot its partitions read "
        "(every graph worker must see it). Empty: <WARDEN_DATA_DIR>/graph-snapshots.",
    )
    sweep_poll_s: float = Field(
        1.0, gt=0, description="How often a sweep's coordinator checks its partitions."
    )
    sweep_redispatch_s: float = Field(
        600.0,
        gt=0,
        description="If no partition finishes for this long, the coordinator sends the "
        "unfinished ones again (a lost message; partitions are idempotent).",
    )
