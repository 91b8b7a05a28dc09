from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.graph.core.currency import RateTable, default_rates


def test_codes_and_ibm_currency_names_resolve_to_the_same_rate() -> None:
    rates = default_rates()
    assert rates.code("Euro") == rates.code("eur") == "EUR"
    assert rates.code("Bitcoin") == "XBT"
    assert rates.to_reporting(100, "US Dollar") == 100
    assert rates.to_reporting(100, "Euro") == pytest.approx(109.0)


def test_unknown_currency_is_a_field_error() -> None:
    with pytest.raises(InvalidArgument) as caught:
        default_rates().code("Doubloon")
    assert caught.value.reason == "UNKNOWN_CURRENCY"
    assert caught.value.violations[0].field == "currency"


def test_a_bank_can_load_its_own_table_and_bad_rates_are_rejected() -> None:
    table = RateTable.from_csv("code,usd_per_unit,aliases\nUSD,1,Dollar\nNOK,0.095,Krone|Kroner\n")
    assert table.to_reporting(1000, "Kroner") == pytest.approx(95.0)
    with pytest.raises(InvalidArgument):
        RateTable.from_csv("code,usd_per_unit,aliases\nNOK,-1,\n")
