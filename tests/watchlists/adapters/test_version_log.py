from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.common.db import Database
from watchlists.adapters.version_log import SqlVersionLog
from watchlists.ports import InMemoryVersionLog, VersionLog
from watchlists.snapshot import FileInfo, SourceInfo
from watchlists.store import VersionInfo

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _info(version: str) -> VersionInfo:
    source = SourceInfo(
        "un_sc", "UN", "un_xml", (FileInfo("/x/un.xml", "ab" * 32, 10),), date(2026, 2, 27), 1003
    )
    return VersionInfo(version, T0, (source,), 1003, "cd" * 32)


def _exercise(log: VersionLog) -> None:
    log.record_activation(_info("aaaa"), T0)
    log.record_activation(_info("bbbb"), T0 + timedelta(hours=1))
    log.record_activation(_info("aaaa"), T0 + timedelta(hours=2))  # rollback to aaaa
    history = log.history()
    assert [r.version for r in history] == ["aaaa", "bbbb"]
    first = history[0]
    assert (first.first_activated_at, first.last_activated_at) == (T0, T0 + timedelta(hours=2))
    assert first.party_count == 1003
    (source,) = first.sources
    assert (source.id, source.party_count, source.as_of, source.sha256) == (
        "un_sc",
        1003,
        "2026-02-27",
        ("ab" * 32,),
    )
    assert [r.version for r in log.history(limit=1)] == ["aaaa"]


def test_sql_version_log(database: Database) -> None:
    _exercise(SqlVersionLog(database))


def test_in_memory_version_log_behaves_the_same() -> None:
    _exercise(InMemoryVersionLog())
