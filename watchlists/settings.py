"""Settings of the watchlists area (environment prefix WARDEN_WATCHLISTS_)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ListsSettings(BaseSettings):
    """Where the lists come from, where their versions are kept, how often they reload."""

    model_config = SettingsConfigDict(
        env_prefix="WARDEN_WATCHLISTS_",
        env_file=os.environ.get("WARDEN_ENV_FILE"),
        extra="ignore",
        frozen=True,
    )

    catalog: Path | None = Field(
        None,
        description="Catalog YAML of the lists to load. Empty: the shipped "
        "watchlists/catalog.default.yaml (the public lists in ../shared/data/watchlists).",
    )
    data_root: Path | None = Field(
        None,
        description="Folder the catalog's relative file paths start from. Empty: "
        "$WARDEN_LISTS_DIR, else ../shared/data/watchlists beside the checkout.",
    )
    include: str = Field(
        "",
        description="Comma-separated opt-in catalog sources to load as well "
        "(e.g. pep_us_congress, a non-commercial sample: tests only).",
    )
    store_dir: Path | None = Field(
        None,
        description="Where list versions are kept (one file per version + a CURRENT pointer). "
        "Empty: <WARDEN_DATA_DIR>/watchlists.",
    )
    reload_every_s: float = Field(
        21600.0,
        ge=60,
        description="How often beat enqueues a reload of every list (queue screening). A "
        "reload whose files did not change is a no-op.",
    )

    @property
    def included(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.include.split(",") if s.strip())
