"""Hostile input end to end, through the real servers and interceptors: each row is one input
an attacker (or a broken client) sends, the gRPC code it must get, and the field the error must
name. Refused input leaves nothing behind; input that is merely unusual (homoglyphs, combining
marks) is accepted, and cannot be used to slip past screening. Lists: hostile XML through the
list loading path. The table with observed behaviour: docs/e2e.md."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from PIL import Image
from warden.common.v1 import party_pb2
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc
from warden.screening.v1 import screening_pb2, screening_pb2_grpc

from services.common.errors import InvalidArgument
from tests.e2e.inprocess import Live
from tests.support import story
from tests.support.grpc import auth
from watchlists.deps import deps_of
from watchlists.handlers import LoadLists, load_lists

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

OK = grpc.StatusCode.OK
INVALID = grpc.StatusCode.INVALID_ARGUMENT
TOO_LARGE = grpc.StatusCode.RESOURCE_EXHAUSTED
CYRILLIC_A, CYRILLIC_O = "\u0430", "\u043e"


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A valid PNG header claiming 3.6 gigapixels, with a few bytes of (compressed) data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def tiff() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 180, 160)).save(out, format="TIFF")
    return out.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"/>'


@dataclass(frozen=True)
class Row:
    """One hostile input: how it changes a good request, what must come back."""

    name: str
    code: grpc.StatusCode
    violation: str = ""  # the field the error must name ("" = none expected)
    images: dict[str, bytes] = field(default_factory=dict)  # "document" / "selfie" -> bytes
    given: str | None = None
    family: str | None = None
    birth: tuple[int, int, int] | None = None
    document_kind: int | None = None


EVALUATE_TABLE = (
    Row("oversized image", TOO_LARGE, images={"document": b"\xff\xd8" + b"\0" * (11 << 20)}),
    Row("malformed image bytes", INVALID, "document_images[0]", {"document": b"\xff\xd8garbage"}),
    Row("decompression bomb PNG", TOO_LARGE, images={"selfie": png_bomb()}),
    Row("SVG", INVALID, "document_images[0]", {"document": SVG}),
    Row("TIFF", INVALID, "selfie", {"selfie": tiff()}),
    Row("zero-width joiner", INVALID, "applicant.family_name", family="Pe\u200dtrov"),
    Row("right-to-left override", INVALID, "applicant.given_names", given="\u202eIvan"),
    Row("NUL", INVALID, "applicant.family_name", family="Petrov\x00"),
    Row("10k-char name", INVALID, "applicant.given_names", given="A" * 10_000),
    Row("year 0", INVALID, "applicant.birth_date", birth=(0, 1, 1)),
    Row("9999-99-99", INVALID, "applicant.birth_date", birth=(9999, 99, 99)),
    Row("30 February", INVALID, "applicant.birth_date", birth=(1990, 2, 30)),
    Row("unknown enum value", INVALID, "applicant.document.kind", document_kind=999),
    Row("homoglyph Cyrillic a", OK, given=f"{CYRILLIC_A}nna Maria"),
    Row("combining marks", OK, given="Anna Mari\u0061\u0301\u0308"),
)


def evaluate_request(row: Row, images: story.Images, index: int) -> pb.EvaluateRequest:
    request = story.evaluate_request(f"hostile-{index}", story.CLEAN, images)
    if "document" in row.images:
        request.document_images[0] = row.images["document"]
    if "selfie" in row.images:
        request.selfie = row.images["selfie"]
    applicant = request.applicant
    applicant.given_names = row.given if row.given is not None else applicant.given_names
    applicant.family_name = row.family if row.family is not None else applicant.family_name
    if row.birth is not None:
        year, month, day = row.birth
        applicant.birth_date.CopyFrom(party_pb2.PartialDate(year=year, month=month, day=day))
    if row.document_kind is not None:
        applicant.document.kind = row.document_kind  # type: ignore[assignment]
    return request


def violations(error: grpc.aio.AioRpcError) -> set[str]:
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)  # type: ignore[arg-type]
            for detail in status.details:
                bad = error_details_pb2.BadRequest()
                if detail.Unpack(bad):
                    return {v.field for v in bad.field_violations}
    return set()


async def answer(call: object) -> tuple[grpc.StatusCode, set[str], str]:
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as error:
        return error.code(), violations(error), error.details() or ""
    return OK, set(), ""


def mismatch(row: Row, got: tuple[grpc.StatusCode, set[str], str]) -> str | None:
    code, fields, details = got
    if code != row.code:
        return f"{row.name}: {code.name} ({details}), expected {row.code.name}"
    if row.violation and row.violation not in fields:
        return f"{row.name}: violations {sorted(fields)} do not name {row.violation}"
    if code == TOO_LARGE and not details:
        return f"{row.name}: no message says what is too large"
    return None


async def test_hostile_evaluate_requests_get_their_code_name_their_field_store_nothing(
    live: Live, images: story.Images
) -> None:
    problems = []
    async with live.server.channel() as ch:
        stub = onboarding_pb2_grpc.OnboardingServiceStub(ch)
        for index, row in enumerate(EVALUATE_TABLE):
            request = evaluate_request(row, images, index)
            got = await answer(stub.Evaluate(request, metadata=auth(live.token), timeout=60))
            problems.append(mismatch(row, got))
    assert [p for p in problems if p] == []
    accepted = sum(row.code == OK for row in EVALUATE_TABLE)
    assert live.count("onboarding_applications") == accepted
    assert live.count("onboarding_evidence") == 2 * accepted
    assert live.count("operations", kind="onboarding.evaluate") == accepted


def screen(name: str, **party: object) -> screening_pb2.ScreenRequest:
    return screening_pb2.ScreenRequest(
        party=party_pb2.Party(
            reference=f"hostile-{abs(hash(name)) % 10**8}",
            kind=party.pop("kind", party_pb2.PARTY_KIND_PERSON),  # type: ignore[arg-type]
            names=[party_pb2.Name(full=name)],
            **party,  # type: ignore[arg-type]
        ),
        monitor=True,
    )


SCREEN_TABLE = (
    (Row("10k-char name", INVALID, "party.names[0].full"), screen("A" * 10_000)),
    (Row("NUL", INVALID, "party.names[0].full"), screen("Ivan Petrov\x00")),
    (Row("unknown enum value", INVALID, "party.kind"), screen("Ivan Petrov", kind=999)),
    (
        Row("30 February", INVALID, "party.birth_dates[0]"),
        screen("Ivan Petrov", birth_dates=[party_pb2.PartialDate(year=1971, month=2, day=30)]),
    ),
    (
        Row("9999-99-99", INVALID, "party.birth_dates[0]"),
        screen("Ivan Petrov", birth_dates=[party_pb2.PartialDate(year=9999, month=99, day=99)]),
    ),
)
# Names an evader would try: each must still match the sanctioned entry (BL-0001).
EVASIONS = {
    "homoglyph Cyrillic o": f"Ivan Petr{CYRILLIC_O}v",
    "zero-width joiner": "Ivan Pe\u200dtrov",
    "zero-width space": "Ivan Pet\u200brov",
    "right-to-left override": "\u202eIvan Petrov",
    "combining marks": "Iv\u0301an Pe\u0308tro\u0300v",
}


async def test_hostile_screen_requests_are_refused_and_evasions_still_match(live: Live) -> None:
    problems = []
    async with live.server.channel() as ch:
        stub = screening_pb2_grpc.ScreeningServiceStub(ch)
        for row, request in SCREEN_TABLE:
            got = await answer(stub.Screen(request, metadata=auth(live.token), timeout=30))
            problems.append(mismatch(row, got))
        for label, name in EVASIONS.items():
            reply = await stub.Screen(screen(name), metadata=auth(live.token), timeout=30)
            matched = [h for h in reply.hits if h.match and h.entry.reference.endswith("BL-0001")]
            problems.append(None if matched else f"{label}: {name!r} escaped screening")
    assert [p for p in problems if p] == []
    assert live.count("screening_customers") == len(EVASIONS)  # the refused ones: nothing


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("billion_laughs.xml", "forbidden XML construct"),
        ("external_entity.xml", "forbidden XML construct"),
        ("external_dtd.xml", "forbidden XML construct"),
        ("deep_nesting.xml", "nested deeper than 32"),
    ],
)
async def test_a_hostile_xml_list_is_refused_by_the_load_and_the_live_version_serves_on(
    live: Live, fixtures_dir: Path, tmp_path: Path, name: str, problem: str
) -> None:
    folder = tmp_path / "hostile-lists"
    catalog = story.write_catalog(folder)
    (folder / "data" / "un.xml").write_bytes(
        (fixtures_dir / "watchlists" / "hostile" / name).read_bytes()
    )
    catalog.write_text(
        catalog.read_text() + "  - {id: un_sc, format: un_xml, files: {main: un.xml}}\n"
    )
    lists = deps_of(live.container)
    before = lists.store.current_version()
    with pytest.raises(InvalidArgument, match=problem) as refused:
        load_lists(LoadLists(catalog=catalog), lists)
    assert [v.field for v in refused.value.violations] == [
        str((folder / "data" / "un.xml").resolve())
    ]
    assert lists.store.current_version() == before
    assert live.count("watchlist_versions") == 1
    async with live.server.channel() as ch:
        reply = await screening_pb2_grpc.ScreeningServiceStub(ch).Screen(
            screen("Ivan Petrov"), metadata=auth(live.token)
        )
    assert reply.list_version == before
