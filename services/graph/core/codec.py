"""Findings and rings <-> JSON-ready dicts (partition results, the ring store, rings.jsonl)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.graph.core.model import Finding, Typology
from services.graph.core.rings import Ring


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "typology": finding.typology.value,
        "anchor": finding.anchor,
        "accounts": list(finding.accounts),
        "tx_ids": list(finding.tx_ids),
        "amounts": list(finding.amounts),
        "start": finding.start,
        "end": finding.end,
        "score": finding.score,
        "explanation": finding.explanation,
    }


def finding_from_dict(data: Mapping[str, Any]) -> Finding:
    return Finding(
        typology=Typology(str(data["typology"])),
        anchor=str(data["anchor"]),
        accounts=tuple(str(a) for a in data["accounts"]),
        tx_ids=tuple(str(t) for t in data["tx_ids"]),
        amounts=tuple(float(a) for a in data["amounts"]),
        start=int(data["start"]),
        end=int(data["end"]),
        score=float(data["score"]),
        explanation=str(data["explanation"]),
    )


def ring_to_dict(ring: Ring) -> dict[str, Any]:
    return {
        "fingerprint": ring.fingerprint,
        "typology": ring.typology.value,
        "typologies": [t.value for t in ring.typologies],
        "score": ring.score,
        "risk": ring.risk,
        "accounts": list(ring.accounts),
        "tx_ids": list(ring.tx_ids),
        "start": ring.start,
        "end": ring.end,
        "total_amount": ring.total_amount,
        "explanation": ring.explanation,
        "findings": [finding_to_dict(f) for f in ring.findings],
    }


def ring_from_dict(data: Mapping[str, Any]) -> Ring:
    return Ring(
        fingerprint=str(data["fingerprint"]),
        typology=Typology(str(data["typology"])),
        accounts=tuple(str(a) for a in data["accounts"]),
        tx_ids=tuple(str(t) for t in data["tx_ids"]),
        findings=tuple(finding_from_dict(f) for f in data["findings"]),
        start=int(data["start"]),
        end=int(data["end"]),
        total_amount=float(data["total_amount"]),
        score=float(data["score"]),
        risk=float(data["risk"]),
        explanation=str(data["explanation"]),
    )
