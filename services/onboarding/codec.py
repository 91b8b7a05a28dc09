"""JSON forms of onboarding records for storage (the PII blob, ratings) and their inverses."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from services.onboarding.core.customer import IdentityDocument, PersonalData
from watchlists.model import Address


def personal_to_json(personal: PersonalData) -> bytes:
    """Canonical JSON of the personal data: the plaintext sealed by the PII vault."""
    document = personal.document
    data: dict[str, object] = {
        "given_names": personal.given_names,
        "family_name": personal.family_name,
        "birth_date": personal.birth_date.isoformat(),
        "nationality": personal.nationality,
        "address": _address_dict(personal.address),
        "document": None
        if document is None
        else {
            "kind": document.kind,
            "number": document.number,
            "issuing_country": document.issuing_country,
            "expires_on": document.expires_on.isoformat() if document.expires_on else None,
        },
    }
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def _address_dict(address: Address | None) -> dict[str, object] | None:
    if address is None:
        return None
    return {
        "full": address.full,
        "street": address.street,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
    }


def personal_from_json(raw: bytes) -> PersonalData:
    data: dict[str, Any] = orjson.loads(raw)
    document = data.get("document")
    address = data.get("address")
    return PersonalData(
        given_names=str(data["given_names"]),
        family_name=str(data["family_name"]),
        birth_date=date.fromisoformat(data["birth_date"]),
        nationality=str(data["nationality"]),
        address=Address(**address) if address else None,
        document=None
        if not document
        else IdentityDocument(
            kind=str(document["kind"]),
            number=str(document["number"]),
            issuing_country=str(document["issuing_country"]),
            expires_on=date.fromisoformat(document["expires_on"])
            if document.get("expires_on")
            else None,
        ),
    )
