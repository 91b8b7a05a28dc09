"""ICAO 9303 machine-readable zones: layouts, check digits, parsing (pure, no image code)."""

from services.identity.core.mrz.checkdigit import FILLER, MRZ_ALPHABET, char_value, check_digit
from services.identity.core.mrz.countries import (
    ICAO_CODES,
    SPECIMEN_CODES,
    country_name,
    is_known_code,
)
from services.identity.core.mrz.dates import BirthDate
from services.identity.core.mrz.layout import (
    LAYOUTS,
    CheckSpec,
    FieldKind,
    FieldSpec,
    Layout,
    MrzFormat,
    Span,
    detect_format,
)
from services.identity.core.mrz.names import MrzName, parse_name
from services.identity.core.mrz.parser import (
    CheckDigitResult,
    MrzDocument,
    MrzFormatError,
    Sex,
    parse_mrz,
)

__all__ = [
    "FILLER",
    "ICAO_CODES",
    "LAYOUTS",
    "MRZ_ALPHABET",
    "SPECIMEN_CODES",
    "BirthDate",
    "CheckDigitResult",
    "CheckSpec",
    "FieldKind",
    "FieldSpec",
    "Layout",
    "MrzDocument",
    "MrzFormat",
    "MrzFormatError",
    "MrzName",
    "Sex",
    "Span",
    "char_value",
    "check_digit",
    "country_name",
    "detect_format",
    "is_known_code",
    "parse_mrz",
    "parse_name",
]
