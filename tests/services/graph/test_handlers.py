"""Ingest and import use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from services.common.alerts import InMemoryAlertSink
from services.common.db import Database
from services.common.errors import InvalidArgument
from services.graph.adapters.store import SqlGraphStore
from services.graph.core.formats import BadRowPolicy, Layout
from services.graph.core.model import Transaction
from services.graph.handlers import GraphDeps, ImportCommand, import_file, ingest_transactions
from services.graph.settings import GraphSettings
from tests.services.graph.core.graphs import T0, tx


def deps_for(database: Database) -> GraphDeps:
    return GraphDeps(GraphSettings(import_batch=100), SqlGraphStore(database), InMemoryAlertSink())


def test_importing_an_ibm_file_twice_adds_nothing_the_second_time(
    database: Database, fixtures_dir: Path
) -> None:
    deps = deps_for(database)
    command = ImportCommand(fixtures_dir / "graph" / "ibm_aml_small.csv", Layout.IBM_AML)
    first = import_file(command, deps)
    second = import_file(command, deps)
    assert (first.rows, first.inserted, first.duplicates, first.labelled_laundering) == (
        13,
        13,
        0,
        3,
    )
    assert [e.line for e in first.bad_rows] == [14, 15, 16, 17]
    assert (second.rows, second.inserted, second.duplicates) == (13, 0, 13)
    frame = deps.store.load_frame(0, 2**40)
    assert len(frame) == 13
    assert frame.amount.max() == pytest.approx(36_682.97)
    assert 9_200 * 1.09 in [pytest.approx(a) for a in frame.amount.tolist()]  # euros normalised


def test_reject_policy_imports_nothing(database: Database, fixtures_dir: Path) -> None:
    deps = deps_for(database)
    command = ImportCommand(
        fixtures_dir / "graph" / "ibm_aml_small.csv", Layout.IBM_AML, BadRowPolicy.REJECT
    )
    with pytest.raises(InvalidArgument) as caught:
        import_file(command, deps)
    assert len(caught.value.violations) == 4
    assert deps.store.time_range() is None


def test_amlsim_import_reads_accounts_beside_the_transactions(
    database: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    deps = deps_for(database)
    report = import_file(
        ImportCommand(fixtures_dir / "graph" / "amlsim" / "transactions.csv", Layout.AMLSIM), deps
    )
    assert (report.rows, len(report.bad_rows), report.labelled_laundering) == (10, 2, 6)
    alone = tmp_path / "transactions.csv"  # without accounts.csv the unknown account is accepted
    shutil.copy(fixtures_dir / "graph" / "amlsim" / "transactions.csv", alone)
    again = import_file(ImportCommand(alone, Layout.AMLSIM), deps)
    assert (again.rows, again.inserted, len(again.bad_rows)) == (11, 1, 1)


def test_native_csv_and_parquet_import_the_same_rows(database: Database, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    deps = deps_for(database)
    csv_file = tmp_path / "tx.csv"
    csv_file.write_text(
        "tx_id,source,target,timestamp,amount,currency\nn1,A,B,2024-01-01T00:00:00Z,10,EUR\n"
    )
    parquet_file = tmp_path / "tx.parquet"
    pq.write_table(
        pa.table(
            {
                "tx_id": ["n1", "n2"],
                "source": ["A", "B"],
                "target": ["B", "C"],
                "timestamp": [T0, T0 + 60],
                "amount": [10.0, 5.0],
                "currency": ["EUR", "USD"],
            }
        ),
        parquet_file,
    )
    assert import_file(ImportCommand(csv_file, Layout.NATIVE), deps).inserted == 1
    report = import_file(ImportCommand(parquet_file, Layout.NATIVE), deps)
    assert (report.rows, report.inserted, report.duplicates) == (2, 1, 1)


def test_a_missing_file_is_an_invalid_argument(database: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument):
        import_file(ImportCommand(tmp_path / "nope.csv", Layout.NATIVE), deps_for(database))


def test_streamed_ingest_counts_across_batches(database: Database) -> None:
    deps = deps_for(database)
    bad = Transaction("bad", "A", "B", T0, 0.0)
    result = ingest_transactions([[tx("a", "A", "B", 1, 5)], [bad, tx("a", "A", "B", 1, 5)]], deps)
    assert (result.received, result.inserted, result.duplicates, result.rejected_count) == (
        3,
        1,
        1,
        1,
    )
    assert result.rejected[0].index == 1
