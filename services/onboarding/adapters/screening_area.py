"""Onboarding's `Screener` over the screening area's use cases (same deployment, no gRPC hop).

The decision step runs on the screening queue, whose workers hold the live list index. Every
entry screening returns (above its cutoff) becomes a `ScreeningHit` with its list category,
score, match flag, content hash and explanation; the policy decides what each means.

No list loaded is not "clear": a screen against an empty list version counts as not run, so
the policy sends the applicant to review instead of approving them against nothing. The same
for a name screening refuses (nothing distinctive left once titles and particles are gone):
an officer looks at it rather than the applicant being approved unscreened.
"""

from __future__ import annotations

import logging

from services.common.errors import InvalidArgument
from services.onboarding.core.checks import ScreeningHit, ScreeningOutcome, list_category
from services.screening.core.scoring import Match
from services.screening.handlers import ScreenCommand, ScreeningDeps, list_status, screen
from watchlists.model import Party

log = logging.getLogger(__name__)
MAX_EXPLANATION_CHARS = 1000


def screening_hit(match: Match) -> ScreeningHit:
    """One returned list entry in onboarding's terms."""
    identifier = any(e.feature == "identifier_match" and e.score > 0 for e in match.explanations)
    explained = "; ".join(e.detail for e in match.explanations if e.score)
    return ScreeningHit(
        entry_id=match.entry.id,
        category=list_category(match.entry),
        score=match.score,
        is_match=match.match,
        identifier_match=identifier,
        entry_hash=match.entry.content_hash(),
        explanation=explained[:MAX_EXPLANATION_CHARS],
    )


class ScreeningAreaScreener:
    def __init__(self, deps: ScreeningDeps) -> None:
        self.deps = deps

    def screen(self, party: Party) -> ScreeningOutcome | None:
        if list_status(self.deps).entries == 0:
            log.warning("no watchlist loaded: screening recorded as not run")
            return None
        try:
            outcome = screen(ScreenCommand(party), self.deps)
        except InvalidArgument as error:
            log.warning(
                "screening refused the applicant's name: recorded as not run",
                extra={"fields": {"customer_id": party.id, "reason": error.reason}},
            )
            return None
        hits = tuple(screening_hit(m) for m in outcome.result.matches)
        return ScreeningOutcome(hits, (outcome.list_version,))

    def monitor(self, party: Party) -> None:
        """Keep the customer under ongoing screening (re-screened against each list delta)."""
        self.deps.customers.upsert(party, self.deps.clock())
