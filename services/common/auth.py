"""Who is calling, and what they may do: principals, scopes, API keys, mTLS identities.

An API key looks like `wdn_<key id>_<secret>`; the database keeps the key id and the SHA-256 of
the secret, never the key. A client certificate (mTLS) is mapped to an identity by its subject
CN. Either way the caller becomes a `Principal` holding scopes ("screening.screen",
"screening.*", "*"). Every RPC names its required scope in the proto (default-deny).

Delegation: the officers' console calls CaseService for an officer. Its key holds
`auth.delegate`, and it names the officer in the `x-warden-on-behalf-of` header; the principal
then carries `acting_for`. Keys without that scope cannot act for anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa

from services.common.db import Database, utcnow
from services.common.errors import InvalidArgument, NotFound
from services.common.ids import new_id
from services.common.tables import api_keys

PrincipalKind = Literal["api_key", "mtls", "internal"]
DELEGATE_SCOPE = "auth.delegate"
_TOKEN_PREFIX = "wdn"  # noqa: S105 - a public prefix that marks Warden keys, not a secret


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller."""

    id: str
    name: str
    scopes: frozenset[str]
    kind: PrincipalKind
    acting_for: str | None = None

    def allows(self, required: str) -> bool:
        return scope_granted(self.scopes, required)


def scope_granted(granted: Iterable[str], required: str) -> bool:
    """True if `granted` covers `required`: exact, "*", or "<prefix>.*" over "<prefix>.<...>"."""
    for scope in granted:
        if scope in ("*", required):
            return True
        if scope.endswith(".*") and required.startswith(scope[:-1]):
            return True
    return False


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A newly created API key. `token` is shown once and never stored."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    token: str


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_id: str
    name: str
    kind: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    mtls_subject: str | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_token(token: str) -> tuple[str, str] | None:
    """Split `wdn_<key id>_<secret>`; None if it is not shaped like a Warden key."""
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")  # key ids never contain "_"; secrets may
    if prefix != _TOKEN_PREFIX or not key_id or len(secret) < 32:
        return None
    return key_id, secret


def validate_scopes(scopes: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """Refuse scopes that match nothing (a typo would silently grant nothing, or too much)."""
    known_set = set(known) | {DELEGATE_SCOPE}
    cleaned = tuple(sorted({s.strip() for s in scopes if s.strip()}))
    if not cleaned:
        raise InvalidArgument.for_field("scopes", "at least one scope is required")
    for scope in cleaned:
        covers_something = any(scope_granted([scope], k) for k in known_set)
        if not covers_something:
            raise InvalidArgument.for_field("scopes", f"unknown scope {scope!r}")
    return cleaned


class KeyStore:
    """API keys and mTLS identities in the `api_keys` table, with a short read-through cache.

    Revocation takes effect within `cache_ttl_s` (default 30 s) on every server: the price of not
    hitting the database on every call of a millisecond-latency service.
    """

    def __init__(self, database: Database, cache_ttl_s: float = 30.0) -> None:
        self.db = database
        self.cache_ttl_s = cache_ttl_s
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def create_key(self, name: str, scopes: Iterable[str]) -> IssuedKey:
        key_id = new_id("key").split("_", 1)[1].lower()
        secret = secrets.token_urlsafe(32)
        scope_list = tuple(scopes)
        self._insert(key_id, name, scope_list, kind="api_key", secret_sha256=_digest(secret))
        return IssuedKey(key_id, name, scope_list, f"{_TOKEN_PREFIX}_{key_id}_{secret}")

    def create_mtls_identity(self, name: str, subject: str, scopes: Iterable[str]) -> KeyRecord:
        key_id = new_id("key").split("_", 1)[1].lower()
        self._insert(key_id, name, tuple(scopes), kind="mtls", mtls_subject=subject)
        return self.get(key_id)

    def _insert(self, key_id: str, name: str, scopes: tuple[str, ...], **values: str) -> None:
        with self.db.begin() as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key_id, name=name, scopes=list(scopes), created_at=utcnow(), **values
                )
            )

    def revoke(self, key_id: str) -> None:
        with self.db.begin() as conn:
            done = conn.execute(
                api_keys.update()
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            ).rowcount
        if not done:
            raise NotFound("active api key", key_id)
        with self._lock:
            self._cache.clear()

    def get(self, key_id: str) -> KeyRecord:
        with self.db.read() as conn:
            row = conn.execute(api_keys.select().where(api_keys.c.key_id == key_id)).one_or_none()
        if row is None:
            raise NotFound("api key", key_id)
        return _record(row)

    def list(self) -> list[KeyRecord]:
        with self.db.read() as conn:
            rows = conn.execute(api_keys.select().order_by(api_keys.c.created_at)).all()
        return [_record(r) for r in rows]

    def authenticate_token(self, token: str) -> Principal | None:
        parsed = parse_token(token)
        if parsed is None:
            return None
        key_id, secret = parsed
        cache_key = f"t:{key_id}:{_digest(secret)}"
        return self._cached(cache_key, lambda: self._lookup_token(key_id, secret))

    def authenticate_subject(self, subject: str) -> Principal | None:
        return self._cached(f"s:{subject}", lambda: self._lookup_subject(subject))

    def _cached(self, key: str, load: Callable[[], Principal | None]) -> Principal | None:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.cache_ttl_s:
            return hit[1]
        principal = load()
        with self._lock:
            self._cache[key] = (now, principal)
        return principal

    def _lookup_token(self, key_id: str, secret: str) -> Principal | None:
        row = self._active_row(api_keys.c.key_id == key_id, api_keys.c.kind == "api_key")
        if row is None or not hmac.compare_digest(row.secret_sha256, _digest(secret)):
            return None
        return Principal(row.key_id, row.name, frozenset(row.scopes), "api_key")

    def _lookup_subject(self, subject: str) -> Principal | None:
        row = self._active_row(api_keys.c.mtls_subject == subject, api_keys.c.kind == "mtls")
        if row is None:
            return None
        return Principal(row.key_id, row.name, frozenset(row.scopes), "mtls")

    def _active_row(self, *conditions: sa.ColumnElement[bool]) -> sa.Row[Any] | None:
        query = api_keys.select().where(*conditions, api_keys.c.revoked_at.is_(None))
        with self.db.read() as conn:
            return conn.execute(query).one_or_none()


def _record(row: sa.Row[Any]) -> KeyRecord:
    m = row._mapping
    return KeyRecord(
        key_id=m["key_id"],
        name=m["name"],
        kind=m["kind"],
        scopes=tuple(m["scopes"]),
        created_at=m["created_at"],
        revoked_at=m["revoked_at"],
        mtls_subject=m["mtls_subject"],
    )
