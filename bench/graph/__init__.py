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

from bench.graph.accuracy import Accuracy, evaluate
from services.graph.core.detectors import run_detectors
from services.graph.core.rings import assemble_rings
from services.graph.synthetic import GeneratorConfig, generate


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench graph")
    parser.add_argument("--mode", choices=("accuracy", "scale", "all"), default="accuracy")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rings", type=int, default=10, help="planted rings per typology")
    parser.add_argument("--background", type=int, default=200_000)
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args(argv)
    if args.mode in ("accuracy", "all"):
        run_accuracy(args.seeds, args.rings, args.background)
    if args.mode in ("scale", "all"):
        run_scale([int(s) for s in args.sizes.split(",")])
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


def run_scale(sizes: list[int]) -> None:
    print(
        f"\n{'transactions':>12}{'generate s':>12}{'detect s':>10}{'rings':>7}{'peak RSS MB':>13}"
    )
    for size in sizes:
        started = time.perf_counter()
        data = generate(GeneratorConfig(seed=1, background=size, accounts=max(size // 10, 2_000)))
        generated = time.perf_counter() - started
        started = time.perf_counter()
        rings = assemble_rings(run_detectors(data.frame).findings)
        detect = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{len(data.frame):>12,}{generated:>12.1f}{detect:>10.1f}{len(rings):>7}{peak:>13.0f}"
        )
