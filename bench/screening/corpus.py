"""The screening benchmark's corpus: every shared list through the real `watchlists` parsers."""

from __future__ import annotations

from pathlib import Path

from watchlists.catalog import load_catalog
from watchlists.model import Party
from watchlists.snapshot import build_snapshot


def load_lists(data: Path) -> list[Party]:
    """Every list of the shipped catalog plus the opt-in PEP sample (bench use only)."""
    catalog = load_catalog(None, data_root=data / "watchlists", include=("pep_us_congress",))
    return list(build_snapshot(catalog).parties)
