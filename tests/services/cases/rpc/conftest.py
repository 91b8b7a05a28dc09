"""A real in-process server with every area, officers of each role, and a console key."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
import pytest
from warden.cases.v1 import cases_pb2_grpc

from services.cases import admin
from services.cases.handlers import CaseDeps
from services.cases.wiring import case_deps
from tests.services.cases.factory import ADA, ALEX, ANA, AUD, MAX, MIA, RITA, ROB
from tests.support.grpc import TestServer, auth


@dataclass
class Console:
    """Calls CaseService as the console does: its key plus the officer it acts for."""

    server: TestServer
    token: str
    deps: CaseDeps

    def as_(self, officer: str) -> tuple[tuple[str, str], ...]:
        return auth(self.token, ("x-warden-on-behalf-of", officer))

    def stub(self, channel: grpc.aio.Channel) -> cases_pb2_grpc.CaseServiceAsyncStub:
        return cases_pb2_grpc.CaseServiceStub(channel)


@pytest.fixture
def console(grpc_server: TestServer) -> Console:
    deps = case_deps(grpc_server.container)
    for officer in (ANA, ALEX, RITA, ROB, MIA, MAX, ADA, AUD):
        new = admin.NewOfficer(officer.id, officer.display_name, officer.roles)
        admin.create_officer(admin.BOOTSTRAP, new, deps)
    token = grpc_server.key("cases.*", "auth.delegate", name="console")
    return Console(grpc_server, token, deps)
