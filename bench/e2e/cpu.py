"""CPU time per flow, by process: where the machine's cores went during a run.

Read from /proc (Linux): user + system time of each process of the stack, before and after a
run, divided by the flows it completed. A process that needs more than one core-second per
second is the bottleneck; the ratios say which process to replicate first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a live process (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def role(name: str) -> str:
    """Processes of one role add up: worker-identity-3 and worker-identity-4 are one role."""
    return re.sub(r"-\d+$", "", name)


def snapshot(processes: Mapping[str, int]) -> dict[str, float]:
    """CPU seconds by role, now."""
    totals: dict[str, float] = {}
    for name, pid in processes.items():
        seconds = cpu_seconds(pid)
        if seconds is not None:
            totals[role(name)] = totals.get(role(name), 0.0) + seconds
    return totals


def per_flow_ms(
    before: Mapping[str, float], after: Mapping[str, float], flows: int
) -> dict[str, float]:
    """Milliseconds of CPU per flow, by role."""
    if flows <= 0:
        return {}
    return {name: (after[name] - before.get(name, 0.0)) * 1000 / flows for name in after}
