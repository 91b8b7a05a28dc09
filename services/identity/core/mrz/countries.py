"""Three-letter codes an MRZ may carry as issuing state or nationality (ICAO 9303-3 §5).

ISO 3166-1 alpha-3 (from pycountry), plus the codes ICAO adds: Germany's `D`, the British
categories, the UN and EU, stateless persons and refugees, international organisations, and
Kosovo's `RKS`. `UTO` (Utopia) appears only on specimens.
"""

from __future__ import annotations

from collections.abc import Mapping

import pycountry

SPECIMEN_CODES = frozenset({"UTO"})

ICAO_CODES: Mapping[str, str] = {
    "D": "Germany",
    "EUE": "European Union",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "UNO": "United Nations Organization (official)",
    "UNA": "United Nations specialized agency (official)",
    "UNK": "Kosovo (UN interim administration, UNMIK)",
    "RKS": "Kosovo",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XPO": "International Criminal Police Organization (Interpol)",
    "XES": "Organisation of Eastern Caribbean States",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta",
    "XDC": "Southern African Development Community",
    "XXA": "Stateless person",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee (other)",
    "XXX": "Unspecified nationality",
    "UTO": "Utopia (ICAO specimen)",
}


def _iso_names() -> dict[str, str]:
    return {c.alpha_3: c.name for c in pycountry.countries}


_NAMES: Mapping[str, str] = _iso_names() | dict(ICAO_CODES)


def normalise_code(raw: str) -> str:
    """The code without its `<` fillers: `D<<` -> `D`."""
    return raw.rstrip("<")


def country_name(code: str) -> str | None:
    """The English name of an MRZ country code (fillers allowed), None if it is not one."""
    return _NAMES.get(normalise_code(code))


def is_known_code(code: str) -> bool:
    return country_name(code) is not None
