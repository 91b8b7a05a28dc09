"""Run Alembic over every area's migration branch, without an alembic.ini.

Each area keeps its revisions in `services/<area>/migrations/versions/` with its own branch label;
the common branch lives in `services/common/migrations/versions/` (label "common"). An area's first
revision depends on the common revision it needs (`new_revision` fills that in). `upgrade()` runs
`alembic upgrade heads`, so adding an area never touches another area's files.

Create a revision for an area (autogenerate compares the live schema with `metadata`):

    warden db revision --area screening -m "add monitored customers"
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy.engine import Connection

SERVICES_DIR = Path(__file__).resolve().parents[1]
SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"


def version_locations() -> list[Path]:
    """Every services/<area>/migrations/versions directory, common first."""
    found = sorted(SERVICES_DIR.glob("*/migrations/versions"))
    common = SCRIPT_LOCATION / "versions"
    return [common, *(p for p in found if p != common)]


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", _join(version_locations()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _join(paths: list[Path]) -> str:
    return os.pathsep.join(str(p) for p in paths)


def upgrade(url: str, connection: Connection | None = None) -> None:
    """Bring the database at `url` to the head of every branch."""
    command.upgrade(alembic_config(url, connection), "heads")


def current_heads(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


def pending_revisions(connection: Connection) -> list[str]:
    """Revisions `upgrade heads` would still apply ([] when the schema is current).

    Asking Alembic this, rather than comparing `alembic_version` rows with the script heads,
    is what stays right with cross-branch dependencies: once an area revision that depends on
    a common revision is applied, Alembic drops the common row as implied.
    """
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    current = tuple(current_heads(connection))
    return [revision.revision for revision in script.iterate_revisions("heads", current)]


def new_revision(url: str, area: str, message: str) -> None:
    """Autogenerate a revision on an area's branch, creating the branch if it is new.

    A new branch depends on the current head of the common branch (resolved to its revision id,
    so the dependency stays fixed when common moves on).
    """
    versions = SERVICES_DIR / area / "migrations" / "versions"
    # Before building the config: its version locations are the folders that exist.
    versions.mkdir(parents=True, exist_ok=True)
    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)
    if _has_branch(script, area):
        command.revision(config, message, autogenerate=True, head=f"{area}@head")
        return
    common_head = script.get_revision("common@head")
    command.revision(
        config,
        message,
        autogenerate=True,
        head="base",
        branch_label=area,
        version_path=str(versions),
        depends_on=common_head.revision if common_head else None,
    )


def _has_branch(script: ScriptDirectory, label: str) -> bool:
    try:
        return bool(script.get_revisions(f"{label}@head"))
    except (RevisionError, CommandError):  # alembic raises either for an unknown branch label
        return False
