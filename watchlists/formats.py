"""The list formats Warden can read, by the name a catalog uses for them.

Each format declares the file roles it needs ("primary", "alt", ...) and adapts the catalog's
files to its parser. The catalog validates a source's roles against this table at load time,
so a typo in the catalog fails before any file is parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from watchlists.model import Party
from watchlists.parsers._io import DEFAULT_LIMITS, Limits
from watchlists.parsers.custom_csv import CustomCsvOptions, parse_custom_csv
from watchlists.parsers.eu_oj_csv import EuOptions, parse_eu_oj_csv
from watchlists.parsers.ftm_json import FtmOptions, parse_ftm_json
from watchlists.parsers.ofac_csv import OfacFiles, OfacOptions, parse_ofac_csv
from watchlists.parsers.senzing_json import SenzingOptions, parse_senzing_json
from watchlists.parsers.uk_ofsi import (
    UkOptions,
    parse_uk_ofsi_csv,
    parse_uk_ofsi_xlsx,
    read_uk_last_updated,
)
from watchlists.parsers.un_xml import UnOptions, parse_un_xml, read_un_generated_date
from watchlists.parsers.us_bis_dpl import DplOptions, parse_us_bis_dpl

# Bump when any parser's output changes for the same input: it is part of every snapshot
# version id, so a parser fix produces a new version (and a delta) even if no file changed.
PARSERS_VERSION = "2"

Files = Mapping[str, tuple[Path, ...]]


@dataclass(frozen=True, slots=True)
class ParseSettings:
    """What a source tells its parser besides its files."""

    source: str
    limits: Limits = DEFAULT_LIMITS
    default_topics: tuple[str, ...] = ()
    allow_orphans: bool = False


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    parse: Callable[[Files, ParseSettings], Iterator[Party]]
    read_as_of: Callable[[Files, ParseSettings], date | None] | None = None
    many: tuple[str, ...] = ()  # roles that may hold several files (a glob)


def _one(files: Files, role: str) -> Path:
    return files[role][0]


def _maybe(files: Files, role: str) -> Path | None:
    return files[role][0] if files.get(role) else None


def _ofac(files: Files, s: ParseSettings) -> Iterator[Party]:
    ofac = OfacFiles(
        _one(files, "primary"),
        _maybe(files, "alt"),
        _maybe(files, "addresses"),
        _maybe(files, "comments"),
    )
    return parse_ofac_csv(ofac, OfacOptions(s.source, s.limits, s.allow_orphans))


def _topics(s: ParseSettings, fallback: tuple[str, ...]) -> tuple[str, ...]:
    return s.default_topics or fallback


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("ofac_csv", ("primary",), ("alt", "addresses", "comments"), _ofac),
        Format(
            "un_xml",
            ("main",),
            (),
            lambda f, s: parse_un_xml(_one(f, "main"), UnOptions(s.source, s.limits)),
            lambda f, s: read_un_generated_date(_one(f, "main"), s.limits),
        ),
        Format(
            "eu_oj_csv",
            ("annexes",),
            (),
            lambda f, s: parse_eu_oj_csv(f["annexes"], EuOptions(s.source, s.limits)),
            many=("annexes",),
        ),
        Format(
            "uk_ofsi_csv",
            ("main",),
            (),
            lambda f, s: parse_uk_ofsi_csv(_one(f, "main"), UkOptions(s.source, s.limits)),
            lambda f, s: read_uk_last_updated(_one(f, "main"), s.limits),
        ),
        Format(
            "uk_ofsi_xlsx",
            ("main",),
            (),
            lambda f, s: parse_uk_ofsi_xlsx(_one(f, "main"), UkOptions(s.source, s.limits)),
            lambda f, s: read_uk_last_updated(_one(f, "main"), s.limits),
        ),
        Format(
            "us_bis_dpl",
            ("main",),
            (),
            lambda f, s: parse_us_bis_dpl(_one(f, "main"), DplOptions(s.source, s.limits)),
        ),
        Format(
            "custom_csv",
            ("main",),
            (),
            lambda f, s: parse_custom_csv(
                _one(f, "main"),
                CustomCsvOptions(s.source, s.limits, _topics(s, ("sanction",))),
            ),
        ),
        Format(
            "ftm_json",
            ("main",),
            (),
            lambda f, s: parse_ftm_json(
                _one(f, "main"), FtmOptions(s.source, s.limits, s.default_topics)
            ),
        ),
        Format(
            "senzing_json",
            ("main",),
            (),
            lambda f, s: parse_senzing_json(
                _one(f, "main"), SenzingOptions(s.source, s.limits, s.default_topics)
            ),
        ),
    )
}
