"""`warden cases ...` and `warden audit ...` as an operator runs them (temporary SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from services.cases import handlers
from services.cases.cli import audit, group
from services.cases.wiring import case_deps
from services.cli import _container, cli
from tests.services.cases.factory import screening_alert


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("WARDEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WARDEN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WARDEN_REDIS_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    return runner


def test_the_first_admin_and_officers_are_created_from_the_cli(runner: CliRunner) -> None:
    made = runner.invoke(
        group, ["create-officer", "--id", "root", "--name", "Root", "--role", "admin"]
    )
    assert made.exit_code == 0, made.output
    runner.invoke(
        group,
        [
            "create-officer",
            "--id",
            "ana",
            "--name",
            "Ana",
            "--role",
            "analyst",
            "--role",
            "reviewer",
        ],
    )
    listed = runner.invoke(group, ["officers"]).output
    assert "root" in listed
    assert "analyst, reviewer" in listed
    again = runner.invoke(
        group, ["create-officer", "--id", "root", "--name", "R", "--role", "admin"]
    )
    assert again.exit_code != 0


def test_the_queue_lists_open_cases(runner: CliRunner) -> None:
    deps = case_deps(_container())
    handlers.intake(screening_alert(), deps)
    output = runner.invoke(group, ["queue"]).output
    assert "1 open case(s)" in output
    assert "sanctions" in output


def test_audit_verify_passes_then_names_the_first_broken_link(
    runner: CliRunner, tmp_path: Path
) -> None:
    deps = case_deps(_container())
    case_id = handlers.intake(screening_alert(), deps).case_id
    handlers.intake(screening_alert(2), deps)
    head = runner.invoke(audit, ["head"]).output.strip()
    ok = runner.invoke(audit, ["verify", "--anchor", head])
    assert ok.exit_code == 0, ok.output
    assert "intact: 3 entries" in ok.output  # opened, attached, attached
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.begin() as conn:  # an attacker with file access drops the guard and edits
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    engine.dispose()
    broken = runner.invoke(audit, ["verify"])
    assert broken.exit_code == 1
    assert "BROKEN at entry #3" in broken.output
    assert "changed after it was written" in broken.output
    assert case_id


def test_a_malformed_anchor_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(audit, ["verify", "--anchor", "12:nothex"])
    assert result.exit_code == 2
    assert "SEQ:HASH" in result.output
