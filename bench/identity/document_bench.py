"""Document checks benchmark: `python -m bench.identity.document_bench [--runs N]`.

Tables:
1. corruptions: on every golden MRZ of ../shared/data/documents/expected_mrz.csv (and the ICAO
   long-number TD1), every single-character substitution at every position a check digit
   covers; how many `parse_mrz` refuses (valid False), and how many slip through the 7-3-1
   scheme's blind spot (a character of equal value modulo 10).
2. check cost: the median time of `analyse_document` without the OCR and the portrait (an
   injected reader returns the known lines), i.e. parsing, the data checks, the name match and
   the image-quality measures, on synthetic passports at three photo sizes; and with the real
   OCR on each shared image when this build has it (`read_mrz` time reported separately).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from bench.identity.data import shared_data
from bench.identity.document_images import KnownReader, downscaled, draw_document, td3_lines
from services.identity.core.documents import (
    OCR_MODULE,
    ApplicantData,
    DocumentPolicy,
    MrzReader,
    analyse_document,
    default_reader,
)
from services.identity.core.images import RgbImage, decode_image
from services.identity.core.mrz import LAYOUTS, MRZ_ALPHABET, char_value, detect_format, parse_mrz

TODAY = date(2010, 6, 1)
TD1_LONG = (
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
)


def golden_mrzs(documents: Path) -> list[tuple[str, ...]]:
    with (documents / "expected_mrz.csv").open(newline="") as handle:
        rows = [
            tuple(r[k] for k in ("line1", "line2", "line3") if r[k]) for r in csv.DictReader(handle)
        ]
    return [*dict.fromkeys(r for r in rows if r), TD1_LONG]


def corruption_counts(lines: tuple[str, ...]) -> tuple[int, int, int]:
    """(substitutions tried, refused, accepted through the modulo-10 blind spot)."""
    fmt = detect_format(lines)
    assert fmt is not None
    layout = LAYOUTS[fmt]
    tried = refused = blind = 0
    for line in range(layout.line_count):
        for col in range(layout.line_length):
            if not layout.checks_covering(line, col):
                continue
            original = lines[line][col]
            for char in sorted(MRZ_ALPHABET - {original}):
                changed = lines[line][:col] + char + lines[line][col + 1 :]
                corrupted = (*lines[:line], changed, *lines[line + 1 :])
                tried += 1
                if not parse_mrz(corrupted, TODAY).valid:
                    refused += 1
                elif (char_value(char) - char_value(original)) % 10 == 0:
                    blind += 1
    return tried, refused, blind


def print_corruptions(documents: Path) -> None:
    print("\nSingle-character substitutions at check-digit-covered positions")
    print(f"{'MRZ (last line)':46} {'tried':>6} {'refused':>8} {'blind spot':>10} {'other':>6}")
    totals = [0, 0, 0]
    for lines in golden_mrzs(documents):
        tried, refused, blind = corruption_counts(lines)
        totals = [totals[0] + tried, totals[1] + refused, totals[2] + blind]
        print(f"{lines[-1]:46} {tried:6d} {refused:8d} {blind:10d} {tried - refused - blind:6d}")
    tried, refused, blind = totals
    print(f"{'total':46} {tried:6d} {refused:8d} {blind:10d} {tried - refused - blind:6d}")
    print(f"refused {refused / tried:.2%}; every accepted one has the value of the original")
    print("modulo 10 (`0 A K U <`, `1 B L V`...): no 7-3-1 check digit can see those")


def _median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(timings)


def print_check_cost(runs: int) -> None:
    lines = td3_lines("ERIKSSON", "ANNA MARIA", "L898902C3", "740812", "F", "300101")
    applicant = ApplicantData("Anna Maria", "Eriksson", date(1974, 8, 12), "L898902C3")
    policy = DocumentPolicy(accept_specimens=True)
    print(f"\nDocument checks without OCR or portrait (median of {runs} runs)")
    print(f"{'photo':>12} {'MRZ char px':>11} {'checks ms':>10}")
    base = draw_document(lines, char_height=44)
    for factor in (1.0, 0.5, 0.25):
        doc = downscaled(base, factor) if factor != 1.0 else base
        reader = KnownReader(doc.reading)
        run = partial(analyse_document, doc.pixels, applicant, policy, TODAY, reader)
        ms = _median_ms(run, runs)
        size = f"{doc.pixels.shape[1]}x{doc.pixels.shape[0]}"
        print(f"{size:>12} {44 * factor:11.0f} {ms:10.1f}")


def print_shared_images(documents: Path, runs: int) -> None:
    try:
        reader = default_reader()
    except ModuleNotFoundError:
        print(f"\n({OCR_MODULE} is not in this build: no end-to-end table)")
        return
    print(
        f"\nEnd to end on the shared images, today = {TODAY}, no applicant data (median of {runs})"
    )
    print(f"{'file':50} {'read':>5} {'valid':>5} {'OCR ms':>7} {'checks ms':>9}  failing checks")
    with (documents / "expected_mrz.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    policy = DocumentPolicy(accept_specimens=True)
    for row in rows:
        pixels = decode_image((documents / row["file"]).read_bytes(), field="document").pixels
        _print_image_row(row, pixels, reader, policy, runs)


def _print_image_row(
    row: dict[str, str], pixels: RgbImage, reader: MrzReader, policy: DocumentPolicy, runs: int
) -> None:
    expected = tuple(row[k] for k in ("line1", "line2", "line3") if row[k])
    reports = [analyse_document(pixels, None, policy, TODAY, reader) for _ in range(runs)]
    report = reports[-1]
    ocr = statistics.median(r.timings_ms["mrz_read"] for r in reports)
    total = statistics.median(r.timings_ms["total"] for r in reports)
    exact = report.mrz is not None and report.mrz.lines == expected
    valid = report.mrz is not None and report.mrz.valid
    failing = [
        f"{c.name}:{c.reason_code}"
        for c in report.checks
        if c.status.value != "pass" and c.reason_code != "APPLICANT_DATA_MISSING"
    ]
    cells = f"{row['file']:50} {exact!s:>5} {valid!s:>5} {ocr:7.0f} {total - ocr:9.1f}"
    print(f"{cells}  {' '.join(failing)}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.identity.document_bench")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)
    documents = shared_data() / "documents"
    print_corruptions(documents)
    print_check_cost(options.runs)
    print_shared_images(documents, options.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
