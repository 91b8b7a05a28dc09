from __future__ import annotations

from pathlib import Path

import pytest

from services.common.errors import InvalidArgument
from services.graph.core.detectors import run_detectors
from services.graph.core.formats import (
    AMLSIM_ORIGIN,
    BadRowPolicy,
    ParsedRow,
    RowError,
    amlsim_laundering_accounts,
    collect,
    parse_amlsim,
    parse_ibm_aml,
    parse_native,
    parse_timestamp,
)
from services.graph.core.frame import build_frame
from services.graph.core.model import DAY, Typology


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_ibm_file_parses_good_rows_and_reports_bad_ones_by_line(fixtures_dir: Path) -> None:
    good, bad = collect(
        parse_ibm_aml(lines(fixtures_dir / "graph" / "ibm_aml_small.csv")), BadRowPolicy.SKIP
    )
    assert len(good) == 13
    assert [e.line for e in bad] == [14, 15, 16, 17]
    assert "Doubloon" in bad[0].message
    assert "expected 11 fields" in bad[1].message
    first = good[0].transaction
    assert (first.source, first.target, first.currency) == ("010:8000EBD30", "010:8000EBD30", "USD")
    assert first.timestamp == parse_timestamp("2022-09-01T00:20:00Z")
    assert good[-1].transaction.currency == "XBT"
    assert [r.laundering for r in good].count(True) == 3


def test_ibm_ids_are_stable_across_imports_and_distinct_for_duplicate_rows(
    fixtures_dir: Path,
) -> None:
    path = fixtures_dir / "graph" / "ibm_aml_small.csv"
    once = [r.transaction.tx_id for r in parse_ibm_aml(lines(path)) if isinstance(r, ParsedRow)]
    again = [r.transaction.tx_id for r in parse_ibm_aml(lines(path)) if isinstance(r, ParsedRow)]
    assert once == again
    assert len(set(once)) == len(once)  # the exact duplicate row got its own id


def test_ibm_laundering_cycle_is_detected_after_parsing(fixtures_dir: Path) -> None:
    good, _ = collect(
        parse_ibm_aml(lines(fixtures_dir / "graph" / "ibm_aml_small.csv")), BadRowPolicy.SKIP
    )
    findings = run_detectors(build_frame(r.transaction for r in good)).findings
    cycles = [f for f in findings if f.typology is Typology.CYCLE]
    assert len(cycles) == 1
    assert cycles[0].anchor == "0110:8001A0D40"
    labelled = {r.transaction.tx_id for r in good if r.laundering}
    assert set(cycles[0].tx_ids) == labelled


def test_reject_policy_imports_nothing_and_names_the_lines(fixtures_dir: Path) -> None:
    with pytest.raises(InvalidArgument) as caught:
        collect(
            parse_ibm_aml(lines(fixtures_dir / "graph" / "ibm_aml_small.csv")), BadRowPolicy.REJECT
        )
    assert caught.value.reason == "BAD_ROWS"
    assert [v.field for v in caught.value.violations] == [
        "line 14",
        "line 15",
        "line 16",
        "line 17",
    ]


def test_a_file_that_is_not_ibm_is_refused_on_its_header() -> None:
    rows = list(parse_ibm_aml(["tx_id,source,target\n", "1,A,B\n"]))
    assert rows == [RowError(1, "not an IBM AMLworld header (11 columns starting with Timestamp)")]


def test_amlsim_files_parse_with_day_steps_labels_and_unknown_accounts(fixtures_dir: Path) -> None:
    folder = fixtures_dir / "graph" / "amlsim"
    rows = list(parse_amlsim(lines(folder / "transactions.csv"), lines(folder / "accounts.csv")))
    good, bad = collect(rows, BadRowPolicy.SKIP)
    assert len(good) == 10
    assert next((e.line, e.message) for e in bad) == (12, "account not listed in accounts.csv")
    assert bad[1].line == 13
    fan = [r for r in good if r.laundering]
    assert len(fan) == 6
    assert fan[0].transaction.tx_id == "amlsim-5"
    assert fan[0].transaction.timestamp == AMLSIM_ORIGIN + 3 * DAY
    assert amlsim_laundering_accounts(lines(folder / "accounts.csv")) == {
        str(i) for i in range(10, 17)
    }


def test_amlsim_fan_in_is_detected_after_parsing(fixtures_dir: Path) -> None:
    folder = fixtures_dir / "graph" / "amlsim"
    good, _ = collect(parse_amlsim(lines(folder / "transactions.csv")), BadRowPolicy.SKIP)
    findings = run_detectors(build_frame(r.transaction for r in good)).findings
    assert [f.anchor for f in findings if f.typology is Typology.FAN_IN] == ["10"]


def test_native_csv_accepts_iso_and_epoch_times_in_any_column_order() -> None:
    text = [
        "amount,currency,timestamp,source,target,tx_id\n",
        "10.5,EUR,2024-03-01T10:00:00Z,A,B,t1\n",
        "7,USD,1709290800,B,C,t2\n",
        "x,USD,1709290800,B,C,t3\n",
        "5,USD,2024-03-01T10:00:00+01:00,C,A,t4,extra\n",
    ]
    good, bad = collect(parse_native(text), BadRowPolicy.SKIP)
    assert [r.transaction.tx_id for r in good] == ["t1", "t2"]
    assert good[0].transaction.timestamp == 1709287200
    assert [e.line for e in bad] == [4, 5]


def test_native_csv_without_required_columns_is_refused() -> None:
    assert list(parse_native(["id,from,to\n"])) == [
        RowError(1, "header lacks column(s) amount, source, target, timestamp, tx_id")
    ]
