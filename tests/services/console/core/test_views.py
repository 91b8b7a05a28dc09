"""Pure view models: queue filters, charts, the ring, the hit explanation, MRZ, SAR labels."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import pytest

from services.common.errors import InvalidArgument
from services.console import samples
from services.console.core import charts, sar_form
from services.console.core.filters import QueueFilter, parse_filter
from services.console.core.identity import identity_view
from services.console.core.ring import build_ring, cytoscape_elements, highlighted, parse_transfer
from services.console.core.screening import explain_hit

QUEUES = ("sanctions", "transactions")


def test_filters_parse_validate_and_round_trip() -> None:
    chosen = parse_filter({"queue": "sanctions", "severity": "critical", "page": "2"}, QUEUES)
    assert chosen == QueueFilter(queue="sanctions", severity="critical", page=2)
    assert chosen.query_string(page=3) == "queue=sanctions&severity=critical&page=3"
    assert QueueFilter(assignee="me").assignee_id("ana") == "ana"
    with pytest.raises(InvalidArgument) as refused:
        parse_filter({"queue": "nope", "sla": "late", "assignee": "<b>", "page": "-1"}, QUEUES)
    assert {v.field for v in refused.value.violations} == {"queue", "sla", "assignee", "page"}


def test_bar_chart_scales_to_the_largest_and_keeps_numbers() -> None:
    chart = charts.bar_chart("depth", [("a", 10.0, "10"), ("b", 5.0, "5")])
    assert chart.rows[0].segments[0].width == charts.PLOT_WIDTH
    assert chart.rows[1].segments[0].width == charts.PLOT_WIDTH / 2
    assert chart.rows[1].segments[0].title == "b: 5"
    assert charts.bar_chart("none", []).empty


def test_stacked_chart_splits_totals_and_rates_use_a_fixed_scale() -> None:
    chart = charts.stacked_chart(
        "sla", [("q", {"breached": 1, "on_track": 3})], ("breached", "on_track")
    )
    widths = [s.width for s in chart.rows[0].segments]
    assert widths == [charts.PLOT_WIDTH / 4, charts.PLOT_WIDTH * 3 / 4]
    assert chart.rows[0].text == "4"
    rate = charts.rate_chart("fp", [("ofac", 1, 20)])
    assert rate.rows[0].segments[0].width == pytest.approx(charts.PLOT_WIDTH * 0.05)
    assert rate.rows[0].text == "5% (1 of 20)"


def test_ring_highlights_the_path_and_counts_what_it_could_not_draw() -> None:
    alert = samples.ring(datetime(2026, 1, 1, tzinfo=UTC))
    evidence = dict(alert.evidence)
    evidence["transactions"] = [*evidence["transactions"], {"id": "broken", "amount": "1"}]  # type: ignore[misc]
    graph = build_ring([evidence], alert.subject_id)
    assert graph.skipped == 1
    hot = highlighted(graph)
    assert hot == {f"tx-cycle-{i}" for i in range(4)}
    elements = cytoscape_elements(graph, alert.subject_id)
    data = [(e["group"], cast(dict[str, str], e["data"])) for e in elements]
    nodes = {d["id"]: d for group, d in data if group == "nodes"}
    assert nodes["acct-hub-9"]["role"] == "subject"
    assert nodes["acct-d"]["role"] == "other"
    assert nodes["acct-a"]["in AED"] == "36,120.00"
    edge = next(d for group, d in data if group == "edges")
    assert edge["label"].startswith("36,000.00 AED · ")


def test_transfer_aliases_and_bad_amounts() -> None:
    transfer = parse_transfer({"tx_id": "t", "src": "a", "dst": "b", "amount": "x"}, 0)
    assert transfer is not None
    assert (transfer.id, transfer.source, transfer.target, transfer.amount) == ("t", "a", "b", None)
    assert parse_transfer({"from": "a"}, 0) is None
    assert parse_transfer("not a dict", 0) is None


def test_hit_explained_side_by_side_from_evidence() -> None:
    alert = samples.screening_hit(datetime(2026, 1, 1, tzinfo=UTC))
    view = explain_hit(alert.evidence, samples.ENTRY_ID, None)
    assert view.entry_found
    rows = {r.feature: r for r in view.rows}
    assert rows["name"].strength == "strong"
    assert rows["birth_date"].customer == "1984-03-12"
    assert rows["birth_date"].entry == "1961-07-01"
    assert rows["nationality"].entry == "RU"
    assert view.entry_url == "https://example.org/lists/demo/SDN-7001"


def test_hit_without_records_and_with_a_hostile_url() -> None:
    entry = {**samples.ENTRY, "url": "javascript:alert(1)"}
    view = explain_hit({"explanations": "nonsense", "entry": entry}, samples.ENTRY_ID, None)
    assert view.rows == ()
    assert view.entry_url == ""
    assert not explain_hit({}, samples.ENTRY_ID, None).entry_found


def test_identity_view_marks_check_digits() -> None:
    alert = samples.identity_check(datetime(2026, 1, 1, tzinfo=UTC))
    view = identity_view(alert.evidence)
    assert view.face_verdict == "different person"
    assert view.mrz_lines[1][43].kind == "check-bad"
    assert view.mrz_lines[1][9].kind == "check-ok"
    assert view.mrz_lines[0][0].kind == "plain"
    assert identity_view({"mrz": "garbage", "face_distance": "x"}).mrz_lines == ()


def test_sar_problem_labels() -> None:
    assert sar_form.field_label("subjects[0].address.country") == "Subject 1 — address country"
    assert sar_form.field_label("transactions[4].amount_local") == "Transaction 5 — amount local"
    assert sar_form.field_label("/report/reason") == "XML /report/reason"
    merged = sar_form.problems([("narrative", "x"), ("narrative", "x"), ("", "y")])
    assert merged == (sar_form.Problem("narrative", "x"), sar_form.Problem("report", "y"))
    assert sar_form.row({"s-0-a": " v ", "s-1-a": "w"}, "s", 0, ("a", "b")) == {"a": "v"}
