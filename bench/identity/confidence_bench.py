"""Calibrating the unsure-read signal: which reads it flags, right and wrong.

`python -m bench identity --only=confidence [--mrz-count N] [--seed S]` reads generated
specimens (services.identity.specimens, TD3 and TD1 alternately) under two capture models:
`photo`, the MRZ benchmark's (tilt ±5°, 3 % perspective, blur, noise, JPEG 35-95), and
`hard`, a worse phone photo (the side-on shear of the LUX specimen, more blur and noise, JPEG
down to 20, and a capture at 30-45 % of the resolution). For every read it records each
field's margin (services/identity/core/ocr/certainty.py) and whether the field was read right,
then prints, per threshold, the share of exact reads flagged unsure (false reviews) and of
wrong reads flagged (misreads caught), wrong reads split into those whose check digits all hold
(the dangerous ones: nothing else catches them) and the rest.

Calibrate on one seed and report on another: the shared document images are the test set and
are never used here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from bench.identity.mrz_bench import Case, generated_cases
from services.identity.core.mrz import LAYOUTS, detect_format
from services.identity.core.ocr import read_mrz
from services.identity.core.ocr.certainty import UNSURE_BELOW, checked
from services.identity.core.ocr.synth import Distortion
from services.identity.specimens import PHOTO

HARD = Distortion(
    rotation_deg=5.0, perspective=0.05, blur_sigma=1.8, noise_sigma=12.0, jpeg_quality_min=20,
    shear=0.15,
)  # fmt: skip
HARD_SCALE = (0.3, 0.45)
"""The hard set's capture resolution: MRZ characters about 6-10 px high, where misreads start."""
THRESHOLDS = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)


@dataclass(frozen=True, slots=True)
class Observation:
    """One generated document: was it read exactly, did its check digits hold, and each
    check-covered field's margin and correctness."""

    group: str
    found: bool
    exact: bool
    checks_valid: bool
    margins: tuple[tuple[str, float, bool], ...]  # (field, margin, read right)

    def flagged(self, below: float) -> bool:
        return any(margin < below for _, margin, _ in self.margins)


def observe(case: Case, group: str) -> Observation:
    reading = read_mrz(case.pixels)
    if reading is None or case.expected is None:
        return Observation(group, False, False, False, ())
    fmt = detect_format(case.expected)
    layout = LAYOUTS[fmt] if fmt else None
    margins = []
    if layout is not None and len(reading.lines) == len(case.expected):
        for spec in layout.fields:
            if checked(spec, layout):
                right = spec.span.read(reading.lines) == spec.span.read(case.expected)
                margins.append((spec.name, reading.field_margins.get(spec.name, np.inf), right))
    exact = reading.lines == case.expected
    return Observation(group, True, exact, reading.checks_valid, tuple(margins))


def hard_cases(faces: Path, count: int, seed: int) -> Iterator[Case]:
    """The generated specimens under HARD, each then captured at HARD_SCALE of the size."""
    rng = np.random.default_rng(seed + 7_919)
    for case in generated_cases(faces, count, seed, HARD):
        scale = float(rng.uniform(*HARD_SCALE))
        small = cv2.resize(case.pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        yield replace(case, pixels=np.ascontiguousarray(small))


def observations(faces: Path, count: int, seed: int) -> list[Observation]:
    found = [observe(c, "photo") for c in generated_cases(faces, count, seed, PHOTO)]
    found += [observe(c, "hard") for c in hard_cases(faces, count, seed)]
    return found


def dump(found: Sequence[Observation], path: Path) -> None:
    """One JSON object per observation, to rerun the analysis without rereading."""
    with path.open("w") as handle:
        for o in found:
            handle.write(json.dumps(asdict(o)) + "\n")


def print_calibration(found: Sequence[Observation], seed: int) -> None:
    """One row per threshold: exact reads flagged, wrong reads flagged (valid / invalid)."""
    read = [o for o in found if o.found]
    exact = [o for o in read if o.exact]
    wrong_valid = [o for o in read if not o.exact and o.checks_valid]
    wrong_field = [o for o in wrong_valid if any(not right for *_, right in o.margins)]
    wrong_invalid = [o for o in read if not o.exact and not o.checks_valid]
    groups = ", ".join(
        f"{g}: {sum(o.exact for o in read if o.group == g)}/"
        f"{sum(1 for o in found if o.group == g)} exact"
        for g in dict.fromkeys(o.group for o in found)
    )
    print(f"seed {seed}: {groups}; not found {len(found) - len(read)}")
    print(
        f"{'unsure below':>13}{'exact flagged':>18}{'wrong, checks valid':>22}"
        f"{'  of which a checked field':>28}{'wrong, checks fail':>20}"
    )
    for below in THRESHOLDS:
        marker = " <- UNSURE_BELOW" if below == UNSURE_BELOW else ""
        print(
            f"{below:>13.1f}{_share(exact, below):>18}{_share(wrong_valid, below):>22}"
            f"{_share(wrong_field, below):>28}{_share(wrong_invalid, below):>20}{marker}"
        )


def _share(group: Sequence[Observation], below: float) -> str:
    if not group:
        return "-"
    flagged = sum(o.flagged(below) for o in group)
    return f"{flagged}/{len(group)} ({flagged / len(group):.1%})"
