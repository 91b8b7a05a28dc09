from __future__ import annotations

import json
import logging

from services.common.ids import is_valid_id, new_id
from services.common.logs import JsonFormatter, bind


def test_ids_are_prefixed_sortable_and_unique() -> None:
    ids = [new_id("op") for _ in range(200)]
    assert len(set(ids)) == 200
    assert all(is_valid_id(i, "op") for i in ids)
    assert ids[0][:13] <= ids[-1][:13]  # the time part sorts
    assert not is_valid_id("op_short", "op")
    assert not is_valid_id(new_id("case"), "op")


def test_json_log_lines_carry_bound_context_and_fields() -> None:
    record = logging.LogRecord("warden.x", logging.INFO, __file__, 1, "scored %d", (3,), None)
    record.fields = {"ms": 1.5}
    with bind(request_id="r-1", principal="k-9"):
        line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "scored 3"
    assert (line["request_id"], line["principal"], line["ms"], line["level"]) == (
        "r-1",
        "k-9",
        1.5,
        "info",
    )
    after = json.loads(JsonFormatter().format(record))
    assert "request_id" not in after
