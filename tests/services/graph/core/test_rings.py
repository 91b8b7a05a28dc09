from __future__ import annotations

from datetime import UTC, datetime

from services.common.alerts import AlertSource, InMemoryAlertSink, Severity, SubjectKind
from services.graph.core.alerting import alert_key, ring_to_alert, severity_for
from services.graph.core.detectors import run_detectors
from services.graph.core.model import Finding, Typology
from services.graph.core.rings import RingParams, assemble_rings
from tests.services.graph.core.graphs import background, chain, frame_of


def finding(
    typology: Typology,
    anchor: str,
    accounts: tuple[str, ...],
    txs: tuple[str, ...],
    start: int,
    score: float = 0.7,
) -> Finding:
    return Finding(
        typology,
        anchor,
        accounts,
        txs,
        tuple(1_000.0 for _ in txs),
        start,
        start + 10,
        score,
        f"{typology} at {anchor}",
    )


def test_overlapping_findings_merge_into_one_ring_labelled_by_the_most_specific_typology() -> None:
    cycle = finding(Typology.CYCLE, "A", ("A", "B", "C"), ("t1", "t2", "t3"), 100, 0.8)
    mule = finding(Typology.MULE, "B", ("B", "A", "C"), ("t1", "t2"), 100, 0.6)
    other = finding(Typology.STRUCTURING, "X", ("X", "Y"), ("t9",), 50, 0.7)
    rings = assemble_rings([mule, other, cycle])
    assert len(rings) == 2
    merged = next(r for r in rings if "A" in r.accounts)
    assert merged.typology is Typology.CYCLE
    assert merged.typologies == (Typology.CYCLE, Typology.MULE)
    assert set(merged.tx_ids) == {"t1", "t2", "t3"}
    assert merged.score > 0.8  # corroborated by a second typology, without saturating
    assert merged.score < 0.999
    assert "Suspected cycle ring of 3 accounts" in merged.explanation


def test_fingerprint_is_stable_under_order_and_duplicates() -> None:
    a = finding(Typology.CYCLE, "A", ("A", "B", "C"), ("t1", "t2", "t3"), 100)
    b = finding(Typology.MULE, "B", ("B", "D"), ("t4", "t5"), 200)
    once = assemble_rings([a, b])
    again = assemble_rings([b, a, b, a])
    assert [r.fingerprint for r in once] == [r.fingerprint for r in again] == [a.key]


def test_risk_from_known_bad_accounts_ranks_a_ring_higher() -> None:
    a = finding(Typology.FAN_IN, "H1", ("H1", "S1"), ("t1",), 100, 0.7)
    b = finding(Typology.FAN_IN, "H2", ("H2", "S2"), ("t2",), 100, 0.7)
    rings = assemble_rings([a, b], risk={"S2": 0.8})
    assert [r.accounts[0] for r in rings] == ["H2", "H1"]
    assert rings[0].risk == 0.8
    assert rings[1].risk == 0.0
    assert "close to known-bad accounts" in rings[0].explanation


def test_a_component_too_large_for_one_ring_is_split_into_communities() -> None:
    left = [
        finding(Typology.MULE, f"L{i}", (f"L{i}", "BRIDGE", f"L{i + 1}"), (f"l{i}",), i)
        for i in range(6)
    ]
    right = [
        finding(Typology.MULE, f"R{i}", (f"R{i}", f"R{i + 1}", "R0"), (f"r{i}",), i)
        for i in range(6)
    ]
    link = finding(Typology.MULE, "R0", ("R0", "BRIDGE"), ("x",), 99)
    rings = assemble_rings([*left, *right, link], params=RingParams(max_accounts=8))
    assert len(rings) >= 2
    assert all(len(r.accounts) <= 10 for r in rings)


def test_every_ring_becomes_one_idempotent_alert() -> None:
    frame = frame_of(chain("c", ["A", "B", "C", "D", "A"], 10, 3, 9_000, 0.98), background(11))
    rings = assemble_rings(run_detectors(frame).findings)
    ring = next(r for r in rings if r.typology is Typology.CYCLE)
    when = datetime(2024, 3, 1, tzinfo=UTC)
    alert = ring_to_alert(ring, when)
    assert alert.key == alert_key(ring) == f"graph:ring:{ring.fingerprint}"
    assert alert.source is AlertSource.GRAPH_RING
    assert alert.subject_kind is SubjectKind.ACCOUNT
    assert alert.subject_id == "A"
    assert set(alert.related_subjects) == {"B", "C", "D"}
    assert alert.severity is severity_for(ring.score)
    assert alert.evidence["tx_ids"] == list(ring.tx_ids)
    assert alert.summary == ring.explanation
    sink = InMemoryAlertSink()
    for r in assemble_rings(run_detectors(frame).findings) + rings:
        sink.raise_alert(ring_to_alert(r, when))
    assert len(sink.alerts) == len(rings)


def test_severity_bands() -> None:
    assert [severity_for(s) for s in (0.95, 0.8, 0.65, 0.5)] == [
        Severity.CRITICAL,
        Severity.HIGH,
        Severity.MEDIUM,
        Severity.LOW,
    ]
