"""Demo step: a batch of applicants through OnboardingService.Evaluate, as a bank would send them.

Documents: synthetic passport data pages (services.identity.specimens: issuer UTO, the ICAO
specimen state, MRZ in OCR-B with valid check digits) carrying real faces from ../shared/data,
plus the ICAO specimen passport itself, whose validity ended in 2012. Selfies are other photos
of the same people (or, for the specimen, a stand-in made from its portrait). Each applicant
shows one rule of the default policy; the closing table shows what the client was told and
which cases officers got — the client never learns which list or which rule.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.table import Table
from warden.cases.v1 import cases_pb2, cases_pb2_grpc
from warden.common.v1 import party_pb2
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.cases.demo import create_officers
from services.demo import DemoContext, shared_data_dir
from services.identity.core.images import decode_image
from services.identity.demo import stand_in_selfie
from services.identity.specimens import (
    VALID_FOR_YEARS,
    HolderFields,
    SpecimenOptions,
    specimen_jpeg,
)

SPECIMEN_PASSPORT = "documents/icao_style/passporteye_passport-td3.jpg"
OBAMA = "faces/people/barack_obama/obama.jpg"
OBAMA_SELFIE = "faces/people/barack_obama/obama-480p.jpg"
BIDEN_SELFIE = "faces/people/joe_biden/biden.jpg"
P03, P03_SELFIE = "faces/people/deepface_P03/img8.jpg", "faces/people/deepface_P03/img9.jpg"
P05, P05_SELFIE = "faces/people/deepface_P05/img16.jpg", "faces/people/deepface_P05/img17.jpg"


@dataclass(frozen=True, slots=True)
class DemoApplicant:
    """One row of the story: who applies, with which document and selfie, and what policy says."""

    label: str
    surname: str
    given_names: str
    birth_date: date
    document_number: str
    portrait: str | None  # None: the ICAO specimen passport is the document
    selfie: str | None  # None: a stand-in made from the document's portrait
    expected: str
    residence: str = "SE"
    declared_pep: bool = False
    sex: str = "M"


APPLICANTS = (
    DemoApplicant(
        "clean",
        "OBAMA",
        "BARACK HUSSEIN",
        date(1961, 8, 4),
        "UT1961084",
        OBAMA,
        OBAMA_SELFIE,
        "APPROVED",
    ),
    DemoApplicant(
        "clean (second)",
        "NORDIN",
        "ELSA",
        date(1988, 2, 29),
        "UT8802293",
        P05,
        P05_SELFIE,
        "APPROVED",
        sex="F",
    ),
    DemoApplicant(
        "expired document",
        "ERIKSSON",
        "ANNA MARIA",
        date(1974, 8, 12),
        "L898902C3",
        None,
        None,
        "REJECTED",
        sex="F",
    ),
    DemoApplicant(
        "someone else's selfie",
        "OBAMA",
        "BARACK HUSSEIN",
        date(1961, 8, 4),
        "UT1961085",
        OBAMA,
        BIDEN_SELFIE,
        "REJECTED",
    ),
    DemoApplicant(
        "sanctioned name",
        "PRIGOZHIN",
        "YEVGENIY VIKTOROVICH",
        date(1961, 6, 1),
        "UT6106013",
        P03,
        P03_SELFIE,
        "PENDING_REVIEW",
    ),
    DemoApplicant(
        "declared PEP",
        "LINDQVIST",
        "KARL",
        date(1966, 3, 14),
        "UT6603145",
        OBAMA,
        OBAMA_SELFIE,
        "PENDING_REVIEW",
        declared_pep=True,
    ),
    DemoApplicant(
        "resident of IR",
        "BERG",
        "JONAS",
        date(1979, 11, 2),
        "UT7911027",
        OBAMA,
        OBAMA_SELFIE,
        "PENDING_REVIEW",
        residence="IR",
    ),
)


def _read(data: Path, relative: str) -> bytes:
    return (data / relative).read_bytes()


def _document(data: Path, who: DemoApplicant) -> bytes:
    if who.portrait is None:
        return _read(data, SPECIMEN_PASSPORT)
    fields = HolderFields(
        surname=who.surname,
        given_names=who.given_names,
        document_number=who.document_number,
        birth_date=who.birth_date,
        expiry_date=VALID_FOR_YEARS,
        sex=who.sex,
    )
    portrait = decode_image(_read(data, who.portrait)).pixels
    return specimen_jpeg(fields, portrait, SpecimenOptions(seed=len(who.label)))


def _selfie(data: Path, who: DemoApplicant, document: bytes) -> bytes:
    return stand_in_selfie(document) if who.selfie is None else _read(data, who.selfie)


def _request(data: Path, who: DemoApplicant) -> pb.EvaluateRequest:
    document = _document(data, who)
    applicant = pb.Applicant(
        given_names=who.given_names.title(),
        family_name=who.surname.title(),
        birth_date=party_pb2.PartialDate(
            year=who.birth_date.year, month=who.birth_date.month, day=who.birth_date.day
        ),
        nationality="SE",
        residence_country=who.residence,
        document=pb.IdentityDocument(
            kind=pb.DOCUMENT_KIND_PASSPORT, number=who.document_number, issuing_country="SE"
        ),
        occupation="employee",
        declared_pep=who.declared_pep,
    )
    return pb.EvaluateRequest(
        request_id=f"demo-onboarding-{uuid.uuid4().hex[:8]}",
        applicant=applicant,
        document_images=[document],
        selfie=_selfie(data, who, document),
        product="current_account",
        channel="online",
    )


@dataclass(frozen=True, slots=True)
class Row:
    who: DemoApplicant
    outcome: str
    reasons: str
    customer_id: str


async def _evaluate(ctx: DemoContext, data: Path, who: DemoApplicant) -> Row:
    stub = onboarding_pb2_grpc.OnboardingServiceStub(ctx.channel)
    started = await stub.Evaluate(_request(data, who), metadata=ctx.metadata, timeout=30)
    operations = operations_pb2_grpc.OperationsServiceStub(ctx.channel)
    watch = operations_pb2.WatchOperationRequest(id=started.operation.id, timeout_seconds=120)
    async for _ in operations.WatchOperation(watch, metadata=ctx.metadata, timeout=125):
        pass
    reply = await stub.GetDecision(
        pb.GetDecisionRequest(application_id=started.application_id), metadata=ctx.metadata
    )
    if not reply.decided:
        return Row(who, "undecided", "-", "")
    result = reply.result
    outcome = pb.Outcome.Name(result.outcome).removeprefix("OUTCOME_")
    reasons = ", ".join(
        pb.ClientReason.Name(r).removeprefix("CLIENT_REASON_") for r in result.reasons
    )
    return Row(who, outcome, reasons or "-", result.customer_id)


async def _settled_cases(ctx: DemoContext, rows: list[Row]) -> list[str]:
    """Each applicant's cases, once intake (queued on the `cases` queue) has caught up."""
    previous: list[str] = []
    for _ in range(40):
        current = [await _cases_of(ctx, row.customer_id) for row in rows]
        if current == previous:
            break
        previous = current
        await asyncio.sleep(0.5)
    return previous


async def _cases_of(ctx: DemoContext, customer_id: str) -> str:
    """The customer's cases as an auditor sees them (the client itself never can)."""
    if not customer_id:
        return "-"
    stub = cases_pb2_grpc.CaseServiceStub(ctx.channel)
    subject = cases_pb2.Subject(kind=cases_pb2.SUBJECT_KIND_CUSTOMER, id=customer_id)
    auditor = (*ctx.metadata, ("x-warden-on-behalf-of", "demo.auditor"))
    reply = await stub.ListCases(
        cases_pb2.ListCasesRequest(subject=subject), metadata=auditor, timeout=10
    )
    found = [
        f"{c.queue} ({cases_pb2.Severity.Name(c.severity).removeprefix('SEVERITY_').lower()})"
        for c in reply.cases
    ]
    return ", ".join(found) or "-"


def _table(rows: list[Row], cases: list[str]) -> Table:
    table = Table(title="Onboarding decisions: what the client is told, what officers get")
    for column in ("applicant", "decision", "client reasons", "cases opened"):
        table.add_column(column, overflow="fold")
    for row, opened in zip(rows, cases, strict=True):
        as_policy_says = row.outcome == row.who.expected
        decision = row.outcome if as_policy_says else f"{row.outcome} (expected {row.who.expected})"
        style = "" if as_policy_says else "bold red"
        table.add_row(row.who.label, decision, row.reasons, opened, style=style)
    return table


async def run(ctx: DemoContext) -> None:
    data = shared_data_dir()
    if data is None:
        ctx.record("onboarding", "skipped", "../shared/data not found")
        return
    create_officers(ctx)
    rows = []
    for who in APPLICANTS:
        rows.append(await _evaluate(ctx, data, who))
        ctx.console.print(f"  {who.label:22} -> {rows[-1].outcome}")
    ctx.console.print(_table(rows, await _settled_cases(ctx, rows)))
    as_expected = sum(r.outcome == r.who.expected for r in rows)
    detail = f"{as_expected}/{len(rows)} as policy says: " + ", ".join(
        f"{r.who.label}: {r.outcome}" for r in rows
    )
    ctx.record("onboarding", "ok" if as_expected == len(rows) else "FAILED", detail)
