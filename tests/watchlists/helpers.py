"""Tiny catalogs built in tests: custom-CSV lists written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

from watchlists.catalog import Catalog, catalog_from_entries

HEADER = "id,schema,name,nationalities,birth_dates\n"
# A catalog YAML with one custom_csv source, "inhouse", read from <catalog folder>/data.
ONE_SOURCE_CATALOG = (
    "data_root: data\nsources:\n  - {id: inhouse, format: custom_csv, files: {main: inhouse.csv}}\n"
)


def write_list(folder: Path, name: str, rows: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")


def small_catalog(folder: Path, **lists: list[str]) -> Catalog:
    """One custom_csv source per keyword: `small_catalog(tmp, inhouse=["1,person,A,RU,1970"])`."""
    entries: list[object] = []
    for source, rows in lists.items():
        write_list(folder, f"{source}.csv", rows)
        entries.append({"id": source, "format": "custom_csv", "files": {"main": f"{source}.csv"}})
    return catalog_from_entries(folder, entries)
