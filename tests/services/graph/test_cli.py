"""`warden graph ...` as an operator uses it (in-process, against a temporary SQLite file)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from services.cli import cli
from services.graph.cli import graph


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("WARDEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WARDEN_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("WARDEN_REDIS_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    return runner


def test_import_twice_then_sweep_to_jsonl(
    runner: CliRunner, fixtures_dir: Path, tmp_path: Path
) -> None:
    source = str(fixtures_dir / "graph" / "ibm_aml_small.csv")
    first = runner.invoke(graph, ["import", source, "--format", "ibm-aml"])
    second = runner.invoke(graph, ["import", source, "--format", "ibm-aml"])
    assert first.exit_code == 0, first.output
    assert "13 rows, 13 new, 0 already stored, 4 bad rows skipped" in first.output
    assert "bad row: line 14: currency: unknown currency 'Doubloon'" in first.output
    assert "13 rows, 0 new, 13 already stored" in second.output
    output = tmp_path / "rings.jsonl"
    swept = runner.invoke(
        graph, ["sweep", "--since", "2022-08-01T00:00:00Z", "--output", str(output)]
    )
    assert swept.exit_code == 0, swept.output
    rings = [orjson.loads(line) for line in output.read_bytes().splitlines()]
    assert [r["typology"] for r in rings] == ["cycle"]
    assert rings[0]["alert_key"] == f"graph:ring:{rings[0]['fingerprint']}"
    assert "came back to it" in rings[0]["explanation"]
    listed = runner.invoke(graph, ["rings"])
    assert rings[0]["fingerprint"] in listed.output


def test_reject_policy_fails_and_imports_nothing(runner: CliRunner, fixtures_dir: Path) -> None:
    source = str(fixtures_dir / "graph" / "ibm_aml_small.csv")
    result = runner.invoke(
        graph, ["import", source, "--format", "ibm-aml", "--on-bad-rows", "reject"]
    )
    assert result.exit_code != 0
    assert "4 bad row(s); nothing imported" in str(result.exception)
    swept = runner.invoke(graph, ["sweep"])
    assert swept.exit_code != 0
    assert "no transactions stored yet" in str(swept.exception)


def test_sweep_through_the_celery_queues(runner: CliRunner, fixtures_dir: Path) -> None:
    folder = fixtures_dir / "graph" / "amlsim"
    assert (
        runner.invoke(
            graph, ["import", str(folder / "transactions.csv"), "--format", "amlsim"]
        ).exit_code
        == 0
    )
    assert runner.invoke(graph, ["mark-bad", "16", "--reason", "sanctioned"]).exit_code == 0
    swept = runner.invoke(
        graph, ["sweep", "--since", "2016-12-01T00:00:00Z", "--via-celery", "--partitions", "2"]
    )
    assert swept.exit_code == 0, swept.output
    assert "1 rings (1 new) in 2 partitions" in swept.output
    assert "fan_in" in runner.invoke(graph, ["rings"]).output
