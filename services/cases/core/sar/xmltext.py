"""Text shaping shared by the report renderers: what FIU schemas accept in their string fields."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from xml.etree import ElementTree as ET

from anyascii import anyascii

_SPACES = re.compile(r"\s+")
_GOAML_NAME_CHARS = re.compile(r"[^a-zA-Z0-9 .'-]")
# XML 1.0 forbids most C0 control characters; a narrative pasted from elsewhere may carry them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def single_line(text: str) -> str:
    """Collapse whitespace to single spaces and trim: FinCEN's `\\S+( +\\S+)*` strings.

    Never shortens: a value over a field's length is for the schema to refuse, by name.
    """
    return _SPACES.sub(" ", xml_safe(text)).strip()


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def goaml_name(text: str) -> str:
    """A name in goAML's ASCII name alphabet: transliterated ("Zoë" -> "Zoe"), then filtered."""
    return single_line(_GOAML_NAME_CHARS.sub("", anyascii(text)))


def sql_datetime(value: datetime | date) -> str:
    """goAML's `sql_date`: an xs:dateTime without zone, in UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    return f"{value.isoformat()}T00:00:00"


def yyyymmdd(value: date) -> str:
    return value.strftime("%Y%m%d")


def money(amount: Decimal) -> str:
    """Two decimals, banker's rounding, no exponent ("1E+3" is not an xs:decimal)."""
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    """Append a child element (with text when given) and return it."""
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = xml_safe(text)
    return child


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
