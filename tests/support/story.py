"""The main story as a client tells it: lists, applicants, transfers, and the calls that carry
them. Shared by the production-topology test and the fault tests, which run the same story
against separate processes or an in-process server.

Images: each applicant's document is a synthetic specimen passport (services.identity.specimens,
issuer UTO, valid until 2034) printed with the applicant's own data and a real face from
../shared/data/faces; the selfie is another photo of the same person (or of someone else, for the
mismatched applicant). Specimen issuers are accepted only because the suites under test set
WARDEN_IDENTITY_ACCEPT_SPECIMEN_DOCUMENTS (SPECIMEN_ENV). The ICAO specimen passport itself
(expired in 2012) is kept for the tests that need a real scan (`holder_selfie`).
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cv2
import grpc
import numpy as np
from anyascii import anyascii
from warden.cases.v1 import cases_pb2, cases_pb2_grpc
from warden.common.v1 import operation_pb2, party_pb2
from warden.graph.v1 import graph_pb2
from warden.onboarding.v1 import onboarding_pb2 as pb
from warden.onboarding.v1 import onboarding_pb2_grpc
from warden.operations.v1 import operations_pb2, operations_pb2_grpc

from services.graph.convert import transaction_to_proto
from services.graph.synthetic import GeneratedSet, GeneratorConfig, generate, transactions_of
from services.identity.core.images import RgbImage, decode_image
from services.identity.specimens import (
    ACCEPT_SPECIMENS_ENV,
    VALID_FOR_YEARS,
    HolderFields,
    specimen_jpeg,
)
from tests.support.grpc import auth

SPECIMEN = "documents/icao_style/passporteye_passport-td3.jpg"
# The specimen's portrait (top, right, bottom, left), as face_recognition locates it.
SPECIMEN_FACE = (352, 369, 512, 208)
HOLDER_PORTRAIT = "faces/people/barack_obama/obama.jpg"
HOLDER_SELFIE = "faces/people/barack_obama/obama-480p.jpg"
MISMATCHED_SELFIE = "faces/people/joe_biden/biden.jpg"
BLOCKLIST = Path(__file__).resolve().parents[1] / "fixtures" / "watchlists" / "custom_blocklist.csv"
# The story's documents are ICAO specimens (issuer UTO), which a real deployment refuses.
SPECIMEN_ENV = ACCEPT_SPECIMENS_ENV


def holder_selfie(document: bytes) -> bytes:
    """The specimen's portrait with a margin of one face, enlarged to 640 px high (JPEG)."""
    image = cv2.imdecode(np.frombuffer(document, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    top, right, bottom, left = SPECIMEN_FACE
    height, width = bottom - top, right - left
    crop = image[max(0, top - height) : bottom + height, max(0, left - width) : right + width]
    scale = 640 / crop.shape[0]
    enlarged = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    ok, encoded = cv2.imencode(".jpg", enlarged, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return bytes(encoded.tobytes())


@dataclass(frozen=True)
class Images:
    portrait: RgbImage  # the face printed on every applicant's passport
    holder: bytes  # another photo of the same person: the selfie
    stranger: bytes  # someone else's face

    @classmethod
    def load(cls, shared_data: Path) -> Images:
        portrait = decode_image((shared_data / HOLDER_PORTRAIT).read_bytes()).pixels
        holder = (shared_data / HOLDER_SELFIE).read_bytes()
        return cls(portrait, holder, (shared_data / MISMATCHED_SELFIE).read_bytes())

    @property
    def document(self) -> bytes:
        """The clean applicant's passport."""
        return self.document_for(CLEAN)

    def document_for(self, person: pb.Applicant) -> bytes:
        """A valid passport printed with what this applicant typed (JPEG)."""
        born = person.birth_date
        fields = HolderFields(
            surname=anyascii(person.family_name).upper(),
            given_names=anyascii(person.given_names).upper(),
            document_number=person.document.number,
            birth_date=date(born.year, born.month, born.day),
            expiry_date=VALID_FOR_YEARS,
        )
        return _rendered(fields, self.portrait)


_DOCUMENTS: dict[HolderFields, bytes] = {}


def _rendered(fields: HolderFields, portrait: RgbImage) -> bytes:
    if fields not in _DOCUMENTS:
        _DOCUMENTS[fields] = specimen_jpeg(fields, portrait)
    return _DOCUMENTS[fields]


def applicant(
    given: str, family: str, born: tuple[int, int, int], nationality: str, *, pep: bool = False
) -> pb.Applicant:
    year, month, day = born
    return pb.Applicant(
        given_names=given,
        family_name=family,
        birth_date=party_pb2.PartialDate(year=year, month=month, day=day),
        nationality=nationality,
        residence_country="SE",
        document=pb.IdentityDocument(
            kind=pb.DOCUMENT_KIND_PASSPORT, number="L898902C3", issuing_country="SE"
        ),
        occupation="employee",
        declared_pep=pep,
    )


# Names from tests/fixtures/watchlists/custom_blocklist.csv (all invented).
CLEAN = applicant("Anna Maria", "Eriksson", (1974, 8, 12), "SE")
SANCTIONED = applicant("Ivan Sergeyevich", "Petrov", (1971, 3, 5), "RU")
PEP = applicant("María José", "Fernández Ruiz", (1968, 4, 2), "ES")
MISMATCHED = applicant("Anna Maria", "Nilsson", (1974, 8, 12), "SE")


def evaluate_request(
    request_id: str, person: pb.Applicant, images: Images, *, selfie: bytes | None = None
) -> pb.EvaluateRequest:
    return pb.EvaluateRequest(
        request_id=request_id,
        applicant=person,
        document_images=[images.document_for(person)],
        selfie=images.holder if selfie is None else selfie,
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
