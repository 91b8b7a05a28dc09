"""Identity use cases, worker side: run the checks of one operation and record the outcome.

Called by the `identity.run_check` task (and by tests directly). Idempotent: a redelivered
task recomputes the same outcome, the result row and the alert are keyed by the operation id,
and a liveness challenge recognises its own operation's redemption.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import orjson

from services.common.alerts import Alert, AlertSource, Severity, SubjectKind
from services.common.operations import Operation
from services.identity.core.face_model import Encoding
from services.identity.core.faces import (
    DOCUMENT_POLICY,
    SELFIE_POLICY,
    FaceAnalysis,
    FaceComparison,
    MatchThresholds,
    analyse_face,
    compare_encodings,
)
from services.identity.core.images import RgbImage, decode_image
from services.identity.core.liveness import (
    BaselineLivenessVerifier,
    Challenge,
    LivenessFrame,
    LivenessPolicy,
    redeem_challenge,
)
from services.identity.core.mrz import LAYOUTS, MrzDocument
from services.identity.core.reasons import FaceReason, LivenessReason
from services.identity.core.verdict import (
    Check,
    Decision,
    challenge_check,
    decide,
    face_checks,
    face_match_check,
    failing_reasons,
    liveness_checks,
)
from services.identity.handlers import CheckKind, IdentityDeps, sealed_context
from services.identity.ports import Applicant, VerificationRecord

# Reasons that point at fraud rather than at a bad capture or a borderline case.
_FRAUD_SIGNALS = frozenset(
    {
        FaceReason.FACE_MISMATCH,
        LivenessReason.CHALLENGE_REPLAYED,
        LivenessReason.FACE_CHANGED,
        LivenessReason.SCREEN_SUSPECTED,
        LivenessReason.PRINT_SUSPECTED,
    }
)


@dataclass(frozen=True, slots=True)
class IdentityOutcome:
    """What an identity operation concludes (converted to an IdentityResult on the wire)."""

    decision: Decision
    checks: tuple[Check, ...]
    reasons: tuple[str, ...]
    comparison: FaceComparison | None
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    document: MrzDocument | None = None


@dataclass
class _Run:
    """Working state of one execution."""

    operation: Operation
    deps: IdentityDeps
    kind: CheckKind
    checks: list[Check] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    probe: Encoding | None = None
    portrait: FaceAnalysis | None = None
    document: MrzDocument | None = None
    unusable: str = ""  # why a face could not be compared (the first quality issue)

    def timed(self, stage: str, started: float) -> None:
        self.timings[stage] = round((time.perf_counter() - started) * 1000.0, 1)

    def progress(self, percent: int, message: str) -> None:
        self.deps.operations.report_progress(self.operation.id, percent, message)


def execute_check(operation: Operation, deps: IdentityDeps) -> IdentityOutcome:
    """Run every check the operation's kind asks for, decide, record, alert."""
    started = time.perf_counter()
    run = _Run(operation, deps, CheckKind(operation.kind))
    secrets = _unseal(operation, deps)
    images = operation.task_kwargs.get("images", {})
    if run.kind in (CheckKind.DOCUMENT, CheckKind.VERIFICATION):
        _document(run, _pixels(run, images["document"]), secrets.applicant)
    if run.kind is CheckKind.FACE_MATCH:
        _portrait(run, _pixels(run, images["document"]), "reference_face")
    if "selfie" in images:
        _selfie(run, _pixels(run, images["selfie"]))
    if run.kind is CheckKind.LIVENESS or operation.task_kwargs.get("challenge_id"):
        _liveness(run, secrets.nonce)
    comparison = _match(run)
    run.timed("total", started)
    outcome = IdentityOutcome(
        decision=decide(run.checks),
        checks=tuple(run.checks),
        reasons=failing_reasons(run.checks),
        comparison=comparison,
        timings_ms=run.timings,
        document=run.document,
    )
    _record(run, outcome)
    return outcome


@dataclass(frozen=True, slots=True)
class _Secrets:
    applicant: Applicant | None
    nonce: str


def _unseal(operation: Operation, deps: IdentityDeps) -> _Secrets:
    token = base64.b64decode(str(operation.task_kwargs.get("sealed", "")))
    context = sealed_context(operation.owner, operation.request_id)
    payload = orjson.loads(deps.key_ring.decrypt(token, context))
    raw = payload.get("applicant")
    applicant = None
    if raw:
        birth = raw.get("birth_date")
        applicant = Applicant(
            given_names=raw.get("given_names"),
            surname=raw.get("surname"),
            birth_date=date.fromisoformat(birth) if birth else None,
            document_number=raw.get("document_number"),
        )
    return _Secrets(applicant, str(payload.get("nonce", "")))


def _pixels(run: _Run, image_id: str) -> RgbImage:
    stored = run.deps.images.get(image_id, run.operation.owner)
    return decode_image(stored.content, field=stored.role).pixels


def _document(run: _Run, pixels: RgbImage, applicant: Applicant | None) -> None:
    run.progress(10, "checking the document")
    started = time.perf_counter()
    outcome = run.deps.documents.analyse(pixels, applicant, run.deps.clock().date())
    run.checks.extend(outcome.checks)
    run.document = outcome.mrz
    run.timed("document", started)
    if run.kind is CheckKind.VERIFICATION:
        _portrait(run, pixels, "document_portrait", outcome.portrait)


def _portrait(run: _Run, pixels: RgbImage, name: str, found: FaceAnalysis | None = None) -> None:
    """The reference face; `found` when the document checks already detected it."""
    run.progress(30, "finding the portrait")
    started = time.perf_counter()
    run.portrait = found or analyse_face(pixels, DOCUMENT_POLICY, run.deps.face_model())
    run.checks.extend(face_checks(name, run.portrait))
    if run.portrait.issues:
        run.unusable = run.unusable or run.portrait.issues[0]
    run.timed(name, started)


def _selfie(run: _Run, pixels: RgbImage) -> None:
    run.progress(50, "analysing the selfie")
    started = time.perf_counter()
    selfie = analyse_face(pixels, SELFIE_POLICY, run.deps.face_model())
    run.checks.extend(face_checks("selfie_face", selfie))
    if selfie.usable and selfie.face is not None:
        run.probe = selfie.face.encoding
    elif selfie.issues:
        run.unusable = run.unusable or selfie.issues[0]
    run.timed("selfie_face", started)


def _liveness(run: _Run, nonce: str) -> None:
    run.progress(60, "checking liveness")
    started = time.perf_counter()
    kwargs = run.operation.task_kwargs
    redeemed = redeem_challenge(
        run.deps.challenges,
        str(kwargs.get("challenge_id", "")),
        nonce,
        run.deps.clock(),
        redeemer=run.operation.id,
    )
    if isinstance(redeemed, Challenge) and redeemed.owner != run.operation.owner:
        redeemed = LivenessReason.CHALLENGE_INVALID  # another client's challenge
    if not isinstance(redeemed, Challenge):
        run.checks.append(challenge_check(redeemed))
        run.timed("liveness", started)
        return
    frames = _frames(run)
    verifier = BaselineLivenessVerifier(
        run.deps.face_model(), policy=LivenessPolicy(max_frames=run.deps.settings.max_frames)
    )
    result = verifier.verify(redeemed, frames)
    run.checks.extend(liveness_checks(result))
    if run.probe is None and result.reference_encoding is not None:
        run.probe = result.reference_encoding  # no selfie: the live face is the probe
    run.timed("liveness", started)


def _frames(run: _Run) -> list[LivenessFrame]:
    kwargs = run.operation.task_kwargs
    images = kwargs.get("images", {})
    offsets = kwargs.get("frame_offsets", [])
    return [
        LivenessFrame(int(offset), _pixels(run, images[f"frame.{i}"]))
        for i, offset in enumerate(offsets)
    ]


def _match(run: _Run) -> FaceComparison | None:
    if run.kind not in (CheckKind.FACE_MATCH, CheckKind.VERIFICATION):
        return None
    settings = run.deps.settings
    thresholds = MatchThresholds(settings.match_threshold, settings.review_threshold)
    reference = run.portrait.face if run.portrait and run.portrait.usable else None
    comparison = None
    if run.probe is not None and reference is not None:
        comparison = compare_encodings(run.probe, reference.encoding, thresholds)
    run.checks.append(face_match_check(comparison, run.unusable or FaceReason.NO_FACE))
    return comparison


def _record(run: _Run, outcome: IdentityOutcome) -> None:
    operation, deps = run.operation, run.deps
    subject = str(operation.task_kwargs.get("subject_id", "")) or operation.owner
    record = VerificationRecord(
        operation_id=operation.id,
        kind=operation.kind,
        owner=operation.owner,
        subject_id=subject,
        decision=outcome.decision,
        reason_codes=outcome.reasons,
        checks=outcome.checks,
        timings_ms=outcome.timings_ms,
        face_distance=outcome.comparison.distance if outcome.comparison else None,
        created_at=deps.clock(),
    )
    deps.results.record(record)
    if outcome.decision in (Decision.DECLINED, Decision.REVIEW):
        deps.alerts.raise_alert(_alert(record, outcome.document))


def _alert(record: VerificationRecord, document: MrzDocument | None) -> Alert:
    """Failed or suspicious verifications go to case management (keyed: raised once)."""
    fraud = any(code in _FRAUD_SIGNALS for code in record.reason_codes)
    severity = Severity.HIGH if fraud else Severity.MEDIUM
    if record.decision is Decision.REVIEW and not fraud:
        severity = Severity.LOW
    return Alert(
        key=f"identity:{record.operation_id}",
        source=AlertSource.IDENTITY_CHECK,
        subject_kind=SubjectKind.APPLICANT,
        subject_id=record.subject_id,
        severity=severity,
        title=f"identity check {record.decision.value}: {', '.join(record.reason_codes)}",
        raised_at=record.created_at,
        summary=f"{record.kind} {record.operation_id}",
        evidence={
            "operation_id": record.operation_id,
            "decision": record.decision.value,
            "reason_codes": list(record.reason_codes),
            "face_distance": record.face_distance,
            **({"mrz": mrz_evidence(document)} if document is not None else {}),
        },
    )


def mrz_evidence(document: MrzDocument) -> dict[str, object]:
    """The MRZ for the officer's console (its `mrz` evidence shape) without personal data:
    alerts travel on the queue in clear, so no lines, names, dates of birth or numbers."""
    layout = LAYOUTS[document.format]
    checks = []
    for result in document.checks:
        spec = layout.check(result.field)
        position = {"line": spec.digit.line, "column": spec.digit.start} if spec else {}
        checks.append(
            {
                "name": result.field,
                "found": result.found,
                "expected": str(result.expected),
                "valid": result.ok,
                **position,
            }
        )
    fields = {
        "format": document.format.value,
        "document_code": document.document_code,
        "issuing_state": document.issuing_state,
        "nationality": document.nationality,
        "expiry_date": document.expiry_date.isoformat() if document.expiry_date else "",
    }
    issues = [
        {"code": code, "field": "mrz", "detail": detail} for code, detail in document.problems
    ]
    return {"fields": fields, "checks": checks, "issues": issues}
