"""Case management settings (prefix WARDEN_CASES_), validated at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.cases.core.sar.export import FiuProfiles
from services.cases.core.sar.model import SarFormat
from services.cases.core.sar.profiles import (
    DEMO_FINCEN,
    DEMO_GOAML,
    FincenProfile,
    GoAmlProfile,
    profile_from_dict,
)
from services.common.errors import InvalidArgument

P = TypeVar("P")


class CaseSettings(BaseSettings):
    """Where the FIU profiles (code lists, reporting institution) come from."""

    model_config = SettingsConfigDict(env_prefix="WARDEN_CASES_", extra="ignore", frozen=True)

    goaml_profile: Path | None = Field(
        None,
        description="YAML file with the goAML FIU profile (reporting entity id, report and "
        "indicator codes, funds and conduction codes). Empty: the demo profile (UAE codes).",
    )
    fincen_profile: Path | None = Field(
        None,
        description="YAML file with the FinCEN profile (filer, TIN, transmitter control code, "
        "typology -> activity codes). Empty: the demo profile.",
    )

    sar_formats: tuple[SarFormat, ...] = Field(
        (SarFormat.GOAML, SarFormat.FINCEN),
        min_length=1,
        description="Report formats this deployment files in (goaml, fincen); a SAR must be "
        "valid in each before it can be submitted for approval.",
    )

    def profiles(self) -> FiuProfiles:
        """The FIU profiles, loaded and checked once; bad configuration stops the process."""
        goaml = _load(self.goaml_profile, GoAmlProfile) if self.goaml_profile else DEMO_GOAML
        fincen = _load(self.fincen_profile, FincenProfile) if self.fincen_profile else DEMO_FINCEN
        return FiuProfiles(goaml, fincen, tuple(self.sar_formats))


def _load(path: Path, cls: type[P]) -> P:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise InvalidArgument(f"{path}: an FIU profile is a YAML mapping")
    return profile_from_dict(cls, data)
