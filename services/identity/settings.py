"""Identity service settings (env prefix WARDEN_IDENTITY_), validated at start-up."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class IdentitySettings(BaseSettings):
    """Image limits, retention, face thresholds and liveness challenge shape."""

    model_config = SettingsConfigDict(env_prefix="WARDEN_IDENTITY_", extra="ignore", frozen=True)

    max_image_bytes: int = Field(
        20 * 1024 * 1024,
        ge=1024,
        description="Largest accepted document or selfie image in bytes (checked before decoding).",
    )
    max_image_pixels: int = Field(
        50_000_000,
        ge=10_000,
        description="Largest accepted image in pixels, read from the header before decoding "
        "(stops decompression bombs).",
    )
    max_frame_bytes: int = Field(
        2 * 1024 * 1024, ge=1024, description="Largest accepted liveness frame in bytes."
    )
    max_frames: int = Field(
        60, ge=4, le=300, description="Most frames one liveness submission may carry."
    )
    retention_days: int = Field(
        30,
        ge=1,
        description="Days uploaded images are kept (encrypted) before the purge task deletes them.",
    )
    match_threshold: float = Field(
        0.50, gt=0, lt=1.5, description="Face distance up to which two faces match."
    )
    review_threshold: float = Field(
        0.60, gt=0, lt=1.5, description="Face distance up to which a non-match goes to review."
    )
    challenge_ttl_s: int = Field(
        90, ge=10, le=900, description="Seconds a liveness challenge can be answered."
    )
    challenge_actions: int = Field(3, ge=1, le=8, description="Actions per liveness challenge.")
    document_minimum_age: int = Field(
        18, ge=0, le=120, description="Age in years a document holder must have reached (UNDERAGE)."
    )
    accept_specimen_documents: bool = Field(
        False,
        description="Accept ICAO specimen documents (issuing state UTO); for demos and tests only.",
    )
    require_document_checks: bool = Field(
        True,
        description="Without the document (MRZ) checks a verification cannot be APPROVED: "
        "it goes to REVIEW.",
    )

    @model_validator(mode="after")
    def _ordered_thresholds(self) -> IdentitySettings:
        if self.review_threshold < self.match_threshold:
            raise ValueError("review_threshold must not be below match_threshold")
        return self
