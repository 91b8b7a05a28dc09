from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.watchlists.helpers import small_catalog
from watchlists import store as store_module
from watchlists.codec import decode_party, encode_party
from watchlists.errors import ListFileError
from watchlists.model import (
    Address,
    Gender,
    Identifier,
    IdentifierKind,
    Name,
    NameQuality,
    PartialDate,
    Party,
    Schema,
)
from watchlists.snapshot import Snapshot, build_snapshot
from watchlists.store import SnapshotStore


def _snapshot(tmp_path: Path, rows: list[str], minutes: int = 0) -> Snapshot:
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    return build_snapshot(small_catalog(tmp_path, inhouse=rows), clock=lambda: when)


def test_codec_round_trip_keeps_every_field() -> None:
    party = Party(
        id="x:1", schema=Schema.PERSON,
        names=(
            Name("PETROV, Ivan", given="Ivan", family="PETROV", script="Latn"),
            Name("Иван", NameQuality.WEAK_ALIAS, script="Cyrl", language="ru"),
        ),
        source="x", source_id="1", gender=Gender.MALE,
        birth_dates=(PartialDate(1970, 3, 5), PartialDate(1958, year_to=1962, circa=True)),
        birth_places=("Omsk",), nationalities=("RU",), countries=("CY",),
        identifiers=(Identifier(IdentifierKind.PASSPORT, "AB 12", "RU", "note"),),
        addresses=(Address("1 Main St, Omsk", "1 Main St", "Omsk", None, "644000", "RU"),),
        programmes=("P",), topics=("sanction",), listed_on=datetime(2020, 1, 2).date(),
        remarks="r", url="https://example.org", extra=(("k", "v"),),
    )  # fmt: skip
    assert decode_party(encode_party(party)) == party


def test_save_list_load_and_switch_current(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "store")
    assert (store.versions(), store.current_version(), store.load_current()) == ([], None, None)
    first = _snapshot(tmp_path / "a", ["1,person,Ivan PETROV,RU,1970"])
    second = _snapshot(
        tmp_path / "b", ["1,person,Ivan PETROV,RU,1970", "2,person,Olga,,"], minutes=5
    )
    store.save(first)
    info = store.save(second)
    assert info.party_count == 2
    assert [v.version for v in store.versions()] == [second.version, first.version]
    assert store.current_version() == second.version
    loaded = store.load(first.version)
    assert (loaded.version, loaded.parties, loaded.sources, loaded.created_at) == (
        first.version,
        first.parties,
        first.sources,
        first.created_at,
    )
    store.set_current(first.version)  # rollback
    current = store.load_current()
    assert current is not None
    assert current.version == first.version


def test_saving_the_same_version_twice_is_a_no_op(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "store")
    snapshot = _snapshot(tmp_path / "a", ["1,person,A,,"])
    store.save(snapshot)
    payload = store.versions_dir / f"{snapshot.version}.msgpack"
    stamp = payload.stat().st_mtime_ns
    store.save(snapshot, make_current=False)
    assert payload.stat().st_mtime_ns == stamp
    assert not list(store.versions_dir.glob("*.tmp"))


def test_corruption_and_bad_ids_fail_loudly(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "store")
    snapshot = _snapshot(tmp_path / "a", ["1,person,A,,"])
    store.save(snapshot)
    payload = store.versions_dir / f"{snapshot.version}.msgpack"
    payload.write_bytes(payload.read_bytes()[:-3])
    with pytest.raises(ListFileError, match="checksum mismatch"):
        store.load(snapshot.version)
    with pytest.raises(ListFileError, match="not a valid version id"):
        store.load("../../etc/passwd")
    with pytest.raises(ListFileError, match="no such stored version"):
        store.set_current("0123456789abcdef")


def test_a_crash_mid_save_leaves_the_current_version_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SnapshotStore(tmp_path / "store")
    live = _snapshot(tmp_path / "a", ["1,person,A,,"])
    store.save(live)
    real_replace = os.replace

    def crash_on_payload(source: str, target: str) -> None:
        if str(target).endswith(".msgpack"):
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_on_payload)
    with pytest.raises(OSError, match="disk full"):
        store.save(_snapshot(tmp_path / "b", ["1,person,A,,", "2,person,B,,"]))
    monkeypatch.setattr(os, "replace", real_replace)
    assert store.current_version() == live.version
    assert [v.version for v in store.versions()] == [live.version]
    assert not list(store.versions_dir.glob("*.tmp"))
    reloaded = store.load_current()
    assert reloaded is not None
    assert reloaded.parties == live.parties


def test_stored_content_hashes_are_reused_only_while_hashing_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SnapshotStore(tmp_path / "store")
    snapshot = _snapshot(tmp_path / "a", ["1,person,A,,", "2,person,B,RU,1970"])
    store.save(snapshot)
    loaded = store.load(snapshot.version)
    assert loaded.known_hashes == tuple(p.content_hash() for p in loaded.parties)
    assert loaded.content_hashes == snapshot.content_hashes
    # Pretend the model's hashing changed since the file was written: the hashes are recomputed.
    monkeypatch.setattr(store_module, "_PROBE", Party("probe:2", Schema.PERSON, (Name("OTHER"),)))
    assert store.load(snapshot.version).known_hashes is None
