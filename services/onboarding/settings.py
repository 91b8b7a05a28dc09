"""Onboarding settings (env prefix WARDEN_ONBOARDING_), validated at start-up.

The policy file is loaded and validated when the onboarding dependencies are built (server,
worker and CLI start-up), so a bad policy stops the process with the path of the bad field.
Review periods are part of the policy file (they are risk policy, versioned with every
decision); retention periods are legal configuration and live here.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.onboarding.core.periods import Period
from services.onboarding.core.retention import RecordType, RetentionPolicy


class OnboardingSettings(BaseSettings):
    """Policy, retention and input limits of the onboarding service."""

    model_config = SettingsConfigDict(env_prefix="WARDEN_ONBOARDING_", extra="ignore", frozen=True)

    policy_path: Path | None = Field(
        None,
        description="Onboarding policy YAML (rules, risk model, review periods). Empty: the "
        "shipped services/onboarding/data/policy.default.yaml. Validated at start-up.",
    )
    retention_customer: str = Field(
        "5y",
        description="Keep a closed customer's record this long after the relationship ended "
        "(EU AMLD art. 40: five years), then crypto-shred it. Periods: '5y', '18m', '90d'.",
    )
    retention_application: str = Field(
        "5y", description="Keep a rejected application this long after the decision."
    )
    retention_evidence: str = Field(
        "5y",
        description="Keep identity evidence (document images, selfies) this long after the "
        "retention clock of its record started.",
    )
    purge_dry_run: bool = Field(
        True,
        description="The scheduled retention purge only reports (and audits the run) unless "
        "this is false. Production sets it to false once the report was reviewed.",
    )
    purge_every_hours: float = Field(
        24.0, gt=0, description="How often beat runs the retention purge."
    )
    max_image_mb: float = Field(
        10.0, gt=0, le=32, description="Largest document or selfie image accepted, in MiB."
    )
    max_liveness_frames: int = Field(
        30, ge=0, le=120, description="Most liveness frames one evaluation may carry."
    )

    @field_validator("retention_customer", "retention_application", "retention_evidence")
    @classmethod
    def _is_period(cls, value: str) -> str:
        Period.parse(value)  # raises ValueError naming the problem
        return value

    def retention_policy(self) -> RetentionPolicy:
        return RetentionPolicy(
            {
                RecordType.CUSTOMER: Period.parse(self.retention_customer),
                RecordType.APPLICATION: Period.parse(self.retention_application),
                RecordType.IDENTITY_EVIDENCE: Period.parse(self.retention_evidence),
            }
        )
