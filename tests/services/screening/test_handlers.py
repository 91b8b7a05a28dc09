"""Screening use cases over in-memory fakes: screening, monitoring, delta re-screening,
suppression, and list swaps under load."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from services.common.errors import InvalidArgument, NotFound
from services.screening import handlers
from services.screening.handlers import (
    CompareCommand,
    OptionsInput,
    ScreenCommand,
    SuppressCommand,
    entry_hash,
)
from services.screening.ports import Partition, StaticLists
from tests.services.screening.support import (
    BASE_LIST,
    PRIGOZHIN,
    PUTIN,
    clock,
    deps_with,
    person,
)
from watchlists.model import Name, Party, Schema


def applicant(reference: str, name: str, **fields: object) -> Party:
    return dataclasses.replace(person("app:x", name), id=reference, source="", **fields)  # type: ignore[arg-type]


def test_screen_returns_explained_hits_and_the_version() -> None:
    deps, _ = deps_with()
    outcome = handlers.screen(ScreenCommand(applicant("c1", "Evgeny Prigojin")), deps)
    assert outcome.list_version == deps.lists.current[0].version
    top = outcome.result.matches[0]
    assert top.entry.id == "ofac:prigozhin"
    assert top.match
    assert top.explanations[0].feature == "name_similarity"


def test_request_options_override_defaults_and_are_validated() -> None:
    deps, _ = deps_with()
    strict = ScreenCommand(applicant("c1", "Evgeny Prigojin"), OptionsInput(threshold=1.5))
    assert not handlers.screen(strict, deps).result.hits
    with pytest.raises(InvalidArgument) as caught:
        handlers.screen(ScreenCommand(applicant("c1", "X Y"), OptionsInput(limit=10_000)), deps)
    assert caught.value.violations[0].field == "options.limit"


def test_monitor_stores_the_customer() -> None:
    deps, _ = deps_with()
    handlers.screen(ScreenCommand(applicant("c1", "Jane Doe"), monitor=True), deps)
    stored = deps.customers.get("c1")
    assert stored is not None
    assert stored.party.names[0].full == "Jane Doe"


def test_compare_explains_one_entry_and_unknown_entry_is_not_found() -> None:
    deps, _ = deps_with()
    match, version = handlers.compare(
        CompareCommand(applicant("c1", "Putin Vladimir"), "eu:putin"), deps
    )
    assert match.match
    assert version == deps.lists.current[0].version
    with pytest.raises(NotFound):
        handlers.compare(CompareCommand(applicant("c1", "Putin"), "eu:nobody"), deps)


def test_batch_reports_bad_items_in_place() -> None:
    deps, _ = deps_with()
    bad = Party("c2", PUTIN.schema, (Name("\u200b\u202e"),))
    results = handlers.screen_batch(
        [ScreenCommand(applicant("c1", "John Smith")), ScreenCommand(bad)], deps
    )
    assert not isinstance(results[0], InvalidArgument)
    assert isinstance(results[1], InvalidArgument)


def _reload(deps: handlers.ScreeningDeps, entries: tuple[Party, ...]) -> handlers.RescreenReport:
    lists = deps.lists
    assert isinstance(lists, StaticLists)
    delta = lists.reload(entries)
    return handlers.rescreen_delta(delta, lists.current[0].version, deps)


def test_delta_rescreening_raises_exactly_the_new_hits() -> None:
    deps, sink = deps_with()
    for reference, name in (("c1", "Ivan Petrov"), ("c2", "Maria Lopez"), ("c3", "John Smith")):
        handlers.screen(ScreenCommand(applicant(reference, name), monitor=True), deps)
    newly_listed = person("ofac:petrov", "PETROV, Ivan")
    report = _reload(deps, (*BASE_LIST, newly_listed))
    assert report.entries == 1
    assert report.customers == 3
    assert [(a.subject_id, a.related_subjects) for a in sink.alerts.values()] == [
        ("c1", ("ofac:petrov",))
    ]
    # John Smith was already listed: an unchanged entry is not re-screened, so no new alert.
    again = _reload(deps, (*BASE_LIST, newly_listed))
    assert again.entries == 0
    assert len(sink.alerts) == 1


def test_a_changed_entry_is_rescreened() -> None:
    deps, sink = deps_with()
    handlers.screen(ScreenCommand(applicant("c1", "Yevgeny Prigozhin"), monitor=True), deps)
    changed = dataclasses.replace(PRIGOZHIN, nationalities=("RU",))
    report = _reload(deps, tuple(changed if p.id == PRIGOZHIN.id else p for p in BASE_LIST))
    assert report.entries == 1
    assert [a.subject_id for a in sink.alerts.values()] == ["c1"]
    alert = next(iter(sink.alerts.values()))
    assert alert.evidence["entry_hash"] == entry_hash(changed)
    # Case management turns a false-positive clearance of this hit into a suppression from it.
    assert alert.match is not None
    assert (alert.match.list_entry_id, alert.match.entry_hash) == (changed.id, entry_hash(changed))
    assert alert.match.subject_hash == next(iter(deps.customers.iterate())).party_hash
    assert alert.evidence["topics"] == list(changed.topics)


def test_suppression_holds_until_either_side_changes() -> None:
    deps, sink = deps_with()
    handlers.screen(ScreenCommand(applicant("c1", "Ivan Petrov"), monitor=True), deps)
    listed = person("ofac:petrov", "PETROV, Ivan")
    _reload(deps, (*BASE_LIST, listed))
    assert len(sink.alerts) == 1
    command = SuppressCommand("c1", "ofac:petrov", entry_hash(listed), "different person")
    suppression = handlers.suppress_hit(command, "officer-7", deps)
    assert suppression.created_by == "officer-7"

    # Same entry re-published (e.g. a reload that touches nothing else): suppressed.
    sink.alerts.clear()
    _reload(deps, BASE_LIST)
    report = _reload(deps, (*BASE_LIST, listed))
    assert report.suppressed == 1
    assert sink.alerts == {}

    # The entry changes: a new hit.
    changed = dataclasses.replace(listed, birth_dates=PUTIN.birth_dates)
    report = _reload(deps, (*BASE_LIST, changed))
    assert report.alerts == 1

    # The customer's data changes: the old suppression no longer applies either.
    sink.alerts.clear()
    handlers.suppress_hit(SuppressCommand("c1", "ofac:petrov", entry_hash(changed)), "o", deps)
    handlers.screen(
        ScreenCommand(applicant("c1", "Ivan Petrov", nationalities=("RU",)), monitor=True), deps
    )
    _reload(deps, BASE_LIST)
    assert _reload(deps, (*BASE_LIST, changed)).alerts == 1


def test_suppression_validates_its_input() -> None:
    deps, _ = deps_with()
    with pytest.raises(InvalidArgument) as caught:
        handlers.suppress_hit(SuppressCommand("c1", "", "nothex"), "o", deps)
    assert {v.field for v in caught.value.violations} == {"entry_reference", "entry_hash"}
    with pytest.raises(NotFound):
        handlers.suppress_hit(SuppressCommand("nobody", "ofac:x", "a" * 64), "o", deps)


def test_list_versions_are_recorded_newest_first_and_paged() -> None:
    deps, _ = deps_with()
    first = handlers.list_status(deps).version
    assert isinstance(deps.lists, StaticLists)
    deps.lists.reload(BASE_LIST[:2])
    second = handlers.list_status(deps).version
    page, token, total = handlers.list_versions(1, "", deps)
    assert [v.version for v in page] == [second]
    assert total == 2
    rest, token2, _ = handlers.list_versions(1, token, deps)
    assert [v.version for v in rest] == [first]
    assert token2 == ""
    with pytest.raises(InvalidArgument):
        handlers.list_versions(1, "forged", deps)


def test_screening_keeps_answering_during_a_reload() -> None:
    deps, _ = deps_with()
    lists = deps.lists
    assert isinstance(lists, StaticLists)
    versions_seen: set[str] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def screen_continuously() -> None:
        while not stop.is_set():
            try:
                outcome = handlers.screen(ScreenCommand(applicant("c1", "Vladimir Putin")), deps)
                assert any(m.entry.id == "eu:putin" for m in outcome.result.hits)
                versions_seen.add(outcome.list_version)
            except BaseException as error:
                errors.append(error)

    readers = [threading.Thread(target=screen_continuously) for _ in range(3)]
    for reader in readers:
        reader.start()
    extra = [person(f"ofac:p{i}", f"Person Number{i} Listed") for i in range(300)]
    for size in (100, 200, 300):
        lists.reload((*BASE_LIST, *extra[:size]))
    stop.set()
    for reader in readers:
        reader.join()
    assert errors == []
    assert lists.current[0].version in versions_seen or len(versions_seen) >= 2


def test_partitions_rescreen_every_customer_exactly_once() -> None:
    deps, sink = deps_with()
    names = [f"Ivan Petrov{suffix}" for suffix in ("", " Junior", " Senior", " Ivanovich")]
    for number, name in enumerate(names * 3):
        handlers.screen(ScreenCommand(applicant(f"c{number}", name), monitor=True), deps)
    lists = deps.lists
    assert isinstance(lists, StaticLists)
    delta = lists.reload((*BASE_LIST, person("ofac:petrov", "PETROV, Ivan")))
    version = lists.current[0].version
    reports = [handlers.rescreen_delta(delta, version, deps, Partition(i, 3)) for i in range(3)]
    assert sum(r.customers for r in reports) == 12
    assert all(r.customers < 12 for r in reports)  # the work is really split
    assert sum(r.alerts for r in reports) == len(sink.alerts) == 12
    assert handlers.rescreen_delta(delta, version, deps).alerts == 12  # whole run: same keys
    assert len(sink.alerts) == 12


def test_a_stored_customer_the_matcher_now_refuses_is_skipped_not_fatal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    deps, sink = deps_with()
    handlers.screen(ScreenCommand(applicant("c1", "Ivan Petrov"), monitor=True), deps)
    # Enrolled under an older release that accepted a name made only of a legal form.
    deps.customers.upsert(Party("c0", Schema.ORGANIZATION, (Name("LLC"),)), clock())
    report = _reload(deps, (*BASE_LIST, person("ofac:petrov", "PETROV, Ivan")))
    assert (report.customers, report.refused, report.alerts) == (2, 1, 1)
    assert [a.subject_id for a in sink.alerts.values()] == ["c1"]
    assert "customer refused by the matcher" in caplog.text
