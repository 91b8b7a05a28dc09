"""A Markdown table of every setting (`warden settings`), generated from the settings classes,
so the README's settings reference cannot drift from the code."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings

from services.common.settings import WardenSettings
from services.registry import AREAS, load


def _shown(name: str, default: object) -> str:
    if isinstance(default, SecretStr):
        default = default.get_secret_value()
    if default in (None, ""):
        return ""
    return "(secret)" if "key" in name.lower() else str(default)


def _rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str]]:
    rows = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(_rows(annotation, f"{prefix}{name.upper()}__"))
            continue
        default = field.get_default(call_default_factory=True)
        rows.append((f"{prefix}{name.upper()}", _shown(name, default), field.description or ""))
    return rows


def settings_table() -> str:
    classes: list[tuple[type[BaseSettings], str]] = [(WardenSettings, "WARDEN_")]
    for entry in AREAS:
        if entry.settings:
            cls = load(entry.settings)
            prefix = str(cls.model_config.get("env_prefix", ""))  # type: ignore[attr-defined]
            classes.append((cls, prefix))  # type: ignore[arg-type]
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for cls, prefix in classes:
        lines += [
            f"| `{v}` | `{d}` | {m} |" if d else f"| `{v}` | | {m} |"
            for v, d, m in _rows(cls, prefix)
        ]
    return "\n".join(lines)
