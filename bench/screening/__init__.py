"""Screening benchmark: accuracy on the shared eval sets and speed against all shared lists.

Run: `.venv/bin/python -m bench screening [--sample=N] [--runs=N] [--skip-accuracy]
[--skip-speed] [--errors]` (`--errors` lists the name benchmark's training-split errors).
`--mode=rescreen` measures re-screening after a list update instead (`rescreen.py`).
Data: ../shared/data/watchlists (WARDEN_SHARED_DATA overrides). Lists are read by the
`watchlists` parsers (the shipped catalog, plus the opt-in PEP sample).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.screening.accuracy import (
    cross_script,
    name_benchmark,
    positives_and_negatives,
    putin_spellings,
)
from bench.screening.corpus import load_lists
from bench.screening.rescreen import rescreen_bench
from bench.screening.speed import speed_tables
from services.screening.core.index import CandidateIndex
from services.screening.core.screen import ScreenOptions
from tests.conftest import find_shared_data


def _option(argv: list[str], name: str, default: int | None) -> int | None:
    for arg in argv:
        if arg.startswith(f"--{name}="):
            return int(arg.split("=", 1)[1])
    return default


def main(argv: list[str]) -> int:
    data = find_shared_data()
    if data is None:
        print("../shared/data not found (set WARDEN_SHARED_DATA)", file=sys.stderr)
        return 2
    if "--mode=rescreen" in argv:
        sizes = {
            "customers": _option(argv, "customers", 20_000) or 20_000,
            "delta": _option(argv, "delta", 500) or 500,
            "planted": _option(argv, "planted", 50) or 50,
            "runs": _option(argv, "runs", 3) or 3,
        }
        return rescreen_bench(data, sizes, real_delta="--real-delta" in argv)
    started = time.perf_counter()
    parties = load_lists(data)
    index = CandidateIndex(parties)
    print(
        f"{len(parties)} parties, {index.name_count} names; loaded and indexed in "
        f"{time.perf_counter() - started:.1f} s"
    )
    options = ScreenOptions()
    eval_dir = data / "watchlists" / "eval"
    if "--skip-accuracy" not in argv:
        sample = _option(argv, "sample", None)
        _accuracy(eval_dir, data, index, options, sample, show_errors="--errors" in argv)
    if "--skip-speed" not in argv:
        speed_tables(data, parties, index, runs=_option(argv, "runs", 3) or 3)
    return 0


def _accuracy(
    eval_dir: Path,
    data: Path,
    index: CandidateIndex,
    options: ScreenOptions,
    sample: int | None,
    *,
    show_errors: bool,
) -> None:
    name_benchmark(eval_dir, index.stats, options.threshold, show_errors)
    cross_script(eval_dir, index.stats, options.threshold)
    putin_spellings(eval_dir, index, options)
    un_index = CandidateIndex(index.parties_of("un_sc"), index.stats)
    positives_and_negatives(eval_dir, index, un_index, options, sample)
