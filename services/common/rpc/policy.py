"""Which scope each RPC requires, read from the `required_scope` option in the protos.

Default-deny: a method missing from the policy cannot be called (PERMISSION_DENIED), so an RPC
added without a scope fails closed. Health checks and reflection are public by design: load
balancers and grpcurl must reach them without credentials, and they reveal no data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from google.protobuf import descriptor_pool
from warden.common.v1 import auth_pb2

PUBLIC_METHODS: frozenset[str] = frozenset(
    {
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
        "/grpc.health.v1.Health/List",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    }
)


@dataclass(frozen=True, slots=True)
class MethodPolicy:
    """Full method name ("/pkg.Service/Method") -> required scope; plus the public set."""

    scopes: Mapping[str, str]
    public: frozenset[str] = field(default=PUBLIC_METHODS)

    def required_scope(self, method: str) -> str | None:
        return self.scopes.get(method)

    def is_public(self, method: str) -> bool:
        return method in self.public

    def with_overrides(self, extra: Mapping[str, str]) -> MethodPolicy:
        return MethodPolicy({**self.scopes, **extra}, self.public)

    def known_scopes(self) -> set[str]:
        return set(self.scopes.values())


def policy_for_services(service_names: Iterable[str]) -> MethodPolicy:
    """Build the policy from the descriptors of the given fully-qualified service names."""
    pool = descriptor_pool.Default()
    scopes: dict[str, str] = {}
    for service_name in service_names:
        try:
            service = pool.FindServiceByName(service_name)
        except KeyError:
            continue  # a service without a proto descriptor declares no scopes: all denied
        for method in service.methods:
            options = method.GetOptions()
            if options.HasExtension(auth_pb2.required_scope):
                scope = options.Extensions[auth_pb2.required_scope]
                scopes[f"/{service.full_name}/{method.name}"] = scope
    return MethodPolicy(scopes)
