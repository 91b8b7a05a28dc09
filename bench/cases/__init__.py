"""Case management core benchmarks: intake, replay, audit chain, claim order, SAR export.

`python -m bench cases [--quick] [--repeat=N] [--sql] [--postgres]` generates its own data
(seeded), runs each measurement N times (default 5) and prints the median with the min-max
spread. The pure core always; `--sql` adds the SQL store on a temporary SQLite file and
`--postgres` on a private PostgreSQL database (WARDEN_TEST_POSTGRES_URL, dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from bench.cases.data import T0
from bench.cases.data import alerts as make_alerts
from services.cases.core.audit import AuditEntry, AuditRecord, chain, verify_chain
from services.cases.core.events import CaseEvent
from services.cases.core.fold import evolve, replay
from services.cases.core.intake import IntakeContext, intake_alert
from services.cases.core.model import Case
from services.cases.core.queues import QueueBook, next_to_claim
from services.cases.core.sar.export import FiuProfiles, render_report
from services.cases.core.sar.goaml import ReportMeta
from services.cases.core.sar.model import (
    PartyType,
    SarAccount,
    SarContent,
    SarFormat,
    SarSubject,
    SarTransaction,
)
from services.cases.core.sar.schemas import load_schema
from services.common.alerts import Alert


@dataclass(frozen=True, slots=True)
class Sizes:
    alerts: int
    subjects: int
    audit_entries: int
    open_cases: int
    sar_transactions: int
    repeat: int


def bench_intake(alerts: list[Alert]) -> tuple[int, dict[str, Case]]:
    """Route every alert into the open case of its subject (or a new one), folding the events."""
    queues, events = QueueBook(), 0
    open_cases: dict[str, Case] = {}
    for n, alert in enumerate(alerts):
        current = open_cases.get(alert.subject_id)
        ctx = IntakeContext(now=alert.raised_at, new_case_id=f"case-{n}", queues=queues)
        result = intake_alert(alert, current, already_recorded=False, ctx=ctx)
        case = current
        for event in result.events:
            case = evolve(case, event)
        assert case is not None
        open_cases[alert.subject_id] = case
        events += len(result.events)
    return events, open_cases


def _stream(alerts: list[Alert]) -> list[CaseEvent]:
    """One case with every alert attached to it: the longest stream intake can make."""
    same = [replace(a, subject_id="c0") for a in alerts]
    events: list[CaseEvent] = []
    case: Case | None = None
    for alert in same:
        ctx = IntakeContext(now=alert.raised_at, new_case_id="case-1", queues=QueueBook())
        new = intake_alert(alert, case, already_recorded=False, ctx=ctx).events
        for event in new:
            case = evolve(case, event)
        events.extend(new)
    return events


def bench_audit(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for i in range(n):
        record = AuditRecord(T0, f"officer-{i % 7}", "case.StatusChanged", f"case:{i}", {"i": i})
        entries.append(chain(record, entries[-1] if entries else None))
    return entries


def _sar(n: int) -> SarContent:
    subject = SarSubject("c1", PartyType.PERSON, first_name="Ana", last_name="Silva")
    accounts = (
        SarAccount("A-1", "c1", "Warden Demo Bank", "WRDNAEAD", "AED"),
        SarAccount("A-2", "", "Other Bank", "OTHRAEAD", "AED"),
    )
    txs = tuple(
        SarTransaction(
            f"t{i}",
            T0 + timedelta(hours=i),
            Decimal("9000"),
            "AED",
            "A-1",
            "A-2",
            amount_local=Decimal("2450"),
        )
        for i in range(n)
    )
    return SarContent(
        "case-1",
        (subject,),
        "Structured transfers.",
        date(2025, 1, 1),
        ("structuring",),
        accounts,
        txs,
    )


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def _row(name: str, size: int, unit: str, times: list[float]) -> str:
    median = statistics.median(times)
    rate = f"{size / median:>12,.0f} {unit}/s" if median else "-"
    spread = f"{min(times) * 1e3:,.1f}-{max(times) * 1e3:,.1f}"
    return f"{name:<38} {size:>8,} {median * 1e3:>11,.1f} {spread:>19} {rate}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench cases")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="also the SQL store on SQLite")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    sizes = Sizes(
        20_000 // scale, 5_000 // scale, 50_000 // scale, 20_000 // scale, 500 // scale, args.repeat
    )
    alerts = make_alerts(sizes.alerts, sizes.subjects)
    stream = _stream(alerts[: 2_000 // scale])
    entries = bench_audit(sizes.audit_entries)
    cases = list(bench_intake(alerts)[1].values())
    many = [
        replace(cases[i % len(cases)], id=f"k{i}", assignee=None) for i in range(sizes.open_cases)
    ]
    load_schema(SarFormat.GOAML), load_schema(SarFormat.FINCEN)  # warm the caches
    sar, profiles, meta = _sar(sizes.sar_transactions), FiuProfiles(), ReportMeta("S-1", T0)
    print(
        f"{'measurement':<38} {'size':>8} {'median ms':>11} {'min-max ms':>19} {'throughput':>16}"
    )
    print(
        _row(
            "intake alerts -> cases (fold)",
            sizes.alerts,
            "alerts",
            _timed(lambda: bench_intake(alerts), sizes.repeat),
        )
    )
    print(
        _row(
            "replay one case stream",
            len(stream),
            "events",
            _timed(lambda: replay(stream), sizes.repeat),
        )
    )
    print(
        _row(
            "audit chain append",
            sizes.audit_entries,
            "entries",
            _timed(lambda: bench_audit(sizes.audit_entries), sizes.repeat),
        )
    )
    print(
        _row(
            "audit chain verify",
            sizes.audit_entries,
            "entries",
            _timed(lambda: verify_chain(entries), sizes.repeat),
        )
    )
    queues = frozenset({"sanctions"})
    print(
        _row(
            "claim-next over open cases (reference)",
            sizes.open_cases,
            "cases",
            _timed(lambda: next_to_claim(many, queues, T0), sizes.repeat),
        )
    )
    for fmt in SarFormat:
        times = _timed(lambda fmt=fmt: render_report(sar, fmt, profiles, meta), sizes.repeat)  # type: ignore[misc]
        print(_row(f"SAR render+validate {fmt.value} (txs)", sizes.sar_transactions, "txs", times))
    if args.sql or args.postgres:
        _sql_rows(args, scale)
    return 0


def _sql_rows(args: argparse.Namespace, scale: int) -> None:
    from bench.cases import sql

    backends = [("sqlite", sql.sqlite_database)] if args.sql else []
    if args.postgres:
        url = os.environ.get(
            "WARDEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
        backends.append(("postgres", lambda: sql.postgres_database(url)))
    for name, opener in backends:
        runs: list[list[tuple[str, int, float]]] = []
        for _ in range(max(1, min(args.repeat, 3))):  # each run on a fresh database
            with opener() as database:
                runs.append(sql.measure(database, 2_000 // scale, 500 // scale))
        for i, (label, size, _) in enumerate(runs[0]):
            print(_row(f"[{name}] {label}", size, "items", [run[i][2] for run in runs]))
