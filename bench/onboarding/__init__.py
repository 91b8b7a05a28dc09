"""Onboarding core speed: policy load, rating + decision, PII vault, retention planning.

    .venv/bin/python -m bench onboarding [--quick]

Generates its own seeded data (no files): applications with random profiles, identity
verdicts and screening hits in realistic proportions, and closed customer records for the
retention planner. Prints medians over repeated runs (the machine is shared and noisy).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.common.crypto import KeyRing, generate_key_spec
from services.onboarding.core.application import ApplicantData, Evidence, EvidenceKind
from services.onboarding.core.checks import (
    CheckOutcomes,
    IdentityFinding,
    IdentityOutcome,
    IdentityVerdict,
    ListCategory,
    ScreeningHit,
    ScreeningOutcome,
)
from services.onboarding.core.customer import IdentityDocument, PersonalData
from services.onboarding.core.decision import client_view, decide
from services.onboarding.core.periods import Period
from services.onboarding.core.policy import Policy
from services.onboarding.core.policy_file import DEFAULT_POLICY, load_policy
from services.onboarding.core.retention import (
    RecordType,
    RetainedRecord,
    RetentionPolicy,
    plan_purge,
)
from services.onboarding.core.risk import (
    CountryLink,
    CountryRole,
    RatingInput,
    RiskProfile,
    rate_customer,
)
from services.onboarding.core.signals import Application
from services.onboarding.evaluation import EvaluateCommand
from services.onboarding.pii import InMemoryDataKeyStore, PiiVault
from watchlists.model import Address

NOW = datetime(2026, 3, 2, tzinfo=UTC)
COUNTRIES = ["DE", "FR", "GB", "US", "KE", "NG", "IR", "VN", "BR", "IN"]


def _identity(rng: random.Random) -> IdentityOutcome:
    verdict = rng.choices(list(IdentityVerdict), weights=[85, 6, 5, 4])[0]
    findings = (
        frozenset(rng.sample(list(IdentityFinding), rng.randint(1, 2)))
        if verdict is not IdentityVerdict.APPROVED
        else frozenset()
    )
    return IdentityOutcome(verdict, findings, "idv")


def _screening(rng: random.Random) -> ScreeningOutcome:
    hits = tuple(
        ScreeningHit(
            f"list:{rng.randint(1, 60000)}",
            rng.choice(list(ListCategory)),
            rng.uniform(0.5, 1.2),
            rng.random() < 0.4,
        )
        for _ in range(rng.choices([0, 1, 3], weights=[90, 8, 2])[0])
    )
    return ScreeningOutcome(hits)


def applications(
    policy: Policy, count: int, seed: int = 7
) -> list[tuple[CheckOutcomes, RiskProfile]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        profile = RiskProfile(
            product=rng.choice(sorted(policy.risk.products)),
            channel=rng.choice(sorted(policy.risk.channels)),
            countries=(
                CountryLink(CountryRole.NATIONALITY, rng.choice(COUNTRIES)),
                CountryLink(CountryRole.RESIDENCE, rng.choice(COUNTRIES)),
            ),
            occupation=rng.choice([None, *sorted(policy.risk.occupations)]),
            declared_pep=rng.random() < 0.01,
        )
        out.append((CheckOutcomes(_identity(rng), _screening(rng)), profile))
    return out


def _evaluate_all(policy: Policy, apps: list[tuple[CheckOutcomes, RiskProfile]]) -> None:
    for checks, profile in apps:
        rating = rate_customer(RatingInput(profile, checks), policy.risk, policy.version, NOW)
        client_view(decide(policy, Application(checks, profile, rating)))


CPU_TIMES: dict[str, float] = {}


def _median_seconds(run: Callable[[], object], repeats: int, label: str = "") -> float:
    """Median wall seconds over `repeats` runs; the median CPU seconds go to CPU_TIMES[label]
    (on a shared, loaded machine wall time swings several-fold, CPU time much less)."""
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    CPU_TIMES[label] = statistics.median(cpus)
    return statistics.median(walls)


def _retention_records(count: int, seed: int = 11) -> list[RetainedRecord]:
    rng = random.Random(seed)
    start = date(2010, 1, 1)
    return [
        RetainedRecord(
            RecordType.CUSTOMER,
            f"cus_{i}",
            frozenset({f"customer:cus_{i}", f"account:acc_{i}"}),
            start + timedelta(days=rng.randint(0, 6000)) if rng.random() < 0.6 else None,
            rng.random() < 0.01,
        )
        for i in range(count)
    ]


class _DroppedQueue:
    """The bench runs both steps itself: enqueued messages are dropped."""

    def enqueue(self, task_name: str, kwargs: Mapping[str, Any], *, queue: str) -> None:
        return None


def _command(request_id: str) -> EvaluateCommand:
    personal = PersonalData(
        given_names="Anna Maria",
        family_name="Schmidt",
        birth_date=date(1988, 2, 29),
        nationality="DE",
        address=Address(full="Hauptstr. 5, 10115 Berlin", city="Berlin", country="DE"),
        document=IdentityDocument("passport", "C01X00T47", "DE", date(2031, 5, 1)),
    )
    image = b"\xff\xd8\xff\xe0" + bytes(4096) + b"\xff\xd9"
    return EvaluateCommand(
        request_id=request_id,
        applicant=ApplicantData(personal, residence="DE", occupation="employee"),
        product="current_account",
        channel="online",
        evidence=(Evidence(EvidenceKind.DOCUMENT, image), Evidence(EvidenceKind.SELFIE, image)),
    )


def _flow_on_sqlite(count: int) -> float:
    """Seconds for `count` applications through start -> verify -> decide on a fresh SQLite
    file (stores, PII sealing, operations), identity and screening scripted."""
    import tempfile
    from pathlib import Path

    from services.common.alerts import InMemoryAlertSink
    from services.common.db import Database
    from services.common.migrate import upgrade
    from services.common.operations import SqlOperationStore
    from services.onboarding.adapters.applications import SqlApplicationStore
    from services.onboarding.adapters.keys import SqlDataKeyStore
    from services.onboarding.evaluation import (
        EvaluationDeps,
        decide_application,
        start_evaluation,
        verify_application,
    )
    from services.onboarding.ports import ScriptedIdentity, ScriptedScreener
    from services.onboarding.validation import InputLimits
    from services.registry import import_all

    import_all("tables")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        db = Database.from_url(url)
        vault = PiiVault(KeyRing.parse(generate_key_spec()), SqlDataKeyStore(db))
        deps = EvaluationDeps(
            load_policy(DEFAULT_POLICY),
            SqlApplicationStore(db, vault),
            ScriptedIdentity({}, IdentityOutcome(IdentityVerdict.APPROVED)),
            ScriptedScreener({}),
            InMemoryAlertSink(),
            SqlOperationStore(db),
            _DroppedQueue(),
            InputLimits(10_000_000, 30),
            lambda: NOW,
        )
        started = time.perf_counter()
        for i in range(count):
            _, application_id = start_evaluation(_command(f"r{i}"), "bench", deps)
            verify_application(application_id, deps)
            decide_application(application_id, deps)
        elapsed = time.perf_counter() - started
        db.dispose()
    return elapsed


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    items: int  # work items per run: the rate is items / seconds
    run: Callable[[], object]
    detail: str
    repeats: int | None = None  # None: the default (7, or 3 with --quick)


def _measures(quick: bool) -> list[Measure]:
    policy = load_policy(DEFAULT_POLICY)
    apps = applications(policy, 2_000 if quick else 20_000)
    vault = PiiVault(KeyRing.parse(generate_key_spec()), InMemoryDataKeyStore())
    blob = b'{"given_names":"Anna Maria","family_name":"Schmidt","birth_date":"1988-02-29"}'
    ops = 2_000 if quick else 10_000
    records = _retention_records(20_000 if quick else 100_000)
    open_cases = frozenset(f"account:acc_{i}" for i in range(0, len(records), 97))
    retention = RetentionPolicy({t: Period(5) for t in RecordType})
    plan = plan_purge(records, retention, open_cases, date(2026, 3, 2))
    flows = 100 if quick else 300

    def seal_open() -> None:
        for i in range(ops):
            vault.open(f"c{i % 500}", "personal", vault.seal(f"c{i % 500}", "personal", blob))

    return [
        Measure(
            "policy load + validate",
            1,
            lambda: load_policy(DEFAULT_POLICY),
            "default policy + FATF lists",
        ),
        Measure(
            "rate + decide + client view",
            len(apps),
            lambda: _evaluate_all(policy, apps),
            f"{len(apps):,} generated applications",
        ),
        Measure("PII seal + open", ops, seal_open, "per-customer data key unwrapped for each call"),
        Measure(
            "retention plan",
            len(records),
            lambda: plan_purge(records, retention, open_cases, date(2026, 3, 2)),
            f"{len(records):,} records: {len(plan.due):,} due, {len(plan.exempted):,} exempted",
        ),
        Measure(
            "Evaluate flow on SQLite",
            flows,
            lambda: _flow_on_sqlite(flows),
            "accept + verify + decide, stores + sealing + operations, one thread",
            repeats=3,
        ),
    ]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    repeats = 3 if quick else 7
    header = f"{'rate (wall)':>16} {'per item (wall)':>16} {'per item (CPU)':>15}"
    print(f"{'measure':<30} {header}  detail")
    for measure in _measures(quick):
        wall = _median_seconds(measure.run, measure.repeats or repeats, measure.name)
        cpu = CPU_TIMES[measure.name]
        per_wall, per_cpu = wall / measure.items, cpu / measure.items
        print(
            f"{measure.name:<30} {measure.items / wall:>14,.0f}/s {_duration(per_wall):>16} "
            f"{_duration(per_cpu):>15}  {measure.detail}",
            flush=True,
        )
    return 0


def _duration(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"
