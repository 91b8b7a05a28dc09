"""JSON forms of onboarding records for storage, with their inverses (round-trip tested).

Everything here becomes bytes sealed by the PII vault or JSON columns; `*_to_dict` produce
JSON-native values and `*_from_dict` rebuild the frozen dataclasses (enums by value).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from services.common.alerts import Severity
from services.onboarding.core.application import ApplicantData
from services.onboarding.core.checks import (
    CheckOutcomes,
    IdentityFinding,
    IdentityOutcome,
    IdentityVerdict,
    ListCategory,
    ScreeningHit,
    ScreeningOutcome,
)
from services.onboarding.core.customer import IdentityDocument, PersonalData
from services.onboarding.core.decision import Decision, InternalFinding
from services.onboarding.core.policy import (
    Action,
    CaseKind,
    EddMeasure,
    EnhancedDueDiligence,
    OpenCase,
    Outcome,
    RequestResubmission,
    ResubmissionItem,
)
from services.onboarding.core.reasons import ClientReason, InternalReason
from services.onboarding.core.risk import (
    CountryLink,
    CountryRole,
    RatingInput,
    RescreeningHit,
    RingInvolvement,
    RiskEvent,
    RiskFactor,
    RiskProfile,
)
from services.onboarding.core.risk_model import RiskLevel
from watchlists.model import Address

Json = dict[str, Any]


def dumps(data: object) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def loads(raw: bytes) -> Json:
    loaded = orjson.loads(raw)
    assert isinstance(loaded, dict)
    return loaded


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


# --- personal data ---------------------------------------------------------------------------
def personal_to_dict(personal: PersonalData) -> Json:
    document, address = personal.document, personal.address
    return {
        "given_names": personal.given_names,
        "family_name": personal.family_name,
        "birth_date": personal.birth_date.isoformat(),
        "nationality": personal.nationality,
        "address": None
        if address is None
        else {
            k: getattr(address, k)
            for k in ("full", "street", "city", "region", "postal_code", "country")
        },
        "document": None
        if document is None
        else {
            "kind": document.kind,
            "number": document.number,
            "issuing_country": document.issuing_country,
            "expires_on": _iso(document.expires_on),
        },
    }


def personal_from_dict(data: Json) -> PersonalData:
    document, address = data.get("document"), data.get("address")
    return PersonalData(
        given_names=str(data["given_names"]),
        family_name=str(data["family_name"]),
        birth_date=date.fromisoformat(data["birth_date"]),
        nationality=str(data["nationality"]),
        address=Address(**address) if address else None,
        document=None
        if not document
        else IdentityDocument(
            kind=str(document["kind"]),
            number=str(document["number"]),
            issuing_country=str(document["issuing_country"]),
            expires_on=_date(document.get("expires_on")),
        ),
    )


def personal_to_json(personal: PersonalData) -> bytes:
    """Canonical JSON of the personal data: the plaintext sealed by the PII vault."""
    return dumps(personal_to_dict(personal))


def personal_from_json(raw: bytes) -> PersonalData:
    return personal_from_dict(loads(raw))


def applicant_to_dict(applicant: ApplicantData) -> Json:
    return {
        "personal": personal_to_dict(applicant.personal),
        "residence": applicant.residence,
        "occupation": applicant.occupation,
        "declared_pep": applicant.declared_pep,
    }


def applicant_from_dict(data: Json) -> ApplicantData:
    return ApplicantData(
        personal=personal_from_dict(data["personal"]),
        residence=data.get("residence"),
        occupation=data.get("occupation"),
        declared_pep=bool(data.get("declared_pep")),
    )


# --- check outcomes --------------------------------------------------------------------------
def identity_to_dict(outcome: IdentityOutcome | None) -> Json | None:
    if outcome is None:
        return None
    return {
        "verdict": outcome.verdict.value,
        "findings": sorted(f.value for f in outcome.findings),
        "verification_id": outcome.verification_id,
    }


def identity_from_dict(data: Json | None) -> IdentityOutcome | None:
    if data is None:
        return None
    return IdentityOutcome(
        IdentityVerdict(data["verdict"]),
        frozenset(IdentityFinding(f) for f in data["findings"]),
        str(data.get("verification_id", "")),
    )


def _hit_to_dict(hit: ScreeningHit) -> Json:
    return {
        "entry_id": hit.entry_id,
        "category": hit.category.value,
        "score": hit.score,
        "is_match": hit.is_match,
        "identifier_match": hit.identifier_match,
        "entry_hash": hit.entry_hash,
        "explanation": hit.explanation,
    }


def _hit_from_dict(data: Json) -> ScreeningHit:
    return ScreeningHit(**{**data, "category": ListCategory(data["category"])})


def checks_to_dict(checks: CheckOutcomes) -> Json:
    screening = checks.screening
    return {
        "identity": identity_to_dict(checks.identity),
        "screening": None
        if screening is None
        else {
            "hits": [_hit_to_dict(h) for h in screening.hits],
            "list_versions": list(screening.list_versions),
        },
    }


def checks_from_dict(data: Json) -> CheckOutcomes:
    screening = data.get("screening")
    return CheckOutcomes(
        identity=identity_from_dict(data.get("identity")),
        screening=None
        if screening is None
        else ScreeningOutcome(
            tuple(_hit_from_dict(h) for h in screening["hits"]),
            tuple(screening["list_versions"]),
        ),
    )


# --- decisions -------------------------------------------------------------------------------
def _action_to_dict(action: Action) -> Json:
    if isinstance(action, OpenCase):
        return {"open_case": {"kind": action.kind.value, "severity": action.severity.value}}
    if isinstance(action, EnhancedDueDiligence):
        return {"enhanced_due_diligence": sorted(m.value for m in action.measures)}
    return {"request_resubmission": sorted(i.value for i in action.items)}


def _action_from_dict(data: Json) -> Action:
    if "open_case" in data:
        case = data["open_case"]
        return OpenCase(CaseKind(case["kind"]), Severity(case["severity"]))
    if "enhanced_due_diligence" in data:
        return EnhancedDueDiligence(
            frozenset(EddMeasure(m) for m in data["enhanced_due_diligence"])
        )
    return RequestResubmission(frozenset(ResubmissionItem(i) for i in data["request_resubmission"]))


def decision_to_dict(decision: Decision) -> Json:
    return {
        "outcome": decision.outcome.value,
        "client_reasons": [r.value for r in decision.client_reasons],
        "internal_reasons": [
            {"code": f.code.value, "rule": f.rule_id, "evidence": list(f.evidence)}
            for f in decision.internal_reasons
        ],
        "actions": [_action_to_dict(a) for a in decision.actions],
        "matched_rules": list(decision.matched_rules),
        "signals": list(decision.signals),
        "risk_level": decision.risk_level.value,
        "policy_version": decision.policy_version,
        "policy_sha256": decision.policy_sha256,
    }


def decision_from_dict(data: Json) -> Decision:
    return Decision(
        outcome=Outcome(data["outcome"]),
        client_reasons=tuple(ClientReason(r) for r in data["client_reasons"]),
        internal_reasons=tuple(
            InternalFinding(InternalReason(f["code"]), f["rule"], tuple(f["evidence"]))
            for f in data["internal_reasons"]
        ),
        actions=tuple(_action_from_dict(a) for a in data["actions"]),
        matched_rules=tuple(data["matched_rules"]),
        signals=tuple(data["signals"]),
        risk_level=RiskLevel(data["risk_level"]),
        policy_version=str(data["policy_version"]),
        policy_sha256=str(data["policy_sha256"]),
    )


# --- risk ------------------------------------------------------------------------------------
def _event_to_dict(event: RiskEvent) -> Json:
    if isinstance(event, RingInvolvement):
        return {
            "ring": event.key,
            "typology": event.typology,
            "severity": event.severity.value,
            "accounts": list(event.accounts),
        }
    return {
        "rescreening": event.key,
        "entry_id": event.entry_id,
        "category": event.category.value,
        "score": event.score,
        "is_match": event.is_match,
    }


def _event_from_dict(data: Json) -> RiskEvent:
    if "ring" in data:
        return RingInvolvement(
            data["ring"], data["typology"], Severity(data["severity"]), tuple(data["accounts"])
        )
    return RescreeningHit(
        data["rescreening"],
        data["entry_id"],
        ListCategory(data["category"]),
        float(data["score"]),
        bool(data["is_match"]),
    )


def rating_input_to_dict(inputs: RatingInput) -> Json:
    profile = inputs.profile
    return {
        "profile": {
            "product": profile.product,
            "channel": profile.channel,
            "countries": [[c.role.value, c.code] for c in profile.countries],
            "occupation": profile.occupation,
            "declared_pep": profile.declared_pep,
        },
        "checks": checks_to_dict(inputs.checks),
        "events": [_event_to_dict(e) for e in inputs.events],
    }


def rating_input_from_dict(data: Json) -> RatingInput:
    profile = data["profile"]
    return RatingInput(
        profile=RiskProfile(
            product=profile["product"],
            channel=profile["channel"],
            countries=tuple(CountryLink(CountryRole(r), c) for r, c in profile["countries"]),
            occupation=profile.get("occupation"),
            declared_pep=bool(profile["declared_pep"]),
        ),
        checks=checks_from_dict(data["checks"]),
        events=tuple(_event_from_dict(e) for e in data["events"]),
    )


def factors_to_list(factors: tuple[RiskFactor, ...]) -> list[Json]:
    return [
        {"code": f.code, "points": f.points, "minimum": f.minimum.value, "detail": f.detail}
        for f in factors
    ]


def factors_from_list(data: list[Json]) -> tuple[RiskFactor, ...]:
    return tuple(
        RiskFactor(f["code"], int(f["points"]), RiskLevel(f["minimum"]), f["detail"]) for f in data
    )
