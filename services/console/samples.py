"""Sample alerts that exercise every panel of the case page (demo, browser tests, benchmark).

They go through case intake like any producer's alert; their evidence follows the shapes the
console documents (`core/screening.py`, `core/identity.py`, `core/ring.py`). The people and
accounts are invented.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from services.common.alerts import Alert, AlertSource, ScreeningMatch, Severity, SubjectKind

ENTRY_ID = "demo_list:SDN-7001"
CUSTOMER = {
    "id": "cust-2001",
    "schema": "person",
    "names": [{"full": "Ivan Petrov", "quality": "primary"}],
    "birth_dates": [{"year": 1984, "month": 3, "day": 12}],
    "nationalities": ["BG"],
}
ENTRY = {
    "id": ENTRY_ID,
    "schema": "person",
    "names": [
        {"full": "Ivan PETROV", "quality": "primary"},
        {"full": "Ivan Petroff", "quality": "strong_alias"},
    ],
    "source": "demo_list",
    "source_id": "SDN-7001",
    "birth_dates": [{"year": 1961, "month": 7, "day": 1}],
    "nationalities": ["RU"],
    "programmes": ["DEMO-PROGRAMME"],
    "remarks": "Invented entry for the demonstration list.",
    "url": "https://example.org/lists/demo/SDN-7001",
}
EXPLANATIONS = [
    {"feature": "name", "score": 0.97, "weight": 0.6, "detail": "same given and family name"},
    {"feature": "birth_date", "score": 0.0, "weight": 0.25, "detail": "1984-03-12 vs 1961-07-01"},
    {"feature": "nationality", "score": 0.0, "weight": 0.15, "detail": "BG vs RU: no overlap"},
]
MRZ = {
    "lines": [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ],
    "fields": {
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "expiry_date": "2012-04-15",
        "name": "ANNA MARIA ERIKSSON",
    },
    "checks": [
        {
            "name": "document_number",
            "found": "6",
            "expected": "6",
            "valid": True,
            "line": 1,
            "column": 9,
        },
        {
            "name": "birth_date",
            "found": "2",
            "expected": "2",
            "valid": True,
            "line": 1,
            "column": 19,
        },
        {
            "name": "expiry_date",
            "found": "9",
            "expected": "9",
            "valid": True,
            "line": 1,
            "column": 27,
        },
        {
            "name": "composite",
            "found": "0",
            "expected": "4",
            "valid": False,
            "line": 1,
            "column": 43,
        },
    ],
    "issues": [
        {
            "code": "MRZ_CHECK_DIGIT_INVALID",
            "field": "composite",
            "detail": "composite check digit 0, expected 4",
        }
    ],
}


def screening_hit(now: datetime, subject: str = "cust-2001", entry_hash: str = "a" * 64) -> Alert:
    """A name match whose birth date and nationality disagree: a false positive to clear."""
    return Alert(
        key=f"sample:screening:{subject}:{ENTRY_ID}:{entry_hash[:12]}",
        source=AlertSource.SCREENING_HIT,
        subject_kind=SubjectKind.CUSTOMER,
        subject_id=subject,
        severity=Severity.HIGH,
        title=f"Possible match with {ENTRY_ID}",
        raised_at=now,
        summary="Name matches; date of birth and nationality do not.",
        evidence={
            "list": "demo_list",
            "list_version": "demo-v1",
            "score": 0.58,
            "explanations": EXPLANATIONS,
            "customer": {**CUSTOMER, "id": subject},
            "entry": ENTRY,
        },
        match=ScreeningMatch(ENTRY_ID, entry_hash=entry_hash, subject_hash="c" * 64, score=0.58),
        typology="sanctions",
    )


def identity_check(now: datetime, subject: str = "app-3001") -> Alert:
    """A selfie that does not match the document, with an MRZ whose composite digit fails."""
    return Alert(
        key=f"sample:identity:{subject}",
        source=AlertSource.IDENTITY_CHECK,
        subject_kind=SubjectKind.APPLICANT,
        subject_id=subject,
        severity=Severity.MEDIUM,
        title="Identity check declined: face mismatch, MRZ check digit",
        raised_at=now,
        evidence={
            "decision": "declined",
            "reason_codes": ["FACE_MISMATCH", "MRZ_CHECK_DIGIT_INVALID"],
            "face_distance": 0.71,
            "face_threshold": 0.6,
            "images": {"document": "document.png", "selfie": "selfie.png"},
            "mrz": MRZ,
        },
        typology="face_mismatch",
    )


def ring(now: datetime, hub: str = "acct-hub-9") -> Alert:
    """A cycle through four accounts plus noise transfers around it."""
    path = [hub, "acct-a", "acct-b", "acct-c", hub]
    transfers = [
        {
            "id": f"tx-cycle-{i}",
            "from": src,
            "to": dst,
            "amount": "36000.00",
            "currency": "AED",
            "at": (now - timedelta(hours=10 - i)).isoformat(),
        }
        for i, (src, dst) in enumerate(itertools.pairwise(path))
    ]
    transfers += [
        {
            "id": "tx-noise-1",
            "from": "acct-d",
            "to": "acct-a",
            "amount": "120.00",
            "currency": "AED",
            "at": (now - timedelta(days=2)).isoformat(),
        },
        {
            "id": "tx-noise-2",
            "from": "acct-b",
            "to": "acct-e",
            "amount": "75.50",
            "currency": "AED",
            "at": (now - timedelta(days=1)).isoformat(),
        },
    ]
    return Alert(
        key=f"sample:graph:ring:{hub}",
        source=AlertSource.GRAPH_RING,
        subject_kind=SubjectKind.ACCOUNT,
        subject_id=hub,
        severity=Severity.CRITICAL,
        title="Suspected cycle of 4 accounts returning 36,000 AED within 4 hours",
        raised_at=now,
        evidence={"transactions": transfers, "path": path, "accounts": path[:-1]},
        related_subjects=("acct-a", "acct-b", "acct-c"),
        typology="cycle",
    )
