"""FIU profiles: the reporting institution and the code lists each FIU uses, as configuration.

goAML is one schema with many dialects: every FIU publishes its own report codes, indicator
codes, funds and conduction codes (the bundled XSD carries the UAE FIU's lists). FinCEN fixes
its codes in the schema but the filer's identity and the typology -> activity-type mapping are
the bank's. Nothing here is hard-coded in the renderers: a deployment passes its own profile
(loaded from YAML by the settings layer through `profile_from_dict`), and the XSD then checks
that every code it uses exists in that FIU's lists.

`DEMO_GOAML` and `DEMO_FINCEN` are examples for the demo and the tests — fictitious institutions
with codes valid in the bundled schemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from services.cases.core.codec import from_jsonable
from services.cases.core.sar.model import SarAddress
from services.common.errors import InvalidArgument

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class ReportingInstitution:
    """The bank filing the report, and whom the FIU should call."""

    name: str
    country: str
    address: SarAddress
    bic: str = ""
    tin: str = ""  # FinCEN: the filer's EIN
    contact_office: str = ""
    contact_phone: str = ""


@dataclass(frozen=True, slots=True)
class GoAmlProfile:
    """One goAML FIU's settings and code lists (`indicators`: our typology -> FIU codes)."""

    institution: ReportingInstitution
    rentity_id: int
    currency_code_local: str
    default_indicators: tuple[str, ...]
    indicators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rentity_branch: str = ""
    submission_code: str = "E"
    report_code_transactions: str = "STR"
    report_code_activity: str = "SAR"
    funds_code: str = "ELCFT"
    transmode_code: str = "ELCFT"
    transaction_location: str = "Online banking"

    def indicators_for(self, typologies: tuple[str, ...]) -> tuple[str, ...]:
        """FIU indicator codes of the typologies, de-duplicated; the default if none map."""
        codes = [c for t in typologies for c in self.indicators.get(t, ())]
        return tuple(dict.fromkeys(codes)) or self.default_indicators


@dataclass(frozen=True, slots=True)
class ActivityCode:
    """A FinCEN suspicious-activity classification: type id and subtype id."""

    type_id: int
    subtype_id: int


@dataclass(frozen=True, slots=True)
class FincenProfile:
    """FinCEN SAR batch settings: filer, transmitter and the typology -> activity mapping."""

    institution: ReportingInstitution
    transmitter_control_code: str
    state: str  # the filer's US state code
    default_activity: ActivityCode
    activities: Mapping[str, tuple[ActivityCode, ...]] = field(default_factory=dict)
    primary_regulator_code: str = "2"  # FDIC
    institution_type_id: int = 2  # depository institution

    def activities_for(self, typologies: tuple[str, ...]) -> tuple[ActivityCode, ...]:
        codes = [c for t in typologies for c in self.activities.get(t, ())]
        # FinCEN refuses a repeated subtype in one activity (Unique-SuspiciousActivitySubtypeID).
        unique = {c.subtype_id: c for c in codes}
        return tuple(unique.values()) or (self.default_activity,)


def profile_from_dict(cls: type[P], data: Mapping[str, object]) -> P:
    """Build a profile from configuration (YAML/JSON already parsed); bad config is refused."""
    if not isinstance(data, dict):
        raise InvalidArgument("an FIU profile must be a mapping")
    return from_jsonable(cls, data)


_DEMO_BANK = ReportingInstitution(
    name="Warden Demo Bank",
    country="AE",
    address=SarAddress(street="1 Example Street", city="Dubai", country="AE"),
    bic="WRDNAEAD",
    contact_office="Money Laundering Reporting Office",
    contact_phone="97140000000",
)

# Codes from the UAE FIU list bundled in schemas/goAMLSchema.xsd.
DEMO_GOAML = GoAmlProfile(
    institution=_DEMO_BANK,
    rentity_id=1234,
    currency_code_local="AED",
    default_indicators=("TSUCO",),
    indicators={
        "sanctions": ("ITLSL",),
        "sanctions_evasion": ("TFS03",),
        "structuring": ("ML002",),
        "fan_in": ("SCTFS",),
        "fan_out": ("SCTFS",),
        "cycle": ("TSUCO",),
        "layering": ("EJEUA",),
        "identity_fraud": ("FALSI",),
    },
)

DEMO_FINCEN = FincenProfile(
    institution=ReportingInstitution(
        name="Warden Demo Bank NA",
        country="US",
        address=SarAddress(
            street="100 Example Avenue",
            city="Rockville",
            country="US",
            postal_code="20852",
            state="MD",
        ),
        tin="123456789",
        contact_office="BSA Officer",
        contact_phone="3015550100",
    ),
    transmitter_control_code="PTCC1234",
    state="MD",
    default_activity=ActivityCode(8, 925),  # money laundering: no apparent lawful purpose
    activities={
        "sanctions": (ActivityCode(9, 928),),  # foreign high-risk jurisdiction
        "structuring": (ActivityCode(1, 114),),  # below CTR threshold
        "fan_in": (ActivityCode(8, 824),),  # funnel account
        "fan_out": (ActivityCode(8, 807),),  # multiple accounts
        "cycle": (ActivityCode(8, 925),),
        "layering": (ActivityCode(8, 805),),  # suspicious EFT/wire transfers
        "identity_fraud": (ActivityCode(4, 409),),  # questionable or false identification
    },
)
