"""What a suspicious activity / transaction report says, independent of any FIU format.

A `SarContent` is drafted from a case (`drafting.py`), edited by the MLRO and assigned reviewers,
approved under four eyes (`workflow.py`) and rendered as goAML or FinCEN XML (`goaml.py`,
`fincen.py`). Amounts are `Decimal`s: a report must never carry a float's rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class PartyType(StrEnum):
    PERSON = "person"
    ENTITY = "entity"


class IdKind(StrEnum):
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    DRIVING_LICENCE = "driving_licence"
    TAX_ID = "tax_id"
    REGISTRATION = "registration"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SarAddress:
    street: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    postal_code: str = ""
    state: str = ""


@dataclass(frozen=True, slots=True)
class SarIdentification:
    kind: IdKind
    number: str
    issuing_country: str = ""


@dataclass(frozen=True, slots=True)
class SarSubject:
    """A person or entity the report is about. `ref` is our id (customer or account holder)."""

    ref: str
    party_type: PartyType
    # Persons: given and family names; entities: `entity_name`.
    first_name: str = ""
    last_name: str = ""
    middle_name: str = ""
    entity_name: str = ""
    birth_date: date | None = None
    gender: str = ""  # "M", "F" or "" (unknown)
    nationality: str = ""
    occupation: str = ""
    address: SarAddress | None = None
    identifications: tuple[SarIdentification, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        if self.party_type is PartyType.ENTITY:
            return self.entity_name
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


@dataclass(frozen=True, slots=True)
class SarAccount:
    """An account involved; `own_institution` marks accounts held with the reporting bank."""

    number: str
    holder_ref: str  # the `SarSubject.ref` of the holder
    institution_name: str
    institution_code: str  # BIC or national bank code
    currency: str  # ISO 4217
    own_institution: bool = True
    country: str = ""
    opened: date | None = None


@dataclass(frozen=True, slots=True)
class SarTransaction:
    """One transaction between two of the report's accounts (numbers as in `SarAccount`)."""

    reference: str
    at: datetime
    amount: Decimal
    currency: str
    from_account: str
    to_account: str
    description: str = ""
    # The amount in the FIU's reporting currency when `currency` differs from it (goAML's
    # amount_local, FinCEN's US dollars); FX conversion is the bank's, not ours to guess.
    amount_local: Decimal | None = None

    def amount_in(self, currency: str) -> Decimal:
        """The amount in the FIU's `currency`: as booked if it is that, else `amount_local`."""
        if self.currency == currency or self.amount_local is None:
            return self.amount
        return self.amount_local


@dataclass(frozen=True, slots=True)
class SarContent:
    """The report's substance. `typologies` are our codes; profiles map them to FIU codes."""

    case_id: str
    subjects: tuple[SarSubject, ...]
    narrative: str
    activity_from: date
    typologies: tuple[str, ...] = ()
    accounts: tuple[SarAccount, ...] = ()
    transactions: tuple[SarTransaction, ...] = ()
    activity_to: date | None = None
    action_taken: str = ""

    @property
    def total_amount(self) -> Decimal:
        return sum((t.amount for t in self.transactions), Decimal(0))

    def account(self, number: str) -> SarAccount | None:
        return next((a for a in self.accounts if a.number == number), None)

    def subject(self, ref: str) -> SarSubject | None:
        return next((s for s in self.subjects if s.ref == ref), None)


class SarFormat(StrEnum):
    GOAML = "goaml"
    FINCEN = "fincen"
