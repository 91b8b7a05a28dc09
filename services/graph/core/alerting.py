"""Rings become case alerts (`services.common.alerts.Alert`), one per ring fingerprint."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from services.common.alerts import Alert, AlertSource, Severity, SubjectKind
from services.graph.core.model import iso
from services.graph.core.rings import Ring

# Evidence lists are capped so a huge ring cannot produce a multi-megabyte alert; the full
# ring stays in the graph store under its fingerprint.
MAX_EVIDENCE_TXS = 500


def alert_key(ring: Ring) -> str:
    """The idempotency key: the same ring found again (re-run, retried partition) is one alert."""
    return f"graph:ring:{ring.fingerprint}"


def severity_for(score: float) -> Severity:
    """Ring score bands: >= 0.9 critical, >= 0.75 high, >= 0.6 medium, else low."""
    if score >= 0.9:
        return Severity.CRITICAL
    if score >= 0.75:
        return Severity.HIGH
    if score >= 0.6:
        return Severity.MEDIUM
    return Severity.LOW


def principal_account(ring: Ring) -> str:
    """The account the case is opened on: the one anchoring most findings (ties: first seen)."""
    anchors = Counter(f.anchor for f in ring.findings)
    return max(ring.accounts, key=lambda a: (anchors.get(a, 0), -ring.accounts.index(a)))


def ring_to_alert(ring: Ring, raised_at: datetime) -> Alert:
    """The alert for one ring: subject accounts, typology, score, explanation, evidence tx ids."""
    subject = principal_account(ring)
    return Alert(
        key=alert_key(ring),
        source=AlertSource.GRAPH_RING,
        subject_kind=SubjectKind.ACCOUNT,
        subject_id=subject,
        severity=severity_for(ring.score),
        title=f"Suspected {_label(ring)} ring of {len(ring.accounts)} accounts",
        raised_at=raised_at,
        summary=ring.explanation,
        evidence={
            "fingerprint": ring.fingerprint,
            "typology": ring.typology.value,
            "typologies": [t.value for t in ring.typologies],
            "score": ring.score,
            "risk": ring.risk,
            "accounts": list(ring.accounts),
            "tx_ids": list(ring.tx_ids[:MAX_EVIDENCE_TXS]),
            "tx_count": len(ring.tx_ids),
            "total_amount_usd": ring.total_amount,
            "start": iso(ring.start),
            "end": iso(ring.end),
            "findings": [
                {
                    "key": f.key,
                    "typology": f.typology.value,
                    "score": f.score,
                    "anchor": f.anchor,
                    "explanation": f.explanation,
                }
                for f in ring.findings
            ],
        },
        related_subjects=tuple(a for a in ring.accounts if a != subject),
    )


def _label(ring: Ring) -> str:
    return ring.typology.value.replace("_", " ")
