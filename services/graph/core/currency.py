"""Currency normalisation for amount rules (thresholds, fee bands, out ≈ in).

Detectors compare amounts across currencies ("just under the 10,000 USD reporting threshold",
"the next hop carries 97% of the previous one"), so every amount is converted to one reporting
currency (USD) before detection. The rates are a STATIC REFERENCE TABLE shipped as data in
`rates.csv` (approximate mid-market rates of early 2024): good enough to put an amount on the
right side of a threshold, never for accounting. A bank replaces the table with its own
(`RateTable.from_csv`) — the detectors only ever see the normalised amounts.

IBM AMLworld files name currencies in words ("US Dollar", "Yuan", "Bitcoin"); the table's
`aliases` column maps those names to codes, so the parsers need no second table.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services.common.errors import InvalidArgument

REPORTING_CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class RateTable:
    """Units of the reporting currency per unit of each currency, with name aliases."""

    usd_per_unit: dict[str, float]
    aliases: dict[str, str]

    def code(self, name: str) -> str:
        """The code for a code or an alias ("Euro" -> "EUR"); InvalidArgument if unknown."""
        key = name.strip()
        if key.upper() in self.usd_per_unit:
            return key.upper()
        code = self.aliases.get(key.casefold())
        if code is None:
            raise InvalidArgument.for_field(
                "currency", f"unknown currency {key!r}", reason="UNKNOWN_CURRENCY"
            )
        return code

    def to_reporting(self, amount: float, currency: str) -> float:
        """`amount` of `currency` expressed in the reporting currency (USD)."""
        return amount * self.usd_per_unit[self.code(currency)]

    @classmethod
    def from_csv(cls, text: str) -> RateTable:
        """Parse a table with columns code, usd_per_unit, aliases ("|"-separated)."""
        rates: dict[str, float] = {}
        aliases: dict[str, str] = {}
        for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            code = (row.get("code") or "").strip().upper()
            try:
                rate = float(row.get("usd_per_unit") or "")
            except ValueError:
                rate = -1.0
            if not code or rate <= 0:
                raise InvalidArgument.for_field(f"rates[{line}]", "needs a code and a rate > 0")
            rates[code] = rate
            for alias in (row.get("aliases") or "").split("|"):
                if alias.strip():
                    aliases[alias.strip().casefold()] = code
        return cls(rates, aliases)


@cache
def default_rates() -> RateTable:
    """The static reference table shipped with Warden (`services/graph/core/rates.csv`)."""
    text = resources.files(__package__).joinpath("rates.csv").read_text(encoding="utf-8")
    return RateTable.from_csv(text)
