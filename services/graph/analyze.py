"""Graph use cases, part 3: AnalyzeAccount — one account's neighbourhood, explained.

Officers call it from a case, so it must answer in well under a second: it reads only the
neighbourhood (indexed look-ups by account, breadth first, capped at `analyze_max_edges`),
runs the detectors on that small frame and reads the stored rings of the account. Findings on
a neighbourhood are indicative: the sweep, which sees the whole graph, is authoritative.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.graph.core.detectors import run_detectors
from services.graph.core.indicators import Indicator, account_indicators
from services.graph.core.model import DAY, Finding
from services.graph.core.rings import Ring
from services.graph.handlers import GraphDeps
from services.graph.ports import Booked, frame_of

MAX_WINDOW = 180 * DAY


@dataclass(frozen=True, slots=True)
class AnalyzeCommand:
    account: str
    depth: int = 2
    window: int = 30 * DAY
    until: int | None = None


@dataclass(frozen=True, slots=True)
class AccountAnalysis:
    account: str
    accounts: tuple[str, ...]
    edges: tuple[Booked, ...]
    indicators: tuple[Indicator, ...]
    findings: tuple[Finding, ...]
    rings: tuple[Ring, ...]
    truncated: bool


def _validate(command: AnalyzeCommand) -> None:
    problems = []
    if not command.account.strip() or len(command.account) > 128:
        problems.append(FieldViolation("account", "must be 1..128 characters"))
    if not 1 <= command.depth <= 3:
        problems.append(FieldViolation("depth", "must be 1..3"))
    if not 0 < command.window <= MAX_WINDOW:
        problems.append(FieldViolation("window", "must be positive and at most 180 days"))
    if problems:
        raise InvalidArgument("invalid AnalyzeAccount request", problems)


def analyze_account(command: AnalyzeCommand, deps: GraphDeps) -> AccountAnalysis:
    """The neighbourhood of an account with indicators, findings around it and its rings."""
    _validate(command)
    until = command.until if command.until is not None else deps.store.latest_of(command.account)
    if until is None:
        raise NotFound("account", command.account)
    span = (until + 1 - command.window, until + 1)
    edges, truncated = deps.store.neighbourhood(
        command.account, command.depth, span, deps.settings.analyze_max_edges
    )
    frame = frame_of(edges)
    findings = [
        f
        for f in run_detectors(frame, config=deps.detectors).findings
        if command.account in f.accounts
    ]
    accounts = dict.fromkeys(
        [command.account, *(a for b in edges for a in (b.tx.source, b.tx.target))]
    )
    return AccountAnalysis(
        account=command.account,
        accounts=tuple(accounts),
        edges=tuple(edges),
        indicators=tuple(account_indicators(frame, command.account)),
        findings=tuple(sorted(findings, key=lambda f: -f.score)),
        rings=tuple(deps.store.rings_of(command.account)),
        truncated=truncated,
    )
