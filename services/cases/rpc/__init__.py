"""CaseService servicer: proto -> handler -> proto, nothing else (see the three mixins).

The acting officer is the authenticated principal, or — when the console delegates with
`auth.delegate` — the officer it names (`Principal.acting_for`). Roles come from the officers
table inside the handlers; scopes (which client may call) are checked by the interceptor from
the proto. Blocking work runs in threads (`asyncio.to_thread`): the database and XML schema
validation must not stall the event loop.
"""

from __future__ import annotations

from warden.cases.v1 import cases_pb2, cases_pb2_grpc

from services.cases.rpc.admin import AdminRpc
from services.cases.rpc.cases import CaseRpc
from services.cases.rpc.sars import SarRpc
from services.cases.wiring import case_deps
from services.common.rpc.server import RpcService
from services.common.runtime import Container


class CaseServicer(CaseRpc, SarRpc, AdminRpc, cases_pb2_grpc.CaseServiceServicer):
    """Every CaseService RPC."""


def build(container: Container) -> list[RpcService]:
    servicer = CaseServicer(case_deps(container))
    name = cases_pb2.DESCRIPTOR.services_by_name["CaseService"].full_name
    return [
        RpcService(
            name, lambda server: cases_pb2_grpc.add_CaseServiceServicer_to_server(servicer, server)
        )
    ]
