"""Where the benchmark finds ../shared/data/faces and documents, and how it reads them."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from services.identity.core.images import RgbImage, decode_image

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    """WARDEN_SHARED_DATA, ../shared/data beside the checkout, or /work/shared/data."""
    for candidate in (
        os.environ.get("WARDEN_SHARED_DATA"),
        str(REPO_ROOT.parent / "shared" / "data"),
        "/work/shared/data",
    ):
        if candidate and Path(candidate, "faces").is_dir():
            return Path(candidate)
    raise SystemExit("../shared/data/faces not found (set WARDEN_SHARED_DATA)")


@dataclass(frozen=True, slots=True)
class LabelledPair:
    file_a: str
    file_b: str
    same_person: bool
    reference_distance: float


def labelled_pairs(faces: Path) -> list[LabelledPair]:
    """pairs_reference.csv: every pair of the 63 single-person images, labelled."""
    with (faces / "pairs_reference.csv").open(newline="") as handle:
        return [
            LabelledPair(
                row["file_a"],
                row["file_b"],
                row["same_person"] == "1",
                float(row["dlib_distance_hog_small_jitter1"]),
            )
            for row in csv.DictReader(handle)
        ]


def load(path: Path) -> RgbImage:
    """Decode through the production decoder (EXIF orientation applied)."""
    return decode_image(path.read_bytes(), field=path.name).pixels
