"""What every request handler of the console reaches through `request.app.state.console`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import grpc
from argon2 import PasswordHasher
from warden.cases.v1 import cases_pb2 as pb

from services.cases.core.roles import PERMISSIONS, Action, Role
from services.common.errors import NotFound, PermissionDenied
from services.console.auth import AuthDeps
from services.console.client import CaseClient, Unary
from services.console.core.sessions import Session
from services.console.ports import CredentialStore, ListRecords, SessionStore
from services.console.settings import ConsoleSettings

Resp = TypeVar("Resp")
OFFICER_CACHE_S = 15.0  # role changes and deactivations reach the console within this


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in officer of a request, with their roles from case management."""

    officer_id: str
    display_name: str
    roles: frozenset[Role]
    session: Session

    def can(self, action: Action) -> bool:
        """The same role table case management enforces (a page is never the only check)."""
        return bool(self.roles & PERMISSIONS[action])

    def can_name(self, action: str) -> bool:
        """`can` for templates, which name actions by value ("case.approve")."""
        return self.can(Action(action))

    @property
    def role_names(self) -> str:
        return ", ".join(sorted("MLRO" if r is Role.MLRO else r.value for r in self.roles))


_ROLE_OF = {
    pb.ROLE_ANALYST: Role.ANALYST,
    pb.ROLE_REVIEWER: Role.REVIEWER,
    pb.ROLE_MLRO: Role.MLRO,
    pb.ROLE_ADMIN: Role.ADMIN,
    pb.ROLE_AUDITOR: Role.AUDITOR,
}
ROLE_NUMBERS = {role: number for number, role in _ROLE_OF.items()}


def roles_of(officer: pb.Officer) -> frozenset[Role]:
    return frozenset(_ROLE_OF[r] for r in officer.roles if r in _ROLE_OF)


@dataclass
class ConsoleState:
    """The console's dependencies; `client` is opened by the app's lifespan (it needs the loop)."""

    settings: ConsoleSettings
    credentials: CredentialStore
    sessions: SessionStore
    records: ListRecords
    queues: tuple[str, ...]
    connect: Callable[[], CaseClient]
    clock: Callable[[], datetime]
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    client: CaseClient | None = None
    auth: AuthDeps = field(init=False)
    dashboard: tuple[pb.GetDashboardResponse, float] | None = None
    _officers: dict[str, tuple[float, pb.Officer | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.auth = AuthDeps(
            self.credentials,
            self.sessions,
            self.hasher,
            self.settings.lockout(),
            self.settings.sessions(),
            self.clock,
            self.audit,
            self.officer_active,
        )

    def cases(self) -> CaseClient:
        if self.client is None:
            raise RuntimeError("the console's CaseService client is not open (lifespan not run)")
        return self.client

    async def call(self, method: Unary[Resp], request: object, officer: str | None) -> Resp:
        return await self.cases().call(method, request, officer)

    async def officer(self, officer_id: str) -> pb.Officer | None:
        """The officer's record (cached briefly); None when unknown or not allowed to read."""
        hit = self._officers.get(officer_id)
        if hit is not None and time.monotonic() - hit[0] < OFFICER_CACHE_S:
            return hit[1]
        try:
            reply = await self.call(
                self.cases().stub.GetOfficer,
                pb.GetOfficerRequest(officer_id=officer_id),
                officer_id,
            )
            found: pb.Officer | None = reply.officer
        except (NotFound, PermissionDenied):
            found = None
        self._officers[officer_id] = (time.monotonic(), found)
        return found

    def forget_officer(self, officer_id: str) -> None:
        self._officers.pop(officer_id, None)

    async def viewer(self, session: Session) -> Viewer | None:
        officer = await self.officer(session.officer_id)
        if officer is None or not officer.active or not officer.roles:
            return None
        return Viewer(officer.id, officer.display_name, roles_of(officer), session)

    async def officer_active(self, officer_id: str) -> bool:
        self.forget_officer(officer_id)
        officer = await self.officer(officer_id)
        return officer is not None and officer.active and bool(officer.roles)

    async def audit(self, action: str, target: str, officer: str | None) -> None:
        """A security event in case management's audit chain (officer=None: the console's own)."""
        request = pb.RecordSecurityEventRequest(action=action, target=target)
        await self.call(self.cases().stub.RecordSecurityEvent, request, officer)


def open_channel(target: str) -> grpc.aio.Channel:
    """An insecure channel on loopback/private networks; TLS deployments pass credentials."""
    return grpc.aio.insecure_channel(target)
