"""Re-rating: what a re-screening hit or a transaction ring does to a customer's rating.

    result = rerate_customer(customer_inputs, current_rating, event, policy, at=now)

The rating is recomputed from the customer's stored inputs plus every event so far, under the
current policy, so a re-rating is explainable exactly like the first rating. Events are keyed
(alert key, ring fingerprint): the same event delivered twice is applied once. A re-rating may
bring the next periodic review forward, never push it back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from services.onboarding.core.checks import ScreeningHit
from services.onboarding.core.policy import Policy
from services.onboarding.core.risk import (
    RatingInput,
    RescreeningHit,
    RingInvolvement,
    RiskEvent,
    RiskRating,
    rate_customer,
)


@dataclass(frozen=True, slots=True)
class Rerating:
    """The new rating, the one it replaces, and the inputs to store for next time."""

    rating: RiskRating
    previous: RiskRating
    inputs: RatingInput
    applied: bool  # False: the event was already part of the rating

    @property
    def escalated(self) -> bool:
        """True when the rating level rose (the caller raises an alert for the case)."""
        return self.rating.level.rank > self.previous.level.rank


def rerate_customer(
    inputs: RatingInput, previous: RiskRating, event: RiskEvent, policy: Policy, at: datetime
) -> Rerating:
    """Re-rate with `event` added; a no-op for an event already applied."""
    if _already_counted(inputs, event):
        return Rerating(previous, previous, inputs, applied=False)
    updated = dataclasses.replace(inputs, events=(*inputs.events, event))
    rating = rate_customer(updated, policy.risk, policy.version, at)
    # An event never postpones a review the previous rating had already scheduled sooner.
    review_due = min(rating.review_due, previous.review_due)
    return Rerating(dataclasses.replace(rating, review_due=review_due), previous, updated, True)


def _already_counted(inputs: RatingInput, event: RiskEvent) -> bool:
    """The same event again, or a re-screening hit on an entry the rating already counts at
    least as strongly. The second case is a race, not a new fact: a customer decided against a
    new list version is monitored before that version's re-screening runs, which then finds
    the same entry again; counting it twice would add its points twice."""
    if any(existing.key == event.key for existing in inputs.events):
        return True
    if not isinstance(event, RescreeningHit):
        return False
    screened = inputs.checks.screening.hits if inputs.checks.screening else ()
    counted: list[ScreeningHit | RescreeningHit] = [*screened]
    counted += [e for e in inputs.events if isinstance(e, RescreeningHit)]
    return any(
        seen.entry_id == event.entry_id and (seen.is_match or not event.is_match)
        for seen in counted
    )


def customers_in_ring(
    ring: RingInvolvement, accounts_by_customer: Mapping[str, frozenset[str]]
) -> tuple[str, ...]:
    """The customers owning at least one of the ring's accounts, in id order."""
    ring_accounts = frozenset(ring.accounts)
    return tuple(
        sorted(
            customer
            for customer, accounts in accounts_by_customer.items()
            if accounts & ring_accounts
        )
    )
