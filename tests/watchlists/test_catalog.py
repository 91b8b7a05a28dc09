from __future__ import annotations

from pathlib import Path

import pytest

from watchlists.catalog import (
    DEFAULT_CATALOG,
    catalog_from_entries,
    default_data_root,
    load_catalog,
)
from watchlists.errors import CatalogError


@pytest.mark.shared_data
def test_default_catalog_describes_the_shared_lists(lists_dir: Path) -> None:
    catalog = load_catalog(data_root=lists_dir)
    assert [s.id for s in catalog.active] == [
        "ofac_sdn",
        "ofac_cons",
        "un_sc",
        "eu_oj",
        "uk_ofsi",
        "us_bis_dpl",
    ]
    assert len(catalog.get("eu_oj").files["annexes"]) == 45
    assert all(p.is_file() for s in catalog.sources for p in s.all_files())


@pytest.mark.shared_data
def test_pep_sample_is_opt_in_only(lists_dir: Path) -> None:
    assert "pep_us_congress" not in [s.id for s in load_catalog(data_root=lists_dir).active]
    included = load_catalog(data_root=lists_dir, include=["pep_us_congress"])
    assert included.active[-1].id == "pep_us_congress"
    assert included.get("pep_us_congress").topics == ("role.pep",)


def test_data_root_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARDEN_LISTS_DIR", str(tmp_path))
    assert default_data_root() == tmp_path
    assert DEFAULT_CATALOG.is_file()


def _entries(tmp_path: Path, **overrides: object) -> list[object]:
    (tmp_path / "list.csv").write_text("id,schema,name\n1,person,A\n", encoding="utf-8")
    entry: dict[str, object] = {
        "id": "inhouse",
        "format": "custom_csv",
        "files": {"main": "list.csv"},
    }
    entry.update(overrides)
    return [entry]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"format": "pdf"}, "unknown format"),
        ({"files": {"main": "missing.csv"}}, "does not exist"),
        ({"files": {"other": "list.csv"}}, "missing \\['main'\\]"),
        ({"files": {"main": "*.xml"}}, "matches no file"),
        ({"colour": "red"}, "unknown keys"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"files": "list.csv"}, "must map roles"),
    ],
)
def test_catalog_mistakes_fail_before_parsing(
    tmp_path: Path, overrides: dict[str, object], problem: str
) -> None:
    with pytest.raises(CatalogError, match=problem):
        catalog_from_entries(tmp_path, _entries(tmp_path, **overrides))


def test_duplicate_and_unknown_included_ids(tmp_path: Path) -> None:
    entries = _entries(tmp_path)
    with pytest.raises(CatalogError, match="duplicate"):
        catalog_from_entries(tmp_path, entries * 2)
    with pytest.raises(CatalogError, match="unknown sources"):
        catalog_from_entries(tmp_path, entries, include=["nope"])


def test_yaml_with_its_own_data_root(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "list.csv").write_text("id,schema,name\n1,person,A\n", encoding="utf-8")
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "data_root: data\nsources:\n  - {id: x, format: custom_csv, files: {main: list.csv}}\n"
    )
    catalog = load_catalog(path)
    assert catalog.root == (tmp_path / "data").resolve()
    path.write_text("sources: nope\n")
    with pytest.raises(CatalogError, match="sources"):
        load_catalog(path)
