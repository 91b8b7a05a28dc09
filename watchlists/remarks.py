"""Mining OFAC remarks: the structured facts OFAC's legacy CSV buries in one free-text column.

The legacy SDN and consolidated CSVs have no columns for birth dates, nationalities or
documents; OFAC writes them into "Remarks" as `;`-separated clauses:

    DOB 13 May 1965; alt. DOB 1964; POB Medellin, Colombia; nationality Colombia;
    Passport AL720622 (Colombia) issued 2003; Gender Male; a.k.a. 'EL CHAPO'.

`mine_remarks` turns those clauses into typed facts. The quoted `a.k.a.` names in remarks are
OFAC's *weak* ("low quality") aliases; strong aliases live in alt.csv. Clauses it does not
recognise are returned in `unparsed` (the full text also stays on the party as `remarks`), so
nothing an officer might need is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from watchlists.countries import to_iso2
from watchlists.dates import parse_partial_date
from watchlists.model import Gender, Identifier, IdentifierKind, PartialDate

# Quoted aliases may contain apostrophes ("a.k.a. 'ABU 'ABDALLAH'"): a name ends at a quote
# followed by the clause separator or the end of the remarks.
_ALIAS = re.compile(r"\b([afn])\.k\.a\.,?\s+'(?P<name>.+?)'\s*(?=;|\.?\s*$)")
# "... Linked To: R D I S.A." ends with an abbreviation whose dot doubles as the full stop.
_ABBREVIATION_END = re.compile(r"\b[A-Za-z]\.[A-Za-z]\.$")
_ALT = re.compile(r"^alt\.\s+", re.IGNORECASE)
_PAREN_TAIL = re.compile(r"\s*\((?P<country>[^()]+)\)\s*$")
_ISSUED = re.compile(r"\s+(?:issued|expires|expiration date|valid until)\b.*$", re.IGNORECASE)

# Identifier labels, longest first so "Diplomatic Passport" wins over "Passport".
_IDENTIFIER_LABELS: tuple[tuple[str, IdentifierKind], ...] = tuple(
    sorted(
        (
            ("Passport", IdentifierKind.PASSPORT),
            ("Diplomatic Passport", IdentifierKind.PASSPORT),
            ("Stateless Person Passport", IdentifierKind.PASSPORT),
            ("Travel Document Number", IdentifierKind.PASSPORT),
            ("National ID No.", IdentifierKind.NATIONAL_ID),
            ("Cedula No.", IdentifierKind.NATIONAL_ID),
            ("C.U.R.P.", IdentifierKind.NATIONAL_ID),
            ("C.U.R.P. #", IdentifierKind.NATIONAL_ID),
            ("D.N.I.", IdentifierKind.NATIONAL_ID),
            ("Identification Number", IdentifierKind.NATIONAL_ID),
            ("Personal ID Card", IdentifierKind.NATIONAL_ID),
            ("Tazkira National ID Card", IdentifierKind.NATIONAL_ID),
            ("Kenyan ID No.", IdentifierKind.NATIONAL_ID),
            ("Turkish Identification Number", IdentifierKind.NATIONAL_ID),
            ("Numero de Identidad", IdentifierKind.NATIONAL_ID),
            ("Citizen's Card Number", IdentifierKind.NATIONAL_ID),
            ("Moroccan Personal ID No.", IdentifierKind.NATIONAL_ID),
            ("UAE Identification", IdentifierKind.NATIONAL_ID),
            ("SSN", IdentifierKind.NATIONAL_ID),
            ("Electoral Registry No.", IdentifierKind.NATIONAL_ID),
            ("Credencial electoral", IdentifierKind.NATIONAL_ID),
            ("I.F.E.", IdentifierKind.NATIONAL_ID),
            ("Residency Number", IdentifierKind.NATIONAL_ID),
            ("Refugee ID Card", IdentifierKind.NATIONAL_ID),
            ("Tax ID No.", IdentifierKind.TAX_ID),
            ("R.F.C.", IdentifierKind.TAX_ID),
            ("RFC", IdentifierKind.TAX_ID),
            ("NIT #", IdentifierKind.TAX_ID),
            ("RUC #", IdentifierKind.TAX_ID),
            ("C.U.I.T.", IdentifierKind.TAX_ID),
            ("C.U.I.", IdentifierKind.TAX_ID),
            ("V.A.T. Number", IdentifierKind.TAX_ID),
            ("US FEIN", IdentifierKind.TAX_ID),
            ("Italian Fiscal Code", IdentifierKind.TAX_ID),
            ("RTN", IdentifierKind.TAX_ID),
            ("C.I.F.", IdentifierKind.TAX_ID),
            ("Registration Number", IdentifierKind.REGISTRATION),
            ("Registration ID", IdentifierKind.REGISTRATION),
            ("Business Registration Document #", IdentifierKind.REGISTRATION),
            ("Company Number", IdentifierKind.REGISTRATION),
            ("UK Company Number", IdentifierKind.REGISTRATION),
            ("Commercial Registry Number", IdentifierKind.REGISTRATION),
            ("Chamber of Commerce Number", IdentifierKind.REGISTRATION),
            ("C.R. No.", IdentifierKind.REGISTRATION),
            ("Certificate of Incorporation Number", IdentifierKind.REGISTRATION),
            ("Government Gazette Number", IdentifierKind.REGISTRATION),
            ("Unified Social Credit Code (USCC)", IdentifierKind.REGISTRATION),
            ("United Social Credit Code Certificate (USCCC)", IdentifierKind.REGISTRATION),
            ("Economic Register Number (CBLS)", IdentifierKind.REGISTRATION),
            ("Enterprise Number", IdentifierKind.REGISTRATION),
            ("Matricula Mercantil No", IdentifierKind.REGISTRATION),
            ("Folio Mercantil No.", IdentifierKind.REGISTRATION),
            ("Central Registration System Number", IdentifierKind.REGISTRATION),
            ("D-U-N-S Number", IdentifierKind.REGISTRATION),
            ("Registered Charity No.", IdentifierKind.REGISTRATION),
            ("Business Registration Number", IdentifierKind.REGISTRATION),
            ("Istanbul Chamber of Comm. No.", IdentifierKind.REGISTRATION),
            ("Dubai Chamber of Commerce Membership No.", IdentifierKind.REGISTRATION),
            ("Trade License No.", IdentifierKind.REGISTRATION),
            ("License", IdentifierKind.REGISTRATION),
            ("RIF #", IdentifierKind.TAX_ID),
            ("LE Number", IdentifierKind.NATIONAL_ID),
            ("Driver's License No.", IdentifierKind.OTHER),
            ("Birth Certificate Number", IdentifierKind.OTHER),
            ("Cartilla de Servicio Militar Nacional", IdentifierKind.OTHER),
            ("Equity Ticker", IdentifierKind.OTHER),
            ("SWIFT/BIC", IdentifierKind.BIC),
            ("Legal Entity Number", IdentifierKind.LEI),
            ("Vessel Registration Identification IMO", IdentifierKind.IMO),
            ("International Maritime Organization No.", IdentifierKind.IMO),
            ("MMSI", IdentifierKind.MMSI),
            ("Aircraft Tail Number", IdentifierKind.AIRCRAFT_REGISTRATION),
            ("Previous Aircraft Tail Number", IdentifierKind.AIRCRAFT_REGISTRATION),
            ("Aircraft Manufacturer's Serial Number (MSN)", IdentifierKind.OTHER),
            ("Vessel Registration Identification", IdentifierKind.OTHER),
            ("ISIN", IdentifierKind.OTHER),
            ("BIK (RU)", IdentifierKind.OTHER),
            ("Digital Currency Address - ", IdentifierKind.OTHER),
        ),
        key=lambda item: -len(item[0]),
    )
)

_IDENTIFIER_KINDS = dict(_IDENTIFIER_LABELS)
_IDENTIFIER_LABEL = re.compile(
    "^(?:" + "|".join(re.escape(label) for label, _ in _IDENTIFIER_LABELS) + ")(?![A-Za-z])"
)

# Clauses kept as (key, value) pairs in `Party.extra`: useful to an officer, not to a matcher.
_EXTRA_LABELS: tuple[tuple[str, str], ...] = (
    ("Linked To:", "linked_to"),
    ("Organization Established Date", "incorporation_date"),
    ("Organization Type:", "organization_type"),
    ("Aircraft Operator", "aircraft_operator"),
    ("Aircraft Model", "aircraft_model"),
    ("Aircraft Manufacture Date", "aircraft_manufacture_date"),
    ("Aircraft Construction Number (also called L/N or S/N or F/N)", "aircraft_construction_no"),
    ("Vessel Year of Build", "vessel_year_of_build"),
    ("Other Vessel Call Sign", "call_sign"),
    ("Other Vessel Type", "vessel_type"),
    ("Former Vessel Flag", "former_flag"),
    ("Target Type", "target_type"),
    ("Chinese Commercial Code", "chinese_commercial_code"),
    ("Fax", "fax"),
    ("Telephone", "phone"),
    ("Email Address", "email"),
    ("Email:", "email"),
    ("Website", "website"),
    ("Phone Number", "phone"),
    ("Telephone No.", "phone"),
    ("Telephone:", "phone"),
    ("Title", "title"),
    ("Position:", "position"),
)


@dataclass(slots=True)
class MinedRemarks:
    """What one remarks text says, as typed values (mutable only while it is being built)."""

    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    gender: Gender = Gender.UNKNOWN
    identifiers: list[Identifier] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    former_names: list[str] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)


def mine_remarks(text: str | None) -> MinedRemarks:
    """Every fact a remarks text states; unrecognised clauses end up in `unparsed`."""
    mined = MinedRemarks()
    if not text:
        return mined
    rest = _take_aliases(text, mined)
    for clause in split_clauses(rest):
        _mine_clause(clause, mined)
    return mined


def split_clauses(text: str) -> list[str]:
    """`;`-separated clauses, trimmed; the full stop that ends the remarks is dropped
    (only that one: "S.A.S." inside a clause keeps its dots)."""
    body = text.strip()
    if body.endswith(".") and not _ABBREVIATION_END.search(body):
        body = body[:-1]
    return [c.strip() for c in body.split(";") if c.strip(" .")]


def _take_aliases(text: str, mined: MinedRemarks) -> str:
    for match in _ALIAS.finditer(text):
        name = match.group("name").strip()
        if not name:
            continue
        if match.group(1) == "a":
            mined.weak_aliases.append(name)
        else:
            mined.former_names.append(name)
    return _ALIAS.sub("", text)


def _mine_clause(clause: str, mined: MinedRemarks) -> None:
    body = _ALT.sub("", clause)
    for miner in (_mine_person_fact, _mine_identifier, _mine_vessel_fact, _mine_extra):
        if miner(body, mined):
            return
    mined.unparsed.append(clause)


def _mine_person_fact(body: str, mined: MinedRemarks) -> bool:
    """DOB, POB, nationality, citizenship and gender clauses."""
    head, _, value = body.partition(" ")
    head_lower = head.lower().rstrip(":")
    value = value.strip().lstrip(":").strip()
    if head_lower == "dob":
        return _add_birth_date(value, mined)
    if head_lower == "pob":
        mined.birth_places.append(value)
        return bool(value)
    if head_lower in ("nationality", "citizen"):
        return _add_country(value, mined.nationalities)
    if head_lower == "gender":
        gender = {"male": Gender.MALE, "female": Gender.FEMALE}.get(value.lower())
        if gender is not None:
            mined.gender = gender
        return gender is not None
    return False


def _add_birth_date(value: str, mined: MinedRemarks) -> bool:
    parsed = parse_partial_date(value)
    if parsed is None:
        return False
    if parsed not in mined.birth_dates:
        mined.birth_dates.append(parsed)
    return True


def _add_country(value: str, into: list[str]) -> bool:
    code = to_iso2(value)
    if code is None:
        return False
    if code not in into:
        into.append(code)
    return True


def _mine_identifier(body: str, mined: MinedRemarks) -> bool:
    """ "<label> <number> (<country>) issued ...": passports, IDs, tax and registry numbers."""
    match = _IDENTIFIER_LABEL.match(body)
    if match is None:
        return False
    label = match.group(0)
    identifier = _parse_identifier(body[match.end() :], _IDENTIFIER_KINDS[label], label)
    if identifier is None:
        return False
    mined.identifiers.append(identifier)
    return True


def _parse_identifier(rest: str, kind: IdentifierKind, label: str) -> Identifier | None:
    value = _ISSUED.sub("", rest.strip().lstrip(":#").strip())
    country: str | None = None
    paren = _PAREN_TAIL.search(value)
    if paren:
        country = to_iso2(paren.group("country"))
        if country is not None:
            value = value[: paren.start()].strip()
    value = value.strip(" ,:#()")
    if not value or not any(ch.isalnum() for ch in value):
        return None
    note = None if kind is not IdentifierKind.OTHER else label.strip(" -:")
    return Identifier(kind, value, country, note)


def _mine_vessel_fact(body: str, mined: MinedRemarks) -> bool:
    """Flag states of vessels ("Vessel Flag Panama", "Other Vessel Flag Tanzania")."""
    for label in ("Other Vessel Flag", "Vessel Flag", "Nationality of Registration"):
        if body.startswith(label):
            return _add_country(body[len(label) :].strip(" :"), mined.countries)
    return False


def _mine_extra(body: str, mined: MinedRemarks) -> bool:
    for label, key in _EXTRA_LABELS:
        if body.startswith(label):
            value = body[len(label) :].strip(" :")
            if value:
                mined.extra.append((key, value))
                return True
    return False
