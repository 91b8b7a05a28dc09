from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.common.crypto import generate_key_spec
from services.common.settings import WardenSettings


def test_defaults_are_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("WARDEN_DATABASE_URL", "WARDEN_REDIS_URL", "WARDEN_ENVIRONMENT"):
        monkeypatch.delenv(key, raising=False)
    settings = WardenSettings()
    assert settings.embedded
    assert settings.resolved_database_url == "sqlite:///var/warden.db"


def test_environment_variables_and_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARDEN_GRPC__PORT", "6000")
    monkeypatch.setenv("WARDEN_REDIS_URL", "redis://cache:6379/1")
    settings = WardenSettings()
    assert (settings.grpc.port, settings.embedded) == (6000, False)


def test_production_refuses_embedded_parts() -> None:
    with pytest.raises(ValidationError, match="WARDEN_DATABASE_URL, WARDEN_REDIS_URL"):
        WardenSettings(environment="production")
    WardenSettings(
        environment="production",
        database_url="postgresql+psycopg://db/warden",
        redis_url="redis://r:6379/0",
        encryption_keys=generate_key_spec(),
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("database_url", "mysql://x", "sqlite:// or postgresql://"),
        ("encryption_keys", "k1:notbase64!", "not base64"),
        ("encryption_keys", "k1:c2hvcnQ=", "32 bytes"),
        ("encryption_keys", "nokid", "kid:base64key"),
    ],
)
def test_bad_values_fail_at_start_up(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        WardenSettings.model_validate({field: value})


def test_tls_files_come_in_pairs(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="together"):
        WardenSettings.model_validate({"grpc": {"tls_cert_file": tmp_path / "c.pem"}})
