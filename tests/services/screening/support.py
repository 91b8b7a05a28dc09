"""Shared builders for the screening handler, store and gRPC tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.common.alerts import InMemoryAlertSink
from services.screening.handlers import ScreeningDeps
from services.screening.ports import InMemoryCustomerStore, InMemorySuppressionStore, StaticLists
from watchlists.model import Gender, Name, NameQuality, PartialDate, Party, Schema

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def person(party_id: str, *names: str, **fields: Any) -> Party:
    primary, *aliases = names
    all_names = (Name(primary), *(Name(a, NameQuality.STRONG_ALIAS) for a in aliases))
    return Party(party_id, Schema.PERSON, all_names, source=party_id.split(":")[0], **fields)


PUTIN = person(
    "eu:putin",
    "Vladimir Vladimirovich PUTIN",
    birth_dates=(PartialDate(1952, 10, 7),),
    nationalities=("RU",),
    gender=Gender.MALE,
)
PRIGOZHIN = person("ofac:prigozhin", "PRIGOZHIN, Yevgeniy Viktorovich")
SMITH = person("ofac:smith", "John SMITH", birth_dates=(PartialDate(1970, 5, 1),))
HABASH = person("un:habash", "George HABASH")
BASE_LIST = (PUTIN, PRIGOZHIN, SMITH, HABASH)


def deps_with(entries: tuple[Party, ...] = BASE_LIST) -> tuple[ScreeningDeps, InMemoryAlertSink]:
    sink = InMemoryAlertSink()
    deps = ScreeningDeps(
        lists=StaticLists(entries, clock),
        customers=InMemoryCustomerStore(),
        suppressions=InMemorySuppressionStore(),
        alerts=sink,
        clock=clock,
    )
    return deps, sink
