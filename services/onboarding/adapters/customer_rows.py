"""Customer records <-> rows: what is sealed, what stays readable after shredding."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.onboarding import codec
from services.onboarding.core.customer import CustomerRecord, CustomerStatus, LegalHold
from services.onboarding.core.policy import EddMeasure
from services.onboarding.core.risk import RiskRating
from services.onboarding.core.risk_model import RiskLevel
from services.onboarding.pii import CustomerCipher


def _seal(cipher: CustomerCipher, field: str, data: object) -> bytes:
    return cipher.seal(field, codec.dumps(data))


def _open(cipher: CustomerCipher, field: str, token: bytes | None) -> Any:
    return None if token is None else codec.loads(cipher.open(field, token))


def _hold_to_dict(hold: LegalHold | None) -> dict[str, str] | None:
    if hold is None:
        return None
    return {
        "reference": hold.reference,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at.isoformat(),
    }


def _hold_from_dict(data: dict[str, str] | None) -> LegalHold | None:
    if not data:
        return None
    return LegalHold(
        data["reference"], data["placed_by"], datetime.fromisoformat(data["placed_at"])
    )


def customer_row(record: CustomerRecord, cipher: CustomerCipher) -> dict[str, Any]:
    """The customers-table row (PII sealed; NULL once shredded)."""
    shredded = record.shredded
    personal = (
        None if shredded or record.personal is None else codec.personal_to_dict(record.personal)
    )
    inputs = (
        None
        if shredded or record.risk_inputs is None
        else codec.rating_input_to_dict(record.risk_inputs)
    )
    return {
        "id": record.id,
        "application_id": record.application_id,
        "status": record.status.value,
        "personal_sealed": None if personal is None else _seal(cipher, "personal", personal),
        "inputs_sealed": None if inputs is None else _seal(cipher, "risk_inputs", inputs),
        "risk_level": record.rating.level.value,
        "risk_score": record.rating.score,
        "review_due": record.rating.review_due,
        "edd_measures": sorted(m.value for m in record.edd_measures),
        "legal_hold": _hold_to_dict(record.legal_hold),
        "created_at": record.created_at,
        "decided_at": record.decided_at,
        "relationship_started_on": record.relationship_started_on,
        "relationship_ended_on": record.relationship_ended_on,
        "shredded_at": record.shredded_at,
    }


def rating_row(seq: int, rating: RiskRating, cipher: CustomerCipher) -> dict[str, Any]:
    factors = codec.factors_to_list(rating.factors)
    return {
        "customer_id": cipher.customer_id,
        "seq": seq,
        "level": rating.level.value,
        "score": rating.score,
        "rated_at": rating.rated_at,
        "review_due": rating.review_due,
        "policy_version": rating.policy_version,
        "country_list_as_of": rating.country_list_as_of,
        "factors_sealed": _seal(cipher, f"rating:{seq}", {"factors": factors}) if factors else None,
    }


def _rating(row: sa.RowMapping, cipher: CustomerCipher) -> RiskRating:
    factors = _open(cipher, f"rating:{row['seq']}", row["factors_sealed"])
    return RiskRating(
        level=RiskLevel(row["level"]),
        score=row["score"],
        factors=codec.factors_from_list(factors["factors"] if factors else []),
        rated_at=row["rated_at"],
        review_due=row["review_due"],
        policy_version=row["policy_version"],
        country_list_as_of=row["country_list_as_of"],
    )


def customer_from_rows(
    row: sa.RowMapping,
    rating_rows: Sequence[sa.RowMapping],
    accounts: frozenset[str],
    cipher: CustomerCipher,
) -> CustomerRecord:
    customer_id = row["id"]
    personal = _open(cipher, "personal", row["personal_sealed"])
    inputs = _open(cipher, "risk_inputs", row["inputs_sealed"])
    return CustomerRecord(
        id=customer_id,
        application_id=row["application_id"],
        status=CustomerStatus(row["status"]),
        personal=codec.personal_from_dict(personal) if personal else None,
        risk_inputs=codec.rating_input_from_dict(inputs) if inputs else None,
        ratings=tuple(_rating(r, cipher) for r in rating_rows),
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        relationship_started_on=row["relationship_started_on"],
        relationship_ended_on=row["relationship_ended_on"],
        accounts=accounts,
        edd_measures=frozenset(EddMeasure(m) for m in row["edd_measures"]),
        legal_hold=_hold_from_dict(row["legal_hold"]),
        shredded_at=row["shredded_at"],
    )
