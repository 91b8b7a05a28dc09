"""Checks on what the MRZ says: integrity, document type, issuer, expiry, age, applicant data.

Each check is a pure function of the parsed MRZ (and the applicant's typed data) returning one
`Check`. Reason codes are the contract with onboarding's policy (FINDING_OF_REASON there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.identity.core.mrz import (
    SPECIMEN_CODES,
    MrzDocument,
    country_name,
)
from services.identity.core.name_match import name_similarity
from services.identity.core.reasons import DocumentReason as R
from services.identity.core.verdict import OK, Check, CheckStatus

# ICAO 9303-3 §4.2: the first character of the document code says what the document is.
DOCUMENT_KINDS = {"P": "passport", "I": "identity card", "A": "identity card",
                  "C": "identity card", "V": "visa"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DataPolicy:
    """The part of DocumentPolicy these checks read."""

    minimum_age_years: int
    expiry_grace_days: int
    allowed_document_codes: frozenset[str]
    refused_issuing_states: frozenset[str]
    accept_specimens: bool
    name_match_at_least: float
    confident_read_at_least: float


@dataclass(frozen=True, slots=True)
class Applicant:
    """What the applicant typed; any field may be missing. PII: encrypted whenever it is at
    rest or on the queue."""

    given_names: str | None = None
    surname: str | None = None
    birth_date: date | None = None
    document_number: str | None = None


def _pass(name: str, detail: str) -> Check:
    return Check(name, CheckStatus.PASS, OK, detail)


def _fail(name: str, code: str, detail: str) -> Check:
    return Check(name, CheckStatus.FAIL, code, detail)


def _unknown(name: str, code: str, detail: str) -> Check:
    return Check(name, CheckStatus.UNKNOWN, code, detail)


def check_digits_check(mrz: MrzDocument, confidence: float, policy: DataPolicy) -> Check:
    """Every check digit of the format, composite included. A failure on a read the OCR was
    unsure of is more likely a misread than a forgery: the applicant is asked for a better
    photo (MRZ_UNREADABLE) instead of being declined."""
    failed = [c for c in mrz.checks if not c.ok]
    if not failed:
        return _pass("mrz_check_digits", f"{len(mrz.checks)} check digits valid ({mrz.format})")
    detail = ", ".join(f"{c.field} expects {c.expected}, reads {c.found!r}" for c in failed)
    code = _unless_unsure(R.MRZ_CHECK_DIGIT_INVALID, confidence, policy)
    return _fail("mrz_check_digits", code, f"{detail} (read confidence {confidence:.2f})")


def _unless_unsure(code: str, confidence: float, policy: DataPolicy) -> str:
    return code if confidence >= policy.confident_read_at_least else R.MRZ_UNREADABLE


def fields_check(mrz: MrzDocument, confidence: float, policy: DataPolicy) -> Check:
    """Fields well formed: document code, dates, sex, a primary identifier, known country
    codes (an unsure read is MRZ_UNREADABLE, as for the check digits)."""
    problems = mrz.problems
    if not problems:
        return _pass("mrz_fields", "dates, sex, name and nationality well formed")
    code = _unless_unsure(problems[0][0], confidence, policy)
    return _fail("mrz_fields", code, "; ".join(detail for _, detail in problems))


def document_type_check(mrz: MrzDocument, policy: DataPolicy) -> Check:
    kind = mrz.document_code[:1]
    if kind not in DOCUMENT_KINDS:
        return _fail(
            "document_type", R.MRZ_DOCUMENT_CODE_INVALID, f"document code {mrz.document_code!r}"
        )
    if kind not in policy.allowed_document_codes:
        return _fail(
            "document_type",
            R.DOCUMENT_TYPE_NOT_ACCEPTED,
            f"a {DOCUMENT_KINDS[kind]} is not accepted",
        )
    return _pass("document_type", f"{DOCUMENT_KINDS[kind]} ({mrz.document_code})")


def issuing_state_check(mrz: MrzDocument, policy: DataPolicy) -> Check:
    """A known ISO 3166 or ICAO code; specimens (UTO) and refused states are not accepted."""
    state = mrz.issuing_state
    name = country_name(state)
    if name is None:
        return _fail("issuing_state", R.ISSUING_STATE_INVALID, f"{state!r} is no country code")
    if state in policy.refused_issuing_states:
        return _fail("issuing_state", R.ISSUING_STATE_NOT_ACCEPTED, f"{name} is refused by policy")
    if state in SPECIMEN_CODES and not policy.accept_specimens:
        return _fail("issuing_state", R.ISSUING_STATE_NOT_ACCEPTED, f"{name}: a specimen")
    return _pass("issuing_state", name)


def expiry_check(mrz: MrzDocument, policy: DataPolicy, today: date) -> Check:
    expiry = mrz.expiry_date
    if expiry is None:
        return _unknown("document_expiry", R.EXPIRY_DATE_UNKNOWN, "no valid expiry date")
    if expiry + timedelta(days=policy.expiry_grace_days) < today:
        return _fail("document_expiry", R.DOCUMENT_EXPIRED, f"expired on {expiry.isoformat()}")
    return _pass("document_expiry", f"valid until {expiry.isoformat()}")


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def minimum_age_check(
    mrz: MrzDocument, applicant: Applicant | None, policy: DataPolicy, today: date
) -> Check:
    """Old enough under every plausible reading of the birth century.

    When the readings disagree (the CZE specimen: 15 or 115), the applicant's own typed date
    settles it only towards UNDERAGE: typing 1911 must not make a 15-year-old an adult, so
    that case goes to a person (BIRTH_CENTURY_AMBIGUOUS, REVIEW)."""
    minimum = policy.minimum_age_years
    readings = mrz.birth.plausible
    if not readings:
        return _unknown("minimum_age", R.BIRTH_DATE_UNKNOWN, "no valid birth date in the MRZ")
    old_enough = {age_on(d, today) >= minimum for d in readings}
    typed = applicant.birth_date if applicant else None
    if old_enough == {False} or (typed in readings and typed and age_on(typed, today) < minimum):
        return _fail("minimum_age", R.UNDERAGE, f"younger than {minimum}")
    if old_enough == {True}:
        return _pass("minimum_age", f"at least {minimum} years old")
    # No years in the sentence: check details are stored in clear, birth dates are personal.
    detail = f"the birth year fits {len(readings)} centuries: check the printed date of birth"
    return _unknown("minimum_age", R.BIRTH_CENTURY_AMBIGUOUS, detail)


def applicant_checks(
    mrz: MrzDocument, applicant: Applicant | None, policy: DataPolicy
) -> list[Check]:
    """Name (fuzzy), birth date and document number (exact) against what the applicant typed."""
    typed = applicant or Applicant()
    return [
        _name_check(mrz, typed, policy),
        _birth_date_check(mrz, typed),
        _document_number_check(mrz, typed),
    ]


def _missing(name: str, what: str) -> Check:
    return _unknown(name, R.APPLICANT_DATA_MISSING, f"the applicant gave no {what}")


def _name_check(mrz: MrzDocument, typed: Applicant, policy: DataPolicy) -> Check:
    if not typed.surname and not typed.given_names:
        return _missing("applicant_name", "name")
    score = name_similarity(typed.surname or "", typed.given_names or "", mrz)
    detail = f"similarity {score:.0f} (at least {policy.name_match_at_least:.0f})"
    if score >= policy.name_match_at_least:
        return _pass("applicant_name", detail)
    return _fail("applicant_name", R.NAME_MISMATCH, detail)


def _birth_date_check(mrz: MrzDocument, typed: Applicant) -> Check:
    if typed.birth_date is None:
        return _missing("applicant_birth_date", "birth date")
    # The MRZ has no century: when the document leaves it open, either reading matches.
    if typed.birth_date in mrz.birth.plausible:
        return _pass("applicant_birth_date", "equal to the MRZ")
    return _fail("applicant_birth_date", R.BIRTH_DATE_MISMATCH, "differs from the MRZ")


def _same_number(typed: str, mrz: MrzDocument) -> bool:
    # Exact, after the only normalisation the MRZ itself applies: upper case, no separators.
    given = "".join(c for c in typed.upper() if c.isalnum())
    return given == mrz.document_number.replace("<", "")


def _document_number_check(mrz: MrzDocument, typed: Applicant) -> Check:
    if not typed.document_number:
        return _missing("applicant_document_number", "document number")
    if _same_number(typed.document_number, mrz):
        return _pass("applicant_document_number", "equal to the MRZ")
    return _fail("applicant_document_number", R.DOCUMENT_NUMBER_MISMATCH, "differs from the MRZ")


# Which MRZ field each check's failure rests on: a failure read off an unsure field may be the
# OCR's, not the document's or the applicant's.
_FIELD_OF_CHECK = {
    "document_expiry": "expiry_date",
    "minimum_age": "birth_date",
    "applicant_birth_date": "birth_date",
    "applicant_document_number": "document_number",
}
_FIELD_WORDS = {
    "document_number": "document number",
    "birth_date": "birth date",
    "expiry_date": "expiry date",
    "optional_data": "optional data",
    "optional_data_2": "optional data",
}


def still_unsure(
    unsure: tuple[str, ...], mrz: MrzDocument, applicant: Applicant | None
) -> tuple[str, ...]:
    """The unsure fields the applicant's typed data does not confirm: a typed document number
    or birth date equal to the unsure read is an independent second reading of it."""
    typed = applicant or Applicant()
    confirmed = set()
    if typed.document_number and _same_number(typed.document_number, mrz):
        confirmed.add("document_number")
    if typed.birth_date is not None and typed.birth_date in mrz.birth.plausible:
        confirmed.add("birth_date")
    return tuple(f for f in unsure if f not in confirmed)


def read_certainty_check(unsure: tuple[str, ...]) -> Check:
    """Every check-digit-covered field read without a near-equal alternative. A check digit
    cannot tell S from 8 (28 and 8 are equal modulo 10), so a valid one over a field the OCR
    could nearly as well have read otherwise proves nothing: a person looks (REVIEW)."""
    if not unsure:
        return _pass("mrz_read_certainty", "no other reading of a checked field is close")
    words = ", ".join(dict.fromkeys(_FIELD_WORDS.get(f, f) for f in unsure))
    detail = f"another reading of the {words} passes the check digits almost as likely"
    return _unknown("mrz_read_certainty", R.MRZ_LOW_CONFIDENCE, detail)


def doubted(check: Check, unsure: tuple[str, ...]) -> Check:
    """A failure that rests on an unsure field becomes undecided (MRZ_LOW_CONFIDENCE): an
    expired date or a mismatching number read as S-for-8 must not decline a genuine document."""
    field = _FIELD_OF_CHECK.get(check.name)
    if check.status is not CheckStatus.FAIL or field not in unsure:
        return check
    detail = f"{check.detail}, but the {_FIELD_WORDS[field]} was read unsure"
    return _unknown(check.name, R.MRZ_LOW_CONFIDENCE, detail)
