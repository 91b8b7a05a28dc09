"""`warden screening ...` as an operator uses it (in-process, against a temporary SQLite file)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from services.cli import cli
from services.common.db import Database
from services.common.operations import OperationFailure, SqlOperationStore
from services.screening.rescreen import RESCREEN_KIND, RESCREEN_OWNER


def _fail_partition(tmp_path: Path, index: int) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path / 'cli.db'}")
    store = SqlOperationStore(database)
    ops = store.with_request_prefix(RESCREEN_OWNER, RESCREEN_KIND, "rescreen:v1:v2:", 10)
    (op,) = [o for o in ops if o.task_kwargs["partition"] == index]
    store.start_attempt(op.id)
    store.fail(op.id, OperationFailure("INTERNAL", "internal error"))
    database.dispose()


def test_submit_twice_see_a_failed_partition_and_retry_it(
    sqlite_cli: CliRunner, tmp_path: Path
) -> None:
    assert (
        "no re-screening found" in sqlite_cli.invoke(cli, ["screening", "rescreen-status"]).output
    )
    first = sqlite_cli.invoke(cli, ["screening", "rescreen", "v1", "v2", "--partitions", "3"])
    assert first.exit_code == 0, first.output
    assert "v1 -> v2: RUNNING, 0/3 partitions done, 0 running, 3 pending" in first.output
    again = sqlite_cli.invoke(cli, ["screening", "rescreen", "v1", "v2"])
    assert "0/3 partitions done, 0 running, 3 pending, 0 failed, 0 missing" in again.output

    _fail_partition(tmp_path, 1)
    status = sqlite_cli.invoke(cli, ["screening", "rescreen-status", "--new", "v2"])
    assert status.exit_code == 0, status.output
    assert "2 pending, 1 failed" in status.output
    assert "partition 1/3: failed (operation op_" in status.output
    assert "attempt 1, 1 task run(s)): INTERNAL: internal error\n" in status.output

    retried = sqlite_cli.invoke(cli, ["screening", "rescreen", "v1", "v2", "--retry-failed"])
    assert "3 pending, 0 failed" in retried.output
    assert "partition 1/3: pending" in retried.output
    assert "attempt 2" in retried.output
