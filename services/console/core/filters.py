"""The queue page's filters: parsed from the query string, validated, and written back.

A filter value the console does not know is refused with a field violation (shown above the
table), never ignored: an officer who believes they are looking at "critical only" must be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from services.common.errors import FieldViolation, InvalidArgument

KINDS = ("screening", "identity", "transactions", "onboarding")
SEVERITIES = ("critical", "high", "medium", "low")
SLA_STATES = ("breached", "at_risk", "on_track", "met", "missed")
# "active" = every status but closed: what an officer means by "the queue".
STATUSES = ("active", "open", "investigating", "pending_approval", "closed", "all")
ASSIGNEE_ME = "me"
PAGE_SIZE = 50
MAX_PAGE = 10_000
_OFFICER_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the officer asked to see. Empty strings mean "any"."""

    queue: str = ""
    kind: str = ""
    severity: str = ""
    sla: str = ""
    assignee: str = ""
    status: str = "active"
    page: int = 0

    def assignee_id(self, officer_id: str) -> str:
        """The officer id to filter on ("me" is the signed-in officer)."""
        return officer_id if self.assignee == ASSIGNEE_ME else self.assignee

    def query_string(self, **changes: object) -> str:
        """This filter (with changes) as a query string, defaults left out."""
        changed = replace(self, **changes)  # type: ignore[arg-type]
        default = QueueFilter()
        pairs = [
            (f.name, str(getattr(changed, f.name)))
            for f in fields(QueueFilter)
            if getattr(changed, f.name) != getattr(default, f.name)
        ]
        return urlencode(pairs)


def _choice(
    params: Mapping[str, str], name: str, allowed: tuple[str, ...], errors: list[FieldViolation]
) -> str:
    value = params.get(name, "").strip()
    if value and value not in allowed:
        errors.append(FieldViolation(name, f"one of {', '.join(allowed)}"))
        return ""
    return value


def _officer(params: Mapping[str, str], errors: list[FieldViolation]) -> str:
    value = params.get("assignee", "").strip()
    if value and (len(value) > 128 or not set(value) <= _OFFICER_ID_CHARS):
        errors.append(FieldViolation("assignee", "an officer id (letters, digits, '-', '.')"))
        return ""
    return value


def _page(params: Mapping[str, str], errors: list[FieldViolation]) -> int:
    raw = params.get("page", "0").strip() or "0"
    if not raw.isdigit() or int(raw) > MAX_PAGE:
        errors.append(FieldViolation("page", f"a page number from 0 to {MAX_PAGE}"))
        return 0
    return int(raw)


def parse_filter(params: Mapping[str, str], queues: tuple[str, ...]) -> QueueFilter:
    """Validate the query string against the known values (`queues` from the case service)."""
    errors: list[FieldViolation] = []
    parsed = QueueFilter(
        queue=_choice(params, "queue", queues, errors),
        kind=_choice(params, "kind", KINDS, errors),
        severity=_choice(params, "severity", SEVERITIES, errors),
        sla=_choice(params, "sla", SLA_STATES, errors),
        assignee=_officer(params, errors),
        status=_choice(params, "status", STATUSES, errors) or "active",
        page=_page(params, errors),
    )
    if errors:
        raise InvalidArgument("the queue filter has unknown values", errors)
    return parsed
