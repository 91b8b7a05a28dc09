"""Graph benchmark: detection accuracy on generated sets with planted rings (`accuracy`), and
detection speed/memory as the set grows (`scale`).

    .venv/bin/python -m bench graph --mode=accuracy --seeds=3
    .venv/bin/python -m bench graph --mode=scale --sizes=100000,1000000

Options are `--name=value` (the bench runner only forwards arguments that start with "-").
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from bench.graph.accuracy import Accuracy, evaluate
from bench.graph.scale import measure, print_rows
from services.graph.core.detectors import run_detectors
from services.graph.core.rings import assemble_rings
from services.graph.synthetic import GeneratorConfig, generate


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench graph")
    parser.add_argument(
        "--mode", choices=("accuracy", "scale", "detect", "all"), default="accuracy"
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rings", type=int, default=10, help="planted rings per typology")
    parser.add_argument("--background", type=int, default=200_000)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--workers", default="1,2", help="worker process counts to compare")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep (and reuse) the databases in this folder"
    )
    args = parser.parse_args(argv)
    if args.mode in ("accuracy", "all"):
        run_accuracy(args.seeds, args.rings, args.background)
    if args.mode == "detect":
        run_detect([int(s) for s in args.sizes.split(",")])
    if args.mode in ("scale", "all"):
        workers = tuple(int(w) for w in args.workers.split(","))
        run_scale([int(s) for s in args.sizes.split(",")], workers, args.partitions, args.keep)
    return 0


def run_accuracy(seeds: int, rings_per_typology: int, background: int) -> list[Accuracy]:
    results = []
    for seed in range(1, seeds + 1):
        cfg = GeneratorConfig(
            seed=seed,
            background=background,
            accounts=max(background // 10, 2_000),
            rings_per_typology=rings_per_typology,
        )
        data = generate(cfg)
        started = time.perf_counter()
        detected = run_detectors(data.frame)
        rings = assemble_rings(detected.findings)
        elapsed = time.perf_counter() - started
        result = evaluate(data, rings)
        results.append(result)
        _print_accuracy(seed, len(data.frame), elapsed, result)
    print(
        f"\nmedian over {seeds} seeds: ring recall "
        f"{statistics.median(r.ring_recall for r in results):.1%}, ring precision "
        f"{statistics.median(r.ring_precision for r in results):.1%}"
    )
    return results


def _print_accuracy(seed: int, n_tx: int, elapsed: float, r: Accuracy) -> None:
    print(
        f"\nseed {seed}: {n_tx:,} transactions, detected {r.detected} rings in {elapsed:.1f} s; "
        f"ring recall {r.ring_recall:.1%}, ring precision {r.ring_precision:.1%}"
    )
    print(f"  {'planted kind':<16}{'rings':>6}{'found':>7}{'acct recall':>13}")
    for k in r.kinds:
        print(f"  {k.kind:<16}{k.planted:>6}{k.recalled:>7}{k.account_recall:>13.1%}")
    print(f"  {'ring typology':<16}{'rings':>6}{'correct':>8}{'acct precision':>16}")
    for t in r.typologies:
        print(f"  {t.typology:<16}{t.rings:>6}{t.correct:>8}{t.account_precision:>16.1%}")
    print(
        "  look-alike rings flagged: " + ", ".join(f"{k} {v}" for k, v in r.lookalike_rings.items())
    )


def run_scale(
    sizes: list[int], workers: tuple[int, ...], partitions: int, keep: Path | None = None
) -> None:
    """Import, sweep (per worker count) and AnalyzeAccount at each size; see scale.py."""
    rows = []
    for size in sizes:
        rows.append(measure(size, workers, partitions, keep))
        print_rows(rows[-1:], workers)
    print_rows(rows, workers)


def run_detect(sizes: list[int]) -> None:
    """Detection alone (one process, whole graph, no database): the sweep's core cost."""
    print(
        f"\n{'transactions':>13}{'generate s':>12}{'detect s':>10}{'rings s':>9}"
        f"{'findings':>10}{'peak MB':>9}"
    )
    for size in sizes:
        started = time.perf_counter()
        data = generate(GeneratorConfig(seed=1, background=size, accounts=max(size // 10, 2_000)))
        generated = time.perf_counter() - started
        started = time.perf_counter()
        findings = run_detectors(data.frame).findings
        detected = time.perf_counter() - started
        started = time.perf_counter()
        assemble_rings(findings)
        ringed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{len(data.frame):>13,}{generated:>12.1f}{detected:>10.1f}{ringed:>9.1f}"
            f"{len(findings):>10}{peak:>9.0f}",
            flush=True,
        )
