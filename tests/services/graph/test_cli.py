"""`warden graph ...` as an operator uses it (in-process, against a temporary SQLite file)."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner

from services.graph.cli import graph


def test_import_twice_then_sweep_to_jsonl(
    sqlite_cli: CliRunner, fixtures_dir: Path, tmp_path: Path
) -> None:
    source = str(fixtures_dir / "graph" / "ibm_aml_small.csv")
    first = sqlite_cli.invoke(graph, ["import", source, "--format", "ibm-aml"])
    second = sqlite_cli.invoke(graph, ["import", source, "--format", "ibm-aml"])
    assert first.exit_code == 0, first.output
    assert "13 rows, 13 new, 0 already stored, 4 bad rows skipped" in first.output
    assert "bad row: line 14: currency: unknown currency 'Doubloon'" in first.output
    assert "13 rows, 0 new, 13 already stored" in second.output
    output = tmp_path / "rings.jsonl"
    swept = sqlite_cli.invoke(
        graph, ["sweep", "--since", "2022-08-01T00:00:00Z", "--output", str(output)]
    )
    assert swept.exit_code == 0, swept.output
    rings = [orjson.loads(line) for line in output.read_bytes().splitlines()]
    assert [r["typology"] for r in rings] == ["cycle"]
    assert rings[0]["alert_key"] == f"graph:ring:{rings[0]['fingerprint']}"
    assert "came back to it" in rings[0]["explanation"]
    listed = sqlite_cli.invoke(graph, ["rings"])
    assert rings[0]["fingerprint"] in listed.output


def test_reject_policy_fails_and_imports_nothing(sqlite_cli: CliRunner, fixtures_dir: Path) -> None:
    source = str(fixtures_dir / "graph" / "ibm_aml_small.csv")
    result = sqlite_cli.invoke(
        graph, ["import", source, "--format", "ibm-aml", "--on-bad-rows", "reject"]
    )
    assert result.exit_code != 0
    assert "4 bad row(s); nothing imported" in str(result.exception)
    swept = sqlite_cli.invoke(graph, ["sweep"])
    assert swept.exit_code != 0
    assert "no transactions stored yet" in str(swept.exception)


def test_sweep_through_the_celery_queues(sqlite_cli: CliRunner, fixtures_dir: Path) -> None:
    folder = fixtures_dir / "graph" / "amlsim"
    assert (
        sqlite_cli.invoke(
            graph, ["import", str(folder / "transactions.csv"), "--format", "amlsim"]
        ).exit_code
        == 0
    )
    assert sqlite_cli.invoke(graph, ["mark-bad", "16", "--reason", "sanctioned"]).exit_code == 0
    swept = sqlite_cli.invoke(
        graph, ["sweep", "--since", "2016-12-01T00:00:00Z", "--via-celery", "--partitions", "2"]
    )
    assert swept.exit_code == 0, swept.output
    assert "1 rings (1 new) in 2 partitions" in swept.output
    assert "fan_in" in sqlite_cli.invoke(graph, ["rings"]).output
