from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from services.common.migrate import upgrade
from tests.watchlists.helpers import ONE_SOURCE_CATALOG, write_list
from watchlists.cli import lists


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(ONE_SOURCE_CATALOG)
    monkeypatch.setenv("WARDEN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("WARDEN_DATABASE_URL", url)
    monkeypatch.setenv("WARDEN_WATCHLISTS_CATALOG", str(catalog))
    monkeypatch.delenv("WARDEN_REDIS_URL", raising=False)
    return CliRunner()


def test_load_status_diff(runner: CliRunner, tmp_path: Path) -> None:
    write_list(
        tmp_path / "data",
        "inhouse.csv",
        ["1,person,Ivan PETROV,RU,1970", "2,person,Olga IVANOVA,,"],
    )
    first = runner.invoke(lists, ["load"])
    assert first.exit_code == 0, first.output
    assert "inhouse" in first.output
    assert "2 parties (current)" in first.output
    old_version = first.output.split("version ")[1].split(":")[0]
    write_list(
        tmp_path / "data", "inhouse.csv", ["1,person,Ivan PETROV,BY,1970", "3,person,Nina,,"]
    )
    second = runner.invoke(lists, ["load"])
    assert "+1 ~1 -1" in second.output
    status = runner.invoke(lists, ["status"])
    assert status.exit_code == 0, status.output
    assert "current version" in status.output
    assert old_version in status.output
    assert "activations (database)" in status.output
    diff = runner.invoke(lists, ["diff", old_version])
    assert diff.exit_code == 0, diff.output
    assert "inhouse:3" in diff.output
    assert "inhouse:2" in diff.output
    assert "Olga IVANOVA" in diff.output


def test_bad_file_exits_with_an_error_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    write_list(tmp_path / "data", "inhouse.csv", ["1,person,A,Atlantis,"])
    result = runner.invoke(lists, ["load"])
    assert result.exit_code != 0
    assert "inhouse.csv:2" in str(result.exception)
    assert "no version is current" in runner.invoke(lists, ["status"]).output
