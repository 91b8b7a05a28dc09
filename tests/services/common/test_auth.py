from __future__ import annotations

import pytest

from services.common.auth import KeyStore, parse_token, scope_granted, validate_scopes
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound


@pytest.mark.parametrize(
    ("granted", "required", "allowed"),
    [
        (["screening.screen"], "screening.screen", True),
        (["screening.*"], "screening.screen", True),
        (["screening.*"], "screening.lists.read", True),
        (["*"], "cases.approve", True),
        (["screening.screen"], "screening.compare", False),
        (["screening.*"], "screeningx.screen", False),
        (["cases.*"], "screening.screen", False),
        ([], "screening.screen", False),
    ],
)
def test_scope_matching(granted: list[str], required: str, allowed: bool) -> None:
    assert scope_granted(granted, required) is allowed


def test_parse_token_accepts_underscores_in_the_secret() -> None:
    assert parse_token("wdn_abc123_" + "s_e-c" * 10) == ("abc123", "s_e-c" * 10)
    assert parse_token("wdn_abc123_short") is None
    assert parse_token("sk_live_" + "x" * 40) is None


def test_unknown_scopes_are_refused() -> None:
    known = {"screening.screen", "cases.read"}
    assert validate_scopes(["screening.*", " cases.read "], known) == ("cases.read", "screening.*")
    with pytest.raises(InvalidArgument, match="unknown scope"):
        validate_scopes(["screening.screan"], known)
    with pytest.raises(InvalidArgument, match="at least one"):
        validate_scopes([" "], known)


def test_keys_are_stored_hashed_and_authenticate(database: Database) -> None:
    store = KeyStore(database, cache_ttl_s=0)
    issued = store.create_key("onboarding app", ["screening.screen"])
    with database.read() as conn:
        dump = str(conn.exec_driver_sql("SELECT * FROM api_keys").all())
    assert issued.token.split("_", 2)[2] not in dump, "the secret must never be stored"
    principal = store.authenticate_token(issued.token)
    assert principal is not None
    assert principal.allows("screening.screen")
    assert store.authenticate_token(issued.token[:-1] + "x") is None
    store.revoke(issued.key_id)
    assert store.authenticate_token(issued.token) is None
    with pytest.raises(NotFound):
        store.revoke(issued.key_id)


def test_mtls_identity_by_subject(database: Database) -> None:
    store = KeyStore(database, cache_ttl_s=0)
    store.create_mtls_identity("core banking", "core.bank.example", ["graph.ingest"])
    principal = store.authenticate_subject("core.bank.example")
    assert principal is not None
    assert principal.kind == "mtls"
    assert principal.allows("graph.ingest")
    assert store.authenticate_subject("someone.else") is None
