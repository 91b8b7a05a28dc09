"""The wire contract's own rules, checked over every proto file (buf-style lint + default-deny)."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2
from grpc_tools import protoc

from services.common.protogen import PROTO_ROOT, proto_files, stale_files


def _descriptor_set(tmp_path: Path) -> descriptor_pb2.FileDescriptorSet:
    from importlib import resources

    out = tmp_path / "set.pb"
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{resources.files('grpc_tools') / '_proto'}",
        "--include_source_info",
        f"--descriptor_set_out={out}",
        *[str(p.relative_to(PROTO_ROOT)) for p in proto_files()],
    ]
    assert protoc.main(args) == 0
    return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[descriptor_pb2.FileDescriptorProto]:
    return list(_descriptor_set(tmp_path_factory.mktemp("protos")).file)


def test_packages_are_versioned_and_match_their_path(
    files: list[descriptor_pb2.FileDescriptorProto],
) -> None:
    for f in files:
        assert f.package.startswith("warden."), f.name
        assert f.package.split(".")[-1] in ("v1", "v2"), f.name
        assert f.name.startswith(f.package.replace(".", "/") + "/"), f.name


def test_every_rpc_declares_a_scope(files: list[descriptor_pb2.FileDescriptorProto]) -> None:
    from warden.common.v1 import auth_pb2

    for f in files:
        for service in f.service:
            assert service.name.endswith("Service"), service.name
            for method in service.method:
                opts = method.options.SerializeToString()
                decoded = descriptor_pb2.MethodOptions.FromString(opts)
                scope = decoded.Extensions[auth_pb2.required_scope]
                assert scope, f"{f.package}.{service.name}/{method.name} declares no required_scope"
                assert method.input_type.endswith(method.name + "Request"), method.name
                assert method.output_type.endswith(method.name + "Response"), method.name


def test_enums_start_with_unspecified_zero(files: list[descriptor_pb2.FileDescriptorProto]) -> None:
    def enums(f: descriptor_pb2.FileDescriptorProto) -> list[descriptor_pb2.EnumDescriptorProto]:
        found = list(f.enum_type)
        stack = list(f.message_type)
        while stack:
            message = stack.pop()
            found += list(message.enum_type)
            stack += list(message.nested_type)
        return found

    for f in files:
        for enum in enums(f):
            first = enum.value[0]
            prefix = "".join(f"_{c}" if c.isupper() else c.upper() for c in enum.name).lstrip("_")
            assert (first.number, first.name) == (0, f"{prefix}_UNSPECIFIED"), enum.name
            assert all(v.name.startswith(prefix + "_") for v in enum.value), enum.name


def test_everything_is_commented(files: list[descriptor_pb2.FileDescriptorProto]) -> None:
    missing = []
    for f in files:
        commented = {
            tuple(loc.path) for loc in f.source_code_info.location if loc.leading_comments.strip()
        }
        for i, service in enumerate(f.service):
            missing += [
                f"{service.name}.{m.name}"
                for j, m in enumerate(service.method)
                if (6, i, 2, j) not in commented
            ]
        for i, message in enumerate(f.message_type):
            missing += [
                f"{message.name}.{fld.name}"
                for j, fld in enumerate(message.field)
                if (4, i, 2, j) not in commented
            ]
    assert missing == [], f"uncommented RPCs/fields: {missing}"


def test_generated_code_is_fresh(tmp_path: Path) -> None:
    from services.common.protogen import DEFAULT_OUT, generate

    generate(tmp_path)
    assert stale_files(tmp_path, DEFAULT_OUT) == [], "run `make protos` and commit protos/gen"
