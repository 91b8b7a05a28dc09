"""The main story as a client tells it: lists, applicants, transfers, and the calls that carry
them. Shared by the production-topology test and the fault tests, which run the same story
against separate processes or an in-process server.

Documents: synthetic passport data pages (`services.identity.specimens`: issuer UTO, the ICAO
specimen state, MRZ in OCR-B with valid check digits) carrying real faces from
../shared/data/faces, and the ICAO specimen passport itself (../shared/data/documents, expired
in 2012). Selfies are other photos of the same people, or for the specimen a stand-in made from
its portrait. Identity refuses specimen issuers unless WARDEN_IDENTITY_ACCEPT_SPECIMEN_DOCUMENTS
is set (SPECIMEN_ENV), as the demo does for its own run.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import grpc
from warden.cases.v1 import cases_pb2, cases_pb2_grpc
from warden.common.v1 import operation_pb2, party_pb2
from warden.graph.v1 import graph_pb2
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.graph.convert import transaction_to_proto
from services.graph.synthetic import GeneratedSet, GeneratorConfig, generate, transactions_of
from services.identity.core.images import decode_image, encode_jpeg
from services.identity.demo import stand_in_selfie
from services.identity.specimens import HolderFields, SpecimenOptions, render_specimen
from tests.support.grpc import auth

SPECIMEN_ENV = {"WARDEN_IDENTITY_ACCEPT_SPECIMEN_DOCUMENTS": "true"}
SPECIMEN_PASSPORT = "documents/icao_style/passporteye_passport-td3.jpg"
OBAMA, OBAMA_SELFIE = (
    "faces/people/barack_obama/obama.jpg",
    "faces/people/barack_obama/obama-480p.jpg",
)
BIDEN = "faces/people/joe_biden/biden.jpg"
P03, P03_SELFIE = "faces/people/deepface_P03/img8.jpg", "faces/people/deepface_P03/img9.jpg"
P05, P05_SELFIE = "faces/people/deepface_P05/img16.jpg", "faces/people/deepface_P05/img17.jpg"
VALID_UNTIL = date(2034, 5, 31)
BLOCKLIST = Path(__file__).resolve().parents[1] / "fixtures" / "watchlists" / "custom_blocklist.csv"


@dataclass(frozen=True)
class Person:
    """An applicant: what the passport says (and they type), their portrait and their selfie."""

    surname: str
    given_names: str
    born: date
    document_number: str
    portrait: str | None  # None: the ICAO specimen passport is the document
    selfie: str | None  # None: a stand-in made from the document's portrait
    typed: tuple[str, str] | None = None  # (given, family) as typed, if not the MRZ's spelling
    nationality: str = "SE"
    sex: str = "M"
    declared_pep: bool = False

    def applicant(self) -> pb.Applicant:
        given, family = self.typed or (self.given_names.title(), self.surname.title())
        return pb.Applicant(
            given_names=given,
            family_name=family,
            birth_date=party_pb2.PartialDate(
                year=self.born.year, month=self.born.month, day=self.born.day
            ),
            nationality=self.nationality,
            residence_country="SE",
            document=pb.IdentityDocument(
                kind=pb.DOCUMENT_KIND_PASSPORT, number=self.document_number, issuing_country="SE"
            ),
            occupation="employee",
            declared_pep=self.declared_pep,
        )


CLEAN = Person("OBAMA", "BARACK HUSSEIN", date(1961, 8, 4), "UT1961084", OBAMA, OBAMA_SELFIE)
# Names from tests/fixtures/watchlists/custom_blocklist.csv (all invented).
SANCTIONED = Person(
    "PETROV", "IVAN SERGEYEVICH", date(1971, 3, 5), "UT7103055", P03, P03_SELFIE, nationality="RU"
)
PEP = Person(
    "FERNANDEZ RUIZ",
    "MARIA JOSE",
    date(1968, 4, 2),
    "UT6804021",
    P05,
    P05_SELFIE,
    typed=("María José", "Fernández Ruiz"),
    nationality="ES",
    sex="F",
)
MISMATCHED = replace(CLEAN, document_number="UT1961085", selfie=BIDEN)
EXPIRED = Person("ERIKSSON", "ANNA MARIA", date(1974, 8, 12), "L898902C3", None, None, sex="F")


@dataclass
class Images:
    """Documents and selfies for the applicants, rendered once per test session."""

    root: Path
    _documents: dict[Person, bytes] = field(default_factory=dict)

    @classmethod
    def load(cls, shared_data: Path) -> Images:
        return cls(shared_data)

    def document(self, person: Person) -> bytes:
        if person not in self._documents:
            self._documents[person] = self._render(person)
        return self._documents[person]

    def selfie(self, person: Person) -> bytes:
        if person.selfie is None:
            return stand_in_selfie(self.document(person))
        return (self.root / person.selfie).read_bytes()

    def _render(self, person: Person) -> bytes:
        if person.portrait is None:
            return (self.root / SPECIMEN_PASSPORT).read_bytes()
        fields = HolderFields(
            surname=person.surname,
            given_names=person.given_names,
            document_number=person.document_number,
            birth_date=person.born,
            expiry_date=VALID_UNTIL,
            sex=person.sex,
        )
        portrait = decode_image((self.root / person.portrait).read_bytes()).pixels
        specimen = render_specimen(fields, portrait, SpecimenOptions(seed=7))
        return encode_jpeg(specimen.pixels, quality=92)


def evaluate_request(
    request_id: str, person: Person, images: Images, *, selfie: bytes | None = None
) -> pb.EvaluateRequest:
    return pb.EvaluateRequest(
        request_id=request_id,
        applicant=person.applicant(),
        document_images=[images.document(person)],
        selfie=images.selfie(person) if selfie is None else selfie,
        product="current_account",
        channel="online",
    )


def write_catalog(folder: Path, csv: Path = BLOCKLIST) -> Path:
    """A catalog with one custom list (sanctioned names and a PEP); returns the YAML path."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(csv, data / "inhouse.csv")
    catalog = folder / "catalog.yaml"
    catalog.write_text(
        "data_root: data\n"
        "sources:\n  - {id: inhouse, format: custom_csv, files: {main: inhouse.csv}}\n"
    )
    return catalog


async def watch(
    channel: grpc.aio.Channel, token: str, operation_id: str, timeout_s: int = 90
) -> operation_pb2.Operation:
    """The operation once it is finished (or the last state seen before the timeout)."""
    stub = operations_pb2_grpc.OperationsServiceStub(channel)
    request = operations_pb2.WatchOperationRequest(id=operation_id, timeout_seconds=timeout_s)
    updates = stub.WatchOperation(request, metadata=auth(token), timeout=timeout_s + 5)
    return [u.operation async for u in updates][-1]


def evaluation_of(operation: operation_pb2.Operation) -> pb.EvaluationResult:
    assert operation.state == operation_pb2.OPERATION_STATE_SUCCEEDED, operation
    result = pb.EvaluationResult()
    assert operation.result.Unpack(result)
    return result


async def evaluate(
    channel: grpc.aio.Channel, token: str, request: pb.EvaluateRequest, timeout_s: int = 90
) -> tuple[pb.EvaluateResponse, pb.EvaluationResult]:
    stub = onboarding_pb2_grpc.OnboardingServiceStub(channel)
    started = await stub.Evaluate(request, metadata=auth(token), timeout=30)
    final = await watch(channel, token, started.operation.id, timeout_s)
    return started, evaluation_of(final)


def reason_names(result: pb.EvaluationResult) -> list[str]:
    return [pb.ClientReason.Name(r).removeprefix("CLIENT_REASON_") for r in result.reasons]


OFFICER = "e2e-officer"


def as_officer(token: str) -> tuple[tuple[str, str], ...]:
    """CaseService answers officers only: a delegating key acting for OFFICER."""
    return auth(token, ("x-warden-on-behalf-of", OFFICER))


async def cases_of(
    channel: grpc.aio.Channel, token: str, kind: cases_pb2.SubjectKind.ValueType, subject_id: str
) -> list[cases_pb2.Case]:
    subject = cases_pb2.Subject(kind=kind, id=subject_id)
    reply = await cases_pb2_grpc.CaseServiceStub(channel).ListCases(
        cases_pb2.ListCasesRequest(subject=subject), metadata=as_officer(token), timeout=10
    )
    return list(reply.cases)


async def alerts_of(channel: grpc.aio.Channel, token: str, case_id: str) -> list[cases_pb2.Alert]:
    reply = await cases_pb2_grpc.CaseServiceStub(channel).GetCase(
        cases_pb2.GetCaseRequest(case_id=case_id), metadata=as_officer(token), timeout=10
    )
    return list(reply.alerts)


# A small history: quiet background and one planted ring of each typology.
SMALL_HISTORY = GeneratorConfig(
    seed=5,
    accounts=600,
    background=3_000,
    days=40,
    rings_per_typology=1,
    payroll_employers=0,
    merchants=0,
    households=0,
    supplier_chains=0,
)


def history(
    config: GeneratorConfig = SMALL_HISTORY,
) -> tuple[GeneratedSet, list[graph_pb2.Transaction]]:
    data = generate(config)
    return data, [transaction_to_proto(t) for t in transactions_of(data)]


async def batches(
    rows: Sequence[graph_pb2.Transaction], size: int = 2_000
) -> AsyncIterator[graph_pb2.IngestTransactionsRequest]:
    for start in range(0, len(rows), size):
        yield graph_pb2.IngestTransactionsRequest(transactions=rows[start : start + size])
