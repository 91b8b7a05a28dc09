"""The bundled FIU schemas (see SOURCES.md) and validation that explains itself.

Both schemas declare XSD 1.1, so they are loaded with `xmlschema.XMLSchema11` (lxml speaks only
XSD 1.0). Loading takes under a second and is done once per process. Every problem the schema
finds is reported as a `FieldViolation` whose field is the element's path and whose description
says, in plain words, what the schema wants — never the offending value, which may be PII.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import xmlschema
from defusedxml import ElementTree as SafeET

from services.cases.core.sar.model import SarFormat
from services.common.errors import FieldViolation

SCHEMA_DIR = Path(__file__).parent
SCHEMA_FILES = {
    SarFormat.GOAML: SCHEMA_DIR / "goAMLSchema-5.0.2.xsd",
    SarFormat.FINCEN: SCHEMA_DIR / "EFL_SARXBatchSchema-1.2.xsd",
}
MAX_REPORTED = 20
_NAMESPACE = re.compile(r"\{[^}]*\}|\bfc2:")
_PLAIN: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"length cannot be greater than (\d+)"),
        r"is longer than the \1 characters allowed",
    ),
    (
        re.compile(r"length cannot be lower than (\d+)"),
        r"is shorter than the \1 characters required",
    ),
    (re.compile(r"value must be one of \[.*"), "is not a code the FIU's list accepts"),
    (
        re.compile(r"value doesn't match any pattern of \[.*"),
        "has characters or a format the schema does not allow",
    ),
    (
        re.compile(
            r"The content of element '?(\S+?)'? is not complete.*Tag '?([^' ]+)'? expected.*"
        ),
        r"is missing the required element \2",
    ),
    (re.compile(r"The content of element .* is not complete.*"), "is missing a required element"),
    (
        re.compile(r"Unexpected child with tag '?([^' ]+)'? at position (\d+).*"),
        r"has an unexpected element \1 (at position \2)",
    ),
    (re.compile(r"missing required attribute '?([^' ]+)'?.*"), r"lacks the required attribute \1"),
    (
        re.compile(r".*is not a valid value of the atomic type .*xs:(decimal|int|long|dateTime).*"),
        r"is not a valid \1",
    ),
    (re.compile(r"duplicated value .* for .*"), "repeats a value that must be unique"),
)


# What the drafter knows an element as, by its tag: shown before the schema's reason.
_LABELS = {
    "reason": "narrative",
    "ActivityNarrativeText": "narrative",
    "ActivityNarrativeInformation": "narrative",
    "first_name": "first name",
    "RawIndividualFirstName": "first name",
    "middle_name": "middle name",
    "RawIndividualMiddleName": "middle name",
    "last_name": "last name",
    "RawEntityIndividualLastName": "last or entity name",
    "RawPartyFullName": "name",
    "name": "entity name",
    "account_name": "account holder name",
    "account": "account number",
    "AccountNumberText": "account number",
    "amount_local": "amount",
    "indicator": "indicator code (FIU profile)",
    "SuspiciousActivitySubtypeID": "activity code (FIU profile)",
    "SuspiciousActivityTypeID": "activity code (FIU profile)",
    "country_code": "country",
    "RawCountryCodeText": "country",
    "currency_code": "currency",
    "currency_code_local": "reporting currency (FIU profile)",
    "PartyIdentificationNumberText": "identification number",
}


@cache
def load_schema(fmt: SarFormat) -> xmlschema.XMLSchema11:
    """The parsed schema of a report format (cached for the life of the process)."""
    return xmlschema.XMLSchema11(str(SCHEMA_FILES[fmt]))


def plain_reason(reason: str) -> str:
    """The validator's reason rewritten for a compliance officer (namespaces dropped)."""
    text = _NAMESPACE.sub("", " ".join(reason.split()))
    for pattern, replacement in _PLAIN:
        if pattern.search(text):
            return pattern.sub(replacement, text, count=1)
    return text


def schema_violations(document: bytes, fmt: SarFormat) -> tuple[FieldViolation, ...]:
    """Every schema problem of a rendered report (at most `MAX_REPORTED`), in document order."""
    root = SafeET.fromstring(document)
    found: list[FieldViolation] = []
    for error in load_schema(fmt).iter_errors(root):
        path = _NAMESPACE.sub("", error.path or "/")
        reason = plain_reason(error.reason or error.message)
        label = _LABELS.get(path.rsplit("/", 1)[-1].split("[")[0])
        found.append(FieldViolation(path, f"{label}: {reason}" if label else reason))
        if len(found) >= MAX_REPORTED:
            break
    return tuple(found)
