from __future__ import annotations

from services.onboarding.core.risk import FACTORS
from services.onboarding.reference import render
from tests.conftest import REPO_ROOT


def test_committed_reference_is_up_to_date() -> None:
    committed = (REPO_ROOT / "docs" / "onboarding" / "reference.md").read_text()
    assert committed == render(), (
        "run: python -m services.onboarding.reference --write docs/onboarding/reference.md"
    )


def test_every_risk_factor_is_documented() -> None:
    assert all(len((factor.__doc__ or "").split()) >= 10 for factor in FACTORS)


def test_reference_names_every_factor() -> None:
    text = render()
    assert all(f"`{factor.__name__}`" in text for factor in FACTORS)
