"""Graph proto <-> domain conversions (round-trip tested)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from google.protobuf import timestamp_pb2
from warden.graph.v1 import graph_pb2

from services.graph.analyze import AccountAnalysis, AnalyzeCommand
from services.graph.core.alerting import MAX_EVIDENCE_TXS
from services.graph.core.indicators import Indicator
from services.graph.core.model import DAY, Finding, Transaction, Typology
from services.graph.core.rings import Ring
from services.graph.ports import Booked
from services.graph.sweeps import SweepCommand

_TYPOLOGY_TO_PROTO = {t: graph_pb2.Typology.Value(f"TYPOLOGY_{t.name}") for t in Typology}
_TYPOLOGY_FROM_PROTO = {v: k for k, v in _TYPOLOGY_TO_PROTO.items()}


def _stamp(seconds: int) -> timestamp_pb2.Timestamp:
    return timestamp_pb2.Timestamp(seconds=seconds)


def _amount(text: str) -> float:
    """A decimal string; NaN (reported as a bad amount by validation) when unparsable."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value


def transaction_from_proto(message: graph_pb2.Transaction) -> Transaction:
    """Missing fields become values validation rejects (empty id, negative time, NaN amount),
    so one bad transfer is reported by position instead of failing the whole stream."""
    return Transaction(
        tx_id=message.tx_id,
        source=message.source_account,
        target=message.target_account,
        timestamp=message.time.seconds if message.HasField("time") else -1,
        amount=_amount(message.amount),
        currency=message.currency or "USD",
        payment_format=message.payment_format,
    )


def transaction_to_proto(tx: Transaction) -> graph_pb2.Transaction:
    return graph_pb2.Transaction(
        tx_id=tx.tx_id,
        source_account=tx.source,
        target_account=tx.target,
        time=_stamp(tx.timestamp),
        amount=repr(tx.amount),
        currency=tx.currency,
        payment_format=tx.payment_format,
    )


def analyze_from_proto(request: graph_pb2.AnalyzeAccountRequest) -> AnalyzeCommand:
    window = request.window.seconds if request.HasField("window") else 30 * DAY
    until = request.until.seconds if request.HasField("until") else None
    return AnalyzeCommand(request.account, request.depth or 2, window, until)


def sweep_from_proto(request: graph_pb2.StartSweepRequest) -> SweepCommand:
    return SweepCommand(
        request_id=request.request_id,
        since=request.since.seconds if request.HasField("since") else None,
        until=request.until.seconds if request.HasField("until") else None,
        partitions=request.partitions or None,
    )


def finding_to_proto(finding: Finding) -> graph_pb2.Finding:
    return graph_pb2.Finding(
        key=finding.key,
        typology=_TYPOLOGY_TO_PROTO[finding.typology],
        anchor=finding.anchor,
        accounts=list(finding.accounts),
        tx_ids=list(finding.tx_ids),
        score=finding.score,
        explanation=finding.explanation,
        start_time=_stamp(finding.start),
        end_time=_stamp(finding.end),
    )


def typology_from_proto(value: graph_pb2.Typology.ValueType) -> Typology:
    return _TYPOLOGY_FROM_PROTO[value]


def ring_to_proto(ring: Ring) -> graph_pb2.Ring:
    return graph_pb2.Ring(
        fingerprint=ring.fingerprint,
        typology=_TYPOLOGY_TO_PROTO[ring.typology],
        typologies=[_TYPOLOGY_TO_PROTO[t] for t in ring.typologies],
        score=ring.score,
        risk=ring.risk,
        accounts=list(ring.accounts),
        tx_ids=list(ring.tx_ids[:MAX_EVIDENCE_TXS]),
        tx_count=len(ring.tx_ids),
        total_amount_usd=ring.total_amount,
        explanation=ring.explanation,
        start_time=_stamp(ring.start),
        end_time=_stamp(ring.end),
    )


def edge_to_proto(booked: Booked) -> graph_pb2.Edge:
    return graph_pb2.Edge(
        tx_id=booked.tx.tx_id,
        source_account=booked.tx.source,
        target_account=booked.tx.target,
        time=_stamp(booked.tx.timestamp),
        amount_usd=booked.amount_usd,
    )


def indicator_to_proto(indicator: Indicator) -> graph_pb2.Indicator:
    return graph_pb2.Indicator(name=indicator.name, value=indicator.value, detail=indicator.detail)


def analysis_to_proto(analysis: AccountAnalysis) -> graph_pb2.AnalyzeAccountResponse:
    return graph_pb2.AnalyzeAccountResponse(
        account=analysis.account,
        accounts=list(analysis.accounts),
        edges=[edge_to_proto(e) for e in analysis.edges],
        indicators=[indicator_to_proto(i) for i in analysis.indicators],
        findings=[finding_to_proto(f) for f in analysis.findings],
        rings=[ring_to_proto(r) for r in analysis.rings],
        truncated=analysis.truncated,
    )


def when(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
