"""SAR workflow: tipping-off visibility, four-eyes filing, export only after approval."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.cases.core.roles import Role
from services.cases.core.sar import workflow
from services.cases.core.sar.events import (
    SarEvent,
    SarReport,
    SarStatus,
    evolve_sar,
    replay_sar,
    sar_event_from_dict,
    sar_event_to_dict,
)
from services.cases.core.sar.export import FiuProfiles, render_report
from services.cases.core.sar.model import SarFormat
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from tests.services.cases.core.sar.samples import CONTENT, META
from tests.services.cases.factory import (
    ADA,
    ANA,
    AUD,
    MAX,
    MIA,
    RITA,
    ROB,
    later,
    officer,
    open_case,
)

PROFILES = FiuProfiles()


class Sar:
    """A SAR under test: its events and current state."""

    def __init__(self) -> None:
        self.events: list[SarEvent] = [workflow.draft(open_case(), MIA, CONTENT, "sar-1", later(1))]
        self.report: SarReport = replay_sar(self.events)

    def do(self, event: SarEvent) -> SarReport:
        self.events.append(event)
        self.report = evolve_sar(self.report, event)
        return self.report


def submitted() -> Sar:
    sar = Sar()
    sar.do(workflow.submit(sar.report, MIA, PROFILES, later(2)))
    return sar


def approved() -> Sar:
    sar = submitted()
    sar.do(workflow.approve(sar.report, MAX, "file it", later(3)))
    return sar


@pytest.mark.parametrize("who", [ANA, RITA, AUD, ADA])
def test_only_an_mlro_drafts(who: object) -> None:
    with pytest.raises(PermissionDenied):
        workflow.draft(open_case(), who, CONTENT, "sar-1", later(1))  # type: ignore[arg-type]


@pytest.mark.parametrize("who", [ANA, RITA, ROB, AUD, ADA])
def test_a_sar_does_not_exist_for_anyone_without_access(who: object) -> None:
    report = Sar().report
    assert not workflow.can_read(who, report)  # type: ignore[arg-type]
    with pytest.raises(NotFound):  # not PermissionDenied: that would confirm it exists
        workflow.require_read(who, report)  # type: ignore[arg-type]


def test_an_assigned_reviewer_reads_and_edits_only_their_sar() -> None:
    sar = Sar()
    sar.do(workflow.change_reviewer(sar.report, MIA, RITA, True, later(2)))
    assert workflow.can_read(RITA, sar.report)
    assert not workflow.can_read(ROB, sar.report)
    edited = sar.do(
        workflow.edit(sar.report, RITA, replace(CONTENT, narrative="Rewritten."), later(3))
    )
    assert edited.makers == frozenset({"mia", "rita"})
    with pytest.raises(NotFound):
        workflow.edit(sar.report, ROB, CONTENT, later(4))
    sar.do(workflow.change_reviewer(sar.report, MIA, RITA, False, later(5)))
    assert not workflow.can_read(RITA, sar.report)


def test_an_analyst_cannot_be_made_a_sar_reviewer() -> None:
    with pytest.raises(InvalidArgument):
        workflow.change_reviewer(Sar().report, MIA, ANA, True, later(2))


def test_the_drafting_mlro_cannot_approve_their_own_sar() -> None:
    sar = submitted()
    with pytest.raises(PermissionDenied) as refused:
        workflow.approve(sar.report, MIA, "", later(3))
    assert refused.value.reason == "FOUR_EYES"


def test_an_editing_reviewer_is_a_maker_and_a_reviewer_never_approves() -> None:
    sar = Sar()
    sar.do(workflow.change_reviewer(sar.report, MIA, RITA, True, later(2)))
    sar.do(workflow.edit(sar.report, RITA, replace(CONTENT, narrative="Rewritten."), later(3)))
    sar.do(workflow.submit(sar.report, RITA, PROFILES, later(4)))
    with pytest.raises(PermissionDenied):
        workflow.approve(sar.report, RITA, "", later(5))
    both = officer("mo", Role.MLRO, Role.REVIEWER)
    sar.do(workflow.change_reviewer(sar.report, MIA, both, True, later(5)))
    assert workflow.approve(sar.report, MAX, "", later(6))


def test_a_second_mlro_approves_and_the_makers_are_recorded() -> None:
    sar = approved()
    assert sar.report.status is SarStatus.APPROVED
    assert sar.report.approved_by == "max"
    assert sar.events[-1].makers == frozenset({"mia"})  # type: ignore[attr-defined]


def test_an_incomplete_draft_cannot_be_submitted() -> None:
    sar = Sar()
    sar.do(workflow.edit(sar.report, MIA, replace(CONTENT, narrative=""), later(2)))
    with pytest.raises(InvalidArgument) as refused:
        workflow.submit(sar.report, MIA, PROFILES, later(3))
    assert refused.value.reason == "SAR_DRAFT_INCOMPLETE"


def test_a_rejected_sar_returns_to_draft() -> None:
    sar = submitted()
    with pytest.raises(InvalidArgument):
        workflow.reject(sar.report, MAX, "", later(3))
    assert (
        sar.do(workflow.reject(sar.report, MAX, "add the account opening", later(3))).status
        is SarStatus.DRAFT
    )


def test_exports_only_after_approval_and_filing_after_export() -> None:
    draft = Sar()
    rendered = render_report(CONTENT, SarFormat.GOAML, PROFILES, META)
    with pytest.raises(FailedPrecondition):
        workflow.record_export(draft.report, MIA, rendered, later(2))
    sar = approved()
    with pytest.raises(FailedPrecondition):
        workflow.record_filing(sar.report, MIA, "FIU-77", later(4))
    sar.do(workflow.record_export(sar.report, MIA, rendered, later(4)))
    filed = sar.do(workflow.record_filing(sar.report, MIA, "FIU-77", later(5)))
    assert (filed.status, filed.fiu_reference) == (SarStatus.FILED, "FIU-77")
    assert filed.exports == ((SarFormat.GOAML, rendered.sha256),)


def test_an_assigned_reviewer_cannot_export() -> None:
    sar = Sar()
    sar.do(workflow.change_reviewer(sar.report, MIA, RITA, True, later(2)))
    sar.do(workflow.submit(sar.report, MIA, PROFILES, later(3)))
    sar.do(workflow.approve(sar.report, MAX, "", later(4)))
    rendered = render_report(CONTENT, SarFormat.FINCEN, PROFILES, META)
    with pytest.raises(PermissionDenied):
        workflow.record_export(sar.report, RITA, rendered, later(5))


def test_withdrawal_keeps_its_reason_and_ends_the_workflow() -> None:
    sar = Sar()
    withdrawn = sar.do(
        workflow.withdraw(sar.report, MIA, "activity explained by payroll", later(2))
    )
    assert withdrawn.status is SarStatus.WITHDRAWN
    with pytest.raises(FailedPrecondition):
        workflow.edit(withdrawn, MIA, replace(CONTENT, narrative="x"), later(3))


def test_a_sar_stream_round_trips_and_refuses_gaps() -> None:
    sar = approved()
    decoded = [sar_event_from_dict(sar_event_to_dict(e)) for e in sar.events]
    assert decoded == sar.events
    assert replay_sar(decoded) == sar.report
    with pytest.raises(FailedPrecondition):
        replay_sar([sar.events[0], sar.events[2]])


def test_edit_changes_list_the_fields_that_changed() -> None:
    sar = Sar()
    event = workflow.edit(sar.report, MIA, replace(CONTENT, narrative="Rewritten."), later(2))
    assert [c.field for c in event.changes()] == ["narrative"]
