"""Identity benchmark (faces and liveness): `python -m bench identity [--only SECTION ...]`.

Sections: errors (FMR/FNMR per threshold and the EER on pairs_reference.csv), latency
(selfie-vs-document p50 in one process, wall and CPU time), throughput (matches/s with N
worker processes), pad (passive heuristics APCER/BPCER), active (synthetic blinks and
challenge-response sessions), mrz (exact full-MRZ reads and time per image on the shared
document images and on generated specimens, beside PassportEye), confidence (how often the
unsure-read signal flags right and wrong reads of generated specimens, per threshold).
Options: --runs N (default 3), --pairs N (default 20), --workers 1,2, --seed N, --mrz-count N
(generated documents, default 200), --no-passporteye, --dump FILE (confidence observations).
Everything is generated or read from ../shared/data; nothing is downloaded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.identity.confidence_bench import dump, observations, print_calibration
from bench.identity.data import shared_data
from bench.identity.face_bench import (
    print_error_table,
    print_latency,
    print_throughput,
    score_pairs,
)
from bench.identity.liveness_bench import (
    presentations,
    print_active_table,
    print_blink_table,
    print_pad_table,
)
from bench.identity.mrz_bench import generated_cases, shared_cases
from bench.identity.mrz_bench import run as run_mrz

SECTIONS = ("errors", "latency", "throughput", "pad", "active", "mrz", "confidence")


def main(argv: list[str]) -> int:
    """Run the chosen sections and print their tables; 0 on success."""
    options = _parse(argv)
    data = shared_data()
    chosen = options.only or list(SECTIONS)
    if "errors" in chosen:
        print_error_table(score_pairs(data / "faces"))
    if "latency" in chosen:
        print_latency(data, options.pairs, options.runs)
    if "throughput" in chosen:
        workers = [int(n) for n in options.workers.split(",")]
        print_throughput(data, options.pairs, workers, options.runs)
    if "pad" in chosen:
        print_pad_table(presentations(data / "faces", options.seed))
    if "active" in chosen:
        print_blink_table(data / "faces")
        print_active_table(data / "faces", sessions_per_person=options.runs, seed=options.seed)
    if "mrz" in chosen:
        cases = [
            *shared_cases(data / "documents"),
            *generated_cases(data / "faces", options.mrz_count, options.seed),
        ]
        run_mrz(cases, options.runs, include_passporteye=not options.no_passporteye)
    if "confidence" in chosen:
        found = observations(data / "faces", options.mrz_count, options.seed)
        print_calibration(found, options.seed)
        if options.dump:
            dump(found, Path(options.dump))
    return 0


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench identity")
    parser.add_argument("--only", action="append", choices=SECTIONS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--mrz-count", type=int, default=200)
    parser.add_argument("--no-passporteye", action="store_true")
    parser.add_argument("--dump", help="confidence: write each observation as JSON lines here")
    return parser.parse_args(argv)
