"""Hit review, decisions and four-eyes approval; reopening.

The assignee reviews screening hits one by one, then proposes an outcome. Some outcomes need a
second officer (the checker) with the right role before the case closes — `FourEyesPolicy` says
which. The checker may never be one of the decision's makers (its proposer, or whoever recorded
a hit verdict it carries), and both are recorded on the approval event.

An approved decision that clears hits as false positives yields `Suppression`s: screening then
stops raising that (customer, list entry) pair until either side's content hash changes.
Escalation to the MLRO never needs a checker: nobody may be able to block an internal
suspicion report (UK POCA s.330, FATF R.20), so it closes the case at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from services.cases.core.assignment import require_assignee, require_status
from services.cases.core.events import (
    AssigneeChanged,
    CaseEvent,
    DecisionApproved,
    DecisionProposed,
    DecisionRejected,
    DueDateChanged,
    EventBatch,
    HitReviewed,
    OutcomeChanged,
    StatusChanged,
)
from services.cases.core.model import Case, CaseStatus, Decision, HitVerdict, Outcome
from services.cases.core.queues import QueueConfig, due_after
from services.cases.core.roles import Action, Officer, Role, authorize
from services.common.alerts import Suppression
from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied

MAX_RATIONALE_LENGTH = 8_000
_CHECKERS = frozenset({Role.REVIEWER, Role.MLRO})


def _default_checkers() -> dict[Outcome, frozenset[Role]]:
    return {
        Outcome.TRUE_MATCH: _CHECKERS,
        Outcome.FALSE_POSITIVE: _CHECKERS,
        Outcome.INCONCLUSIVE: frozenset(),
        Outcome.ESCALATED: frozenset(),
    }


@dataclass(frozen=True, slots=True)
class FourEyesPolicy:
    """Which roles may check which outcome; an empty set means no checker is needed.

    `hit_clearance` applies whenever a decision clears a hit as a false positive, whatever the
    case outcome: every suppression must have passed four eyes.
    """

    checkers: Mapping[Outcome, frozenset[Role]] = field(default_factory=_default_checkers)
    hit_clearance: frozenset[Role] = _CHECKERS

    def __post_init__(self) -> None:
        if self.checkers.get(Outcome.ESCALATED):
            raise InvalidArgument.for_field(
                "four_eyes.escalated", "escalation cannot need a checker"
            )
        if not self.hit_clearance:
            raise InvalidArgument.for_field(
                "four_eyes.hit_clearance", "clearing hits needs a checker"
            )
        for outcome, roles in self.checkers.items():
            # One checker approves the whole decision, so they must be able to check both the
            # outcome and the hit clearances it may carry.
            if roles and not roles & self.hit_clearance:
                raise InvalidArgument.for_field(
                    f"four_eyes.{outcome.value}", "shares no role with hit_clearance"
                )

    def checker_roles(self, case: Case, outcome: Outcome) -> frozenset[Role]:
        """Roles that may approve `outcome` on this case (empty: it closes without approval)."""
        if outcome is Outcome.ESCALATED:
            return frozenset()
        roles = self.checkers.get(outcome, frozenset())
        if any(h.verdict is HitVerdict.FALSE_POSITIVE for h in case.hits):
            roles = roles & self.hit_clearance if roles else self.hit_clearance
        return roles


def review_hit(
    case: Case, officer: Officer, alert_key: str, verdict: HitVerdict, rationale: str, now: datetime
) -> tuple[CaseEvent, ...]:
    """Record the assignee's verdict on one screening hit (it takes effect with the decision)."""
    require_status(case, frozenset({CaseStatus.INVESTIGATING}), "review a hit of")
    require_assignee(case, officer)
    hit = case.hit(alert_key)
    if hit is None:
        raise InvalidArgument.for_field("alert_key", f"case {case.id} has no hit {alert_key!r}")
    if verdict is not HitVerdict.PENDING and not rationale.strip():
        raise InvalidArgument.for_field("rationale", "say why the hit is or is not a match")
    _check_length(rationale)
    if verdict is hit.verdict:
        raise FailedPrecondition(f"hit {alert_key} is already {verdict.value}")
    batch = EventBatch(case.id, case.version, officer.id, now)
    batch.add(
        HitReviewed(
            **batch.next(),
            alert_key=alert_key,
            old_verdict=hit.verdict,
            new_verdict=verdict,
            rationale=rationale,
        )
    )
    return batch.done()


@dataclass(frozen=True, slots=True)
class Proposal:
    decision_id: str
    outcome: Outcome
    rationale: str


def propose(
    case: Case, officer: Officer, proposal: Proposal, policy: FourEyesPolicy, now: datetime
) -> tuple[CaseEvent, ...]:
    """Conclude the investigation: close at once, or wait for a checker per the policy."""
    require_status(case, frozenset({CaseStatus.INVESTIGATING}), "decide")
    require_assignee(case, officer)
    if not proposal.rationale.strip():
        raise InvalidArgument.for_field("rationale", "a decision needs its reasons")
    _check_length(proposal.rationale)
    _check_consistent(case, proposal.outcome)
    roles = policy.checker_roles(case, proposal.outcome)
    batch = EventBatch(case.id, case.version, officer.id, now)
    if not roles:
        _close(batch, case, proposal.outcome, proposal.rationale)
        return batch.done()
    makers = {officer.id} | {h.reviewed_by for h in case.hits if h.reviewed_by}
    batch.add(
        DecisionProposed(
            **batch.next(),
            decision_id=proposal.decision_id,
            outcome=proposal.outcome,
            rationale=proposal.rationale,
            checker_roles=roles,
            makers=frozenset(makers),
        )
    )
    batch.add(
        StatusChanged(
            **batch.next(), old_status=case.status, new_status=CaseStatus.PENDING_APPROVAL
        )
    )
    return batch.done()


def _check_length(text: str) -> None:
    if len(text) > MAX_RATIONALE_LENGTH:
        raise InvalidArgument.for_field("rationale", f"longer than {MAX_RATIONALE_LENGTH}")


def _check_consistent(case: Case, outcome: Outcome) -> None:
    """The outcome must agree with the hit verdicts (escalation is never blocked)."""
    verdicts = [h.verdict for h in case.hits]
    if outcome in (Outcome.ESCALATED, Outcome.INCONCLUSIVE):
        return
    if HitVerdict.PENDING in verdicts:
        raise FailedPrecondition("review every hit before deciding", reason="HITS_UNREVIEWED")
    if outcome is Outcome.TRUE_MATCH and verdicts and HitVerdict.TRUE_MATCH not in verdicts:
        raise FailedPrecondition("a true match needs at least one hit confirmed")
    if outcome is Outcome.FALSE_POSITIVE and HitVerdict.TRUE_MATCH in verdicts:
        raise FailedPrecondition("a confirmed hit contradicts a false-positive outcome")


def _close(batch: EventBatch, case: Case, outcome: Outcome, reason: str) -> None:
    batch.add(OutcomeChanged(**batch.next(), old_outcome=case.outcome, new_outcome=outcome))
    batch.add(
        StatusChanged(
            **batch.next(), old_status=case.status, new_status=CaseStatus.CLOSED, reason=reason
        )
    )


@dataclass(frozen=True, slots=True)
class Approval:
    """The events of an approval and the suppressions it creates."""

    events: tuple[CaseEvent, ...]
    suppressions: tuple[Suppression, ...]


def approve(case: Case, checker: Officer, comment: str, now: datetime) -> Approval:
    """The checker approves the pending decision: the case closes with its outcome."""
    decision = _pending_for_checker(case, checker)
    batch = EventBatch(case.id, case.version, checker.id, now)
    batch.add(
        DecisionApproved(
            **batch.next(),
            decision_id=decision.id,
            outcome=decision.outcome,
            makers=decision.makers,
            comment=comment,
        )
    )
    _close(batch, case, decision.outcome, f"approved by {checker.id}")
    return Approval(batch.done(), suppressions_of(case))


def reject(case: Case, checker: Officer, reason: str, now: datetime) -> tuple[CaseEvent, ...]:
    """The checker sends the decision back to the assignee, with reasons."""
    decision = _pending_for_checker(case, checker)
    if not reason.strip():
        raise InvalidArgument.for_field("reason", "say what the maker should look at again")
    return _send_back(case, checker.id, decision, reason, now)


def withdraw(case: Case, officer: Officer, reason: str, now: datetime) -> tuple[CaseEvent, ...]:
    """The proposer takes back a decision that still waits for its checker."""
    require_status(case, frozenset({CaseStatus.PENDING_APPROVAL}), "withdraw the decision of")
    assert case.pending is not None
    if case.pending.proposed_by != officer.id:
        raise PermissionDenied("only the proposer may withdraw a decision", reason="NOT_MAKER")
    authorize(officer, Action.CASE_WORK)
    return _send_back(case, officer.id, case.pending, reason or "withdrawn", now)


def _send_back(
    case: Case, actor: str, decision: Decision, reason: str, now: datetime
) -> tuple[CaseEvent, ...]:
    batch = EventBatch(case.id, case.version, actor, now)
    batch.add(
        DecisionRejected(
            **batch.next(), decision_id=decision.id, outcome=decision.outcome, reason=reason
        )
    )
    batch.add(
        StatusChanged(
            **batch.next(),
            old_status=case.status,
            new_status=CaseStatus.INVESTIGATING,
            reason=reason,
        )
    )
    return batch.done()


def _pending_for_checker(case: Case, checker: Officer) -> Decision:
    authorize(checker, Action.CASE_APPROVE)
    require_status(case, frozenset({CaseStatus.PENDING_APPROVAL}), "approve")
    decision = case.pending
    assert decision is not None  # PENDING_APPROVAL always carries its decision
    if checker.id in decision.makers:
        raise PermissionDenied(
            "four-eyes: the checker must not be a maker of the decision", reason="FOUR_EYES"
        )
    if not checker.has_any(decision.checker_roles):
        needed = ", ".join(sorted(decision.checker_roles))
        raise PermissionDenied(
            f"a {decision.outcome.value} decision needs a checker with role {needed}",
            reason="CHECKER_ROLE",
        )
    return decision


def suppressions_of(case: Case) -> tuple[Suppression, ...]:
    """One suppression per hit the case clears as a false positive."""
    return tuple(
        Suppression(
            customer_id=case.subject.id,
            list_entry_id=h.list_entry_id,
            customer_hash=h.subject_hash,
            entry_hash=h.entry_hash,
        )
        for h in case.hits
        if h.verdict is HitVerdict.FALSE_POSITIVE
    )


@dataclass(frozen=True, slots=True)
class Reopening:
    reason: str
    queue: QueueConfig
    # True when another case is open for the same (subject, kind): reopening would break the
    # one-open-case rule, so the officer must work that case instead.
    other_case_open: bool = False


def reopen(
    case: Case, officer: Officer, reopening: Reopening, now: datetime
) -> tuple[CaseEvent, ...]:
    """Put a closed case back in its queue, outcome cleared, with a fresh SLA clock."""
    authorize(officer, Action.CASE_REOPEN)
    require_status(case, frozenset({CaseStatus.CLOSED}), "reopen")
    if not reopening.reason.strip():
        raise InvalidArgument.for_field("reason", "say why the case is reopened")
    if reopening.other_case_open:
        raise FailedPrecondition(
            f"another case is open for {case.subject} ({case.kind.value}): work that one",
            reason="CASE_ALREADY_OPEN",
        )
    batch = EventBatch(case.id, case.version, officer.id, now)
    batch.add(OutcomeChanged(**batch.next(), old_outcome=case.outcome, new_outcome=None))
    batch.add(
        StatusChanged(
            **batch.next(),
            old_status=case.status,
            new_status=CaseStatus.OPEN,
            reason=reopening.reason,
        )
    )
    new_due = due_after(reopening.queue, case.severity, now)
    batch.add(DueDateChanged(**batch.next(), old_due_at=case.due_at, new_due_at=new_due))
    if case.assignee is not None:
        batch.add(AssigneeChanged(**batch.next(), old_assignee=case.assignee, new_assignee=None))
    return batch.done()
