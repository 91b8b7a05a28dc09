"""Demo step: screen a handful of applicants through gRPC and print the explained hits.

Lists: the version the watchlists demo step just stored (the real public lists). Without
../shared/data, the step installs a small sample of real UN Security Council and OFAC entries
written out below, and says so.
"""

from __future__ import annotations

import asyncio

from warden.common.v1 import party_pb2
from warden.screening.v1 import screening_pb2, screening_pb2_grpc

from services.common.db import utcnow
from services.demo import DemoContext
from services.screening.deps import RegistryLists, screening_deps
from watchlists.model import Gender, Name, NameQuality, PartialDate, Party, Schema
from watchlists.snapshot import Snapshot


def _entry(party_id: str, schema: Schema, *names: str, **fields: object) -> Party:
    primary, *aliases = names
    all_names = (Name(primary), *(Name(a, NameQuality.STRONG_ALIAS) for a in aliases))
    return Party(party_id, schema, all_names, source=party_id.split(":")[0], **fields)  # type: ignore[arg-type]


# Public list entries (UN SC consolidated list, OFAC SDN), abridged to what matching uses.
_RU = {"nationalities": ("RU",), "gender": Gender.MALE}
SAMPLE_ENTRIES = (
    _entry(
        "un_sc:QDi.421",
        Schema.PERSON,
        "ABU BAKR AL-BAGHDADI",
        "Ibrahim Awwad Ibrahim Ali al-Badri al-Samarrai",
        birth_dates=(PartialDate(1971),),
        nationalities=("IQ",),
    ),
    _entry("un_sc:KPi.033", Schema.PERSON, "KIM JONG UN", "김정은", nationalities=("KP",)),
    _entry(
        "ofac_sdn:21171",
        Schema.PERSON,
        "PRIGOZHIN, Yevgeniy Viktorovich",
        "PRIGOZHIN, Evgeny",
        birth_dates=(PartialDate(1961, 6, 1),),
        **_RU,
    ),
    _entry(
        "ofac_sdn:35096",
        Schema.PERSON,
        "PUTIN, Vladimir Vladimirovich",
        "Владимир Владимирович Путин",
        birth_dates=(PartialDate(1952, 10, 7),),
        **_RU,
    ),
    _entry("un_sc:QDe.004", Schema.ORGANIZATION, "AL-QAIDA", "The Base", "Al Qaeda"),
    _entry("ofac_sdn:9702", Schema.ORGANIZATION, "GAZPROM NEFT PAO", "OAO GAZPROM NEFT"),
    _entry(
        "un_sc:QDi.402",
        Schema.PERSON,
        "MOHAMMED ABDULLAH ALI",
        birth_dates=(PartialDate(1981),),
        nationalities=("YE",),
    ),
)

APPLICANTS: tuple[
    tuple[str, party_pb2.PartyKind.ValueType, str, tuple[int, int, int] | None], ...
] = (
    ("applicant-1", party_pb2.PARTY_KIND_PERSON, "Evgenii Prigojin", (1961, 6, 1)),
    ("applicant-2", party_pb2.PARTY_KIND_PERSON, "Владимир Путин", (1952, 7, 10)),
    ("applicant-3", party_pb2.PARTY_KIND_PERSON, "Jane Okafor", (1990, 3, 2)),
    ("applicant-4", party_pb2.PARTY_KIND_ORGANIZATION, "PJSC Gazprom Neft", None),
    ("applicant-5", party_pb2.PARTY_KIND_PERSON, "Mohammed Ali", (1975, 1, 1)),
)


def _request(
    reference: str,
    kind: party_pb2.PartyKind.ValueType,
    name: str,
    born: tuple[int, int, int] | None,
) -> screening_pb2.ScreenRequest:
    dates = [party_pb2.PartialDate(year=born[0], month=born[1], day=born[2])] if born else []
    party = party_pb2.Party(
        reference=reference,
        kind=kind,
        names=[party_pb2.Name(full=name)],
        birth_dates=dates,
    )
    return screening_pb2.ScreenRequest(party=party, monitor=True)


async def run(ctx: DemoContext) -> None:
    lists = screening_deps(ctx.container).lists
    if isinstance(lists, RegistryLists):
        # Pick up the version the watchlists step stored; indexing takes seconds, off the loop.
        await asyncio.to_thread(lists.refresh)
        if not lists.registry.is_loaded:
            lists.registry.install(Snapshot("sample", utcnow(), (), SAMPLE_ENTRIES))
            ctx.console.print(f"  no stored list version: {len(SAMPLE_ENTRIES)} sample entries")
    stub = screening_pb2_grpc.ScreeningServiceStub(ctx.channel)
    flagged = 0
    for reference, kind, name, born in APPLICANTS:
        reply = await stub.Screen(
            _request(reference, kind, name, born), metadata=ctx.metadata, timeout=10
        )
        matches = [h for h in reply.hits if h.match]
        flagged += bool(matches)
        ctx.console.print(
            f"  {name!r}: {len(matches)} match(es) in list version {reply.list_version}"
        )
        for hit in matches[:2]:
            ctx.console.print(f"    {hit.score:5.2f} {hit.entry.reference} ({hit.matched_name})")
            for explanation in hit.explanations:
                contribution = explanation.weight * explanation.score
                line = f"{contribution:+.2f} {explanation.feature}: {explanation.detail}"
                ctx.console.print(f"          {line}", markup=False)
    ctx.record(
        "screening",
        "ok",
        f"{len(APPLICANTS)} applicants screened, {flagged} with explained matches",
    )
