"""MRZ reading benchmark: exact full-MRZ read rate and time per image, Warden vs PassportEye.

Sets: the shared document images (../shared/data/documents, expected strings in
expected_mrz.csv; the negative must read as no MRZ) and N generated specimens
(services.identity.specimens: random valid fields, OCR-B on security paper with a real portrait,
photographed with tilt up to ±5°, 3 % perspective, blur, noise and JPEG 35-95). A read is exact
when every line matches character for character. Warden's time per image is the median of
`runs` reads of that image; PassportEye (Tesseract) is run once per image, in the same process,
when it is installed (`pip install passporteye` + Debian `tesseract-ocr`; never a runtime
dependency of Warden).
"""

from __future__ import annotations

import csv
import importlib
import io
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from services.identity.core.images import RgbImage
from services.identity.core.ocr import read_mrz
from services.identity.core.ocr.synth import Distortion
from services.identity.specimens import (
    PHOTO,
    DocumentKind,
    SpecimenOptions,
    head_and_shoulders,
    random_fields,
    render_specimen,
)

Reader = Callable[[RgbImage], tuple[str, ...] | None]


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    group: str
    pixels: RgbImage
    expected: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Outcome:
    exact: bool
    ms: float


def shared_cases(documents: Path) -> Iterator[Case]:
    with (documents / "expected_mrz.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            lines = tuple(row[k] for k in ("line1", "line2", "line3") if row[k])
            group = row["file"].split("/")[0]
            pixels = np.asarray(Image.open(documents / row["file"]).convert("RGB"))
            yield Case(row["file"], f"shared {group}", pixels, lines or None)


def generated_cases(
    faces: Path, count: int, seed: int, distortion: Distortion = PHOTO
) -> Iterator[Case]:
    """`count` specimens, alternately passports (TD3) and ID cards (TD1), fixed seeds."""
    portraits = [head_and_shoulders(_load(p)) for p in sorted(faces.glob("people/*/*.jpg"))[:12]]
    rng = np.random.default_rng(seed)
    for index in range(count):
        kind = DocumentKind.PASSPORT if index % 2 == 0 else DocumentKind.ID_CARD
        options = SpecimenOptions(kind=kind, distortion=distortion, seed=seed * 100_003 + index)
        specimen = render_specimen(random_fields(rng), portraits[index % len(portraits)], options)
        yield Case(f"generated-{index}", f"generated {kind.value}", specimen.pixels, specimen.mrz)


def _load(path: Path) -> RgbImage:
    return np.asarray(Image.open(path).convert("RGB"))


def warden_reader(pixels: RgbImage) -> tuple[str, ...] | None:
    reading = read_mrz(pixels)
    return reading.lines if reading else None


def passporteye_reader() -> Reader | None:
    """PassportEye's reader, or None when it (or Tesseract) is not installed here."""
    try:
        # Imported by name: an optional tool of this benchmark, absent from Warden's dependencies.
        eye_read = importlib.import_module("passporteye").read_mrz
        importlib.import_module("pytesseract").get_tesseract_version()
    except Exception:
        return None

    def read(pixels: RgbImage) -> tuple[str, ...] | None:
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="PNG")
        buffer.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # skimage deprecations inside passporteye
            found = eye_read(buffer)
        if found is None:
            return None
        return tuple(str(line) for line in found.aux.get("text", "").split("\n") if line)

    return read


def measure(reader: Reader, case: Case, runs: int) -> Outcome:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = reader(case.pixels)
        times.append((time.perf_counter() - started) * 1000.0)
    return Outcome(result == case.expected, statistics.median(times))


def run(cases: list[Case], runs: int, include_passporteye: bool) -> None:
    """Read every case with Warden (and PassportEye), print one row per group and a total."""
    eye = passporteye_reader() if include_passporteye else None
    groups: dict[str, list[tuple[Outcome, Outcome | None]]] = {}
    misses: list[str] = []
    for case in cases:
        ours = measure(warden_reader, case, runs)
        theirs = measure(eye, case, 1) if eye else None
        groups.setdefault(case.group, []).append((ours, theirs))
        if not ours.exact:
            misses.append(case.name)
    _print_table(groups, eye is not None)
    if misses:
        print(f"warden misses: {', '.join(misses)}")
    if eye is None and include_passporteye:
        print("PassportEye: not run (not installed here, or Tesseract missing)")


def _print_table(groups: dict[str, list[tuple[Outcome, Outcome | None]]], with_eye: bool) -> None:
    header = f"{'set':<28}{'images':>7}{'warden exact':>16}{'p50 ms':>9}{'p95 ms':>9}"
    if with_eye:
        header += f"{'passporteye exact':>20}{'p50 ms':>9}"
    print(header)
    rows = list(groups.items())
    everything = [o for _, outcomes in rows for o in outcomes]
    for name, outcomes in [*rows, ("all", everything)]:
        print(_row(name, outcomes, with_eye))


def _row(name: str, outcomes: list[tuple[Outcome, Outcome | None]], with_eye: bool) -> str:
    ours = [o for o, _ in outcomes]
    times = np.array([o.ms for o in ours])
    exact = sum(o.exact for o in ours)
    line = (
        f"{name:<28}{len(ours):>7}{f'{exact} ({exact / len(ours):.1%})':>16}"
        f"{np.percentile(times, 50):>9.0f}{np.percentile(times, 95):>9.0f}"
    )
    theirs = [t for _, t in outcomes if t is not None]
    if with_eye and theirs:
        hits = sum(t.exact for t in theirs)
        line += (
            f"{f'{hits} ({hits / len(theirs):.1%})':>20}{np.median([t.ms for t in theirs]):>9.0f}"
        )
    return line
