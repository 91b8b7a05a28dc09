"""Seeded alert generator shared by the case benchmarks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from services.common.alerts import Alert, AlertSource, ScreeningMatch, Severity, SubjectKind

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def alerts(count: int, subjects: int, seed: int = 7) -> list[Alert]:
    """`count` screening alerts spread over `subjects` customers (several per subject)."""
    rng = random.Random(seed)
    severities = list(Severity)
    return [
        Alert(
            key=f"screening:c{i}:ofac:{i}",
            source=AlertSource.SCREENING_HIT,
            subject_kind=SubjectKind.CUSTOMER,
            subject_id=f"c{rng.randrange(subjects)}",
            severity=rng.choice(severities),
            title=f"hit {i}",
            raised_at=T0 + timedelta(seconds=i),
            match=ScreeningMatch(f"ofac_sdn:{i}", "e" * 64, "c" * 64, 0.9),
        )
        for i in range(count)
    ]
