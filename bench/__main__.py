"""Run the benchmarks under bench/: `python -m bench [area ...] [options passed to each]`.

Each area package exposes `main(argv: list[str]) -> int` and prints its own table. Figures are
medians over repeated runs: these machines are shared and noisy, so single timings mislead.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def discover() -> list[str]:
    root = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(root)]) if m.ispkg)


def main(argv: list[str]) -> int:
    """Arguments naming a bench package select it; all others (`--runs 5`) pass through."""
    known = set(discover())
    areas = [a for a in argv if a in known] or sorted(known)
    passthrough = [a for a in argv if a not in known]
    failures = 0
    for area in areas:
        module = importlib.import_module(f"bench.{area}")
        print(f"\n=== bench/{area} ===", flush=True)
        started = time.perf_counter()
        code = int(module.main(passthrough))
        print(f"--- bench/{area}: exit {code} in {time.perf_counter() - started:.1f} s", flush=True)
        failures += code != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
