from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.watchlists.helpers import small_catalog
from watchlists.catalog import catalog_from_entries, load_catalog
from watchlists.errors import CatalogError, ListFileError
from watchlists.model import Name, Party, Schema
from watchlists.snapshot import Snapshot, build_snapshot, delta_to_json, diff

FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _build(tmp_path: Path, **lists: list[str]) -> Snapshot:
    return build_snapshot(small_catalog(tmp_path, **lists), clock=lambda: FIXED)


def test_snapshot_from_catalog(tmp_path: Path) -> None:
    snapshot = _build(
        tmp_path,
        inhouse=["1,person,Ivan PETROV,RU,1970", "2,organization,Acme LLC,,"],
        pep=["9,person,Ana ROSA,ES,"],
    )
    assert [p.id for p in snapshot.parties] == ["inhouse:1", "inhouse:2", "pep:9"]
    assert snapshot.get("pep:9") is snapshot.parties[2]
    assert snapshot.get("pep:10") is None
    assert snapshot.created_at == FIXED
    (inhouse, pep) = snapshot.sources
    assert (inhouse.id, inhouse.party_count, pep.party_count) == ("inhouse", 2, 1)
    assert (
        inhouse.files[0].sha256
        == __import__("hashlib").sha256((tmp_path / "inhouse.csv").read_bytes()).hexdigest()
    )


def test_version_follows_content_not_time(tmp_path: Path) -> None:
    first = _build(tmp_path, inhouse=["1,person,Ivan PETROV,RU,1970"])
    again = build_snapshot(small_catalog(tmp_path, inhouse=["1,person,Ivan PETROV,RU,1970"]))
    changed = _build(tmp_path, inhouse=["1,person,Ivan PETROV,RU,1971"])
    assert first.version == again.version
    assert first.version != changed.version
    assert len(first.version) == 16


def test_duplicate_party_ids_are_rejected() -> None:
    party = Party("x:1", Schema.PERSON, (Name("A"),))
    with pytest.raises(CatalogError, match="twice"):
        Snapshot("v", FIXED, (), (party, party))


def test_bad_file_fails_the_whole_build(tmp_path: Path) -> None:
    catalog = small_catalog(tmp_path, good=["1,person,A,,"], bad=["1,person,B,Atlantis,"])
    with pytest.raises(ListFileError, match=r"bad\.csv:2"):
        build_snapshot(catalog)


def test_delta_added_changed_removed(tmp_path: Path) -> None:
    old = _build(
        tmp_path / "a",
        inhouse=["1,person,Ivan PETROV,RU,1970", "2,person,Olga IVANOVA,RU,", "3,person,Gone,,"],
    )
    new = _build(
        tmp_path / "b",
        inhouse=["1,person,Ivan PETROV,RU,1970", "2,person,Olga IVANOVA,BY,", "4,person,New,,"],
    )
    delta = diff(old, new)
    assert [p.id for p in delta.added] == ["inhouse:4"]
    assert [(o.nationalities, n.nationalities) for o, n in delta.changed] == [(("RU",), ("BY",))]
    assert [p.id for p in delta.removed] == ["inhouse:3"]
    assert delta.summary() == "+1 ~1 -1"
    assert diff(new, new).is_empty
    first = diff(None, old)
    assert (len(first.added), first.old_version) == (3, None)
    assert delta_to_json(delta).startswith(b'{"old_version":"')


@pytest.mark.slow
@pytest.mark.shared_data
def test_delta_between_ofac_2021_and_2024(lists_dir: Path) -> None:
    folder = "ofac_sdn/2021-07-07"
    full_2021 = {
        "primary": f"{folder}/sdn.csv",
        "alt": f"{folder}/alt.csv",
        "addresses": f"{folder}/add.csv",
        "comments": f"{folder}/sdn_comments.csv",
    }
    old = build_snapshot(
        catalog_from_entries(
            lists_dir, [{"id": "ofac_sdn", "format": "ofac_csv", "files": full_2021}]
        )
    )
    new = build_snapshot(
        catalog_from_entries(
            lists_dir,
            [
                {
                    "id": "ofac_sdn",
                    "format": "ofac_csv",
                    "files": {"primary": "ofac_sdn/2024-05-03/sdn.csv"},
                }
            ],
        )
    )
    delta = diff(old, new)
    assert (len(delta.added), len(delta.changed), len(delta.removed)) == (6870, 6871, 881)
    assert len(old) - len(delta.changed) - len(delta.removed) == 1224  # unchanged
    prigozhin = next(n for o, n in delta.changed if n.id == "ofac_sdn:21171")
    assert "RUSSIA-EO14024" in prigozhin.programmes
    backwards = diff(new, old)
    assert (len(backwards.added), len(backwards.removed)) == (881, 6870)


@pytest.mark.slow
@pytest.mark.shared_data
def test_all_default_lists_build_into_one_snapshot(lists_dir: Path) -> None:
    snapshot = build_snapshot(load_catalog(data_root=lists_dir))
    counts = {s.id: s.party_count for s in snapshot.sources}
    assert counts == {
        "ofac_sdn": 14965,
        "ofac_cons": 442,
        "un_sc": 1003,
        "eu_oj": 7930,
        "uk_ofsi": 4686,
        "us_bis_dpl": 547,
    }
    as_of = {s.id: s.as_of for s in snapshot.sources}
    assert as_of["un_sc"] == date(2026, 2, 27)
    assert as_of["uk_ofsi"] == date(2025, 4, 10)
    assert len(snapshot) == sum(counts.values())
