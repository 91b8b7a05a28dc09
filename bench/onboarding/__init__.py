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
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from services.common.crypto import KeyRing, generate_key_spec
from services.onboarding.core.checks import (
    CheckOutcomes,
    IdentityFinding,
    IdentityOutcome,
    IdentityVerdict,
    ListCategory,
    ScreeningHit,
    ScreeningOutcome,
)
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
from services.onboarding.pii import InMemoryDataKeyStore, PiiVault

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


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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


def _flow_on_sqlite(count: int) -> float:
    """Seconds for `count` applications through start -> verify -> decide on a fresh SQLite
    file (stores, PII sealing, operations), identity and screening scripted."""
    import tempfile
    from pathlib import Path

    from services.common.alerts import InMemoryAlertSink
    from services.common.db import Database
    from services.common.migrate import upgrade
    from services.common.operations import SqlOperationStore
    from services.onboarding.adapters.sql import (
        SqlApplicationStore,
        SqlDataKeyStore,
    )
    from services.onboarding.evaluation import (
        EvaluationDeps,
        decide_application,
        start_evaluation,
        verify_application,
    )
    from services.onboarding.ports import ScriptedIdentity, ScriptedScreener
    from services.onboarding.validation import InputLimits
    from services.registry import import_all
    from tests.services.onboarding.world import RecordingQueue, command

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
            RecordingQueue(),
            InputLimits(10_000_000, 30),
            lambda: NOW,
        )
        started = time.perf_counter()
        for i in range(count):
            _, application_id = start_evaluation(command(f"r{i}"), "bench", deps)
            verify_application(application_id, deps)
            decide_application(application_id, deps)
        elapsed = time.perf_counter() - started
        db.dispose()
    return elapsed


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    repeats = 3 if quick else 7
    count = 2_000 if quick else 20_000
    rows: list[tuple[str, str, str]] = []

    load = _median_seconds(lambda: load_policy(DEFAULT_POLICY), repeats)
    rows.append(("policy load + validate", f"{load * 1000:.1f} ms", "default policy + FATF lists"))

    policy = load_policy(DEFAULT_POLICY)
    apps = applications(policy, count)
    seconds = _median_seconds(lambda: _evaluate_all(policy, apps), repeats)
    rows.append(
        (
            "rate + decide + client view",
            f"{count / seconds:,.0f} /s",
            f"{seconds / count * 1e6:.1f} µs each, {count:,} applications",
        )
    )

    vault = PiiVault(KeyRing.parse(generate_key_spec()), InMemoryDataKeyStore())
    blob = b'{"given_names":"Anna Maria","family_name":"Schmidt","birth_date":"1988-02-29"}'
    ops = 2_000 if quick else 10_000
    seal = _median_seconds(
        lambda: [
            vault.open(f"c{i % 500}", "personal", vault.seal(f"c{i % 500}", "personal", blob))
            for i in range(ops)
        ],
        repeats,
    )
    rows.append(
        (
            "PII seal + open (data key unwrap each)",
            f"{ops / seal:,.0f} /s",
            f"{seal / ops * 1e6:.1f} µs per pair",
        )
    )

    records = _retention_records(100_000 if not quick else 20_000)
    open_cases = frozenset(f"account:acc_{i}" for i in range(0, len(records), 97))
    retention = RetentionPolicy({t: Period(5) for t in RecordType})
    plan_s = _median_seconds(
        lambda: plan_purge(records, retention, open_cases, date(2026, 3, 2)), repeats
    )
    plan = plan_purge(records, retention, open_cases, date(2026, 3, 2))
    rows.append(
        (
            "retention plan",
            f"{len(records) / plan_s:,.0f} records/s",
            f"{len(records):,} records: {len(plan.due):,} due, {len(plan.exempted):,} exempted",
        )
    )

    flow_count = 100 if quick else 300
    flow = statistics.median(_flow_on_sqlite(flow_count) for _ in range(3))
    rows.append(
        (
            "Evaluate flow on SQLite (3 steps)",
            f"{flow_count / flow:,.0f} /s",
            f"{flow / flow_count * 1000:.1f} ms per application, one thread, fsync'd WAL",
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'median':>22}  detail")
    for name, value, detail in rows:
        print(f"{name:<{width}}  {value:>22}  {detail}")
    return 0
