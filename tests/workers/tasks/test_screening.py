"""Re-screening on a new list version: one operation per version pair, run by the task shell."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from warden.screening.v1 import screening_pb2

from services.common.alerts import InMemoryAlertSink
from services.common.errors import TransientError
from services.common.operations import OperationState
from services.common.runtime import Container
from services.screening import handlers
from services.screening.convert import rescreen_report
from services.screening.deps import AREA, RegistryLists, rescreen_on_delta
from services.screening.handlers import ScreenCommand, ScreeningDeps
from services.screening.ports import (
    InMemoryCustomerStore,
    InMemorySuppressionStore,
    Partition,
)
from services.screening.rescreen import StatusQuery, rescreen_operation, rescreen_status
from tests.services.screening.support import BASE_LIST, NOW, clock, person
from watchlists.deps import deps_of
from watchlists.snapshot import Snapshot
from workers import deps as worker_deps
from workers.tasks.screening import rescreen_delta


@pytest.fixture
def wired(container: Container) -> Iterator[tuple[Container, ScreeningDeps, InMemoryAlertSink]]:
    sink = InMemoryAlertSink()
    screening = ScreeningDeps(
        lists=RegistryLists(container, clock),
        customers=InMemoryCustomerStore(),
        suppressions=InMemorySuppressionStore(),
        alerts=sink,
        clock=clock,
    )
    container.area(AREA, lambda _: screening)
    worker_deps.install(container)
    yield container, screening, sink
    worker_deps.reset()


def test_a_new_version_is_rescreened_once_through_an_operation(
    wired: tuple[Container, ScreeningDeps, InMemoryAlertSink],
) -> None:
    container, screening, sink = wired
    lists = screening.lists
    assert isinstance(lists, RegistryLists)
    lists.registry.subscribe(rescreen_on_delta(container))
    store = deps_of(container).store
    store.save(Snapshot("v1", NOW, (), BASE_LIST))
    lists.refresh()
    handlers.screen(ScreenCommand(person("crm:c1", "Ivan Petrov"), monitor=True), screening)

    store.save(Snapshot("v2", NOW, (), (*BASE_LIST, person("ofac:petrov", "PETROV, Ivan"))))
    delta = lists.refresh()
    assert delta is not None
    assert [p.id for p in delta.added] == ["ofac:petrov"]

    operation, created = container.operations.create_or_get(rescreen_operation("v1", "v2"))
    assert not created  # the listener already submitted it; another replica would reuse it
    rescreen_delta.run(operation_id=operation.id)
    done = container.operations.get(operation.id)
    assert done.state is OperationState.SUCCEEDED
    result = screening_pb2.RescreenResult.FromString(done.result or b"")
    assert (result.entries, result.customers, result.alerts) == (1, 1, 1)
    assert [a.subject_id for a in sink.alerts.values()] == ["crm:c1"]


def test_the_task_waits_until_its_worker_serves_the_version(
    wired: tuple[Container, ScreeningDeps, InMemoryAlertSink],
) -> None:
    container, screening, _ = wired
    deps_of(container).store.save(Snapshot("v1", NOW, (), BASE_LIST))
    assert isinstance(screening.lists, RegistryLists)
    screening.lists.refresh()
    operation, _ = container.operations.create_or_get(rescreen_operation("v1", "v9"))
    with pytest.raises(TransientError, match="not live"):
        rescreen_delta.run(operation_id=operation.id)


def _six_monitored_then_listed(container: Container, screening: ScreeningDeps) -> None:
    """Six monitored "Ivan Petrov"s under v1; v2 lists a Petrov, submitting 2 partitions."""
    lists = screening.lists
    assert isinstance(lists, RegistryLists)
    lists.registry.subscribe(rescreen_on_delta(container, partitions=2))
    store = deps_of(container).store
    store.save(Snapshot("v1", NOW, (), BASE_LIST))
    lists.refresh()
    for number in range(6):
        party = person(f"crm:c{number}", "Ivan Petrov")
        handlers.screen(ScreenCommand(party, monitor=True), screening)
    store.save(Snapshot("v2", NOW, (), (*BASE_LIST, person("ofac:petrov", "PETROV, Ivan"))))
    lists.refresh()


def test_rescreening_is_split_into_partition_operations(
    wired: tuple[Container, ScreeningDeps, InMemoryAlertSink],
) -> None:
    container, screening, sink = wired
    _six_monitored_then_listed(container, screening)
    customers = []
    for index in range(2):
        new = rescreen_operation("v1", "v2", Partition(index, 2))
        operation, created = container.operations.create_or_get(new)
        assert not created  # the listener submitted one operation per partition
        rescreen_delta.run(operation_id=operation.id)
        done = container.operations.get(operation.id)
        result = screening_pb2.RescreenResult.FromString(done.result or b"")
        assert (result.partition, result.partitions) == (index, 2)
        customers.append(result.customers)
    assert sum(customers) == 6
    assert all(customers)
    assert sorted(a.subject_id for a in sink.alerts.values()) == [f"crm:c{n}" for n in range(6)]


def test_the_status_sums_the_partitions_and_shows_a_failed_one(
    wired: tuple[Container, ScreeningDeps, InMemoryAlertSink], caplog: pytest.LogCaptureFixture
) -> None:
    container, screening, _ = wired
    _six_monitored_then_listed(container, screening)
    query = StatusQuery("v1", "v2")
    (status,) = rescreen_status(query, container.operations, rescreen_report)
    assert (status.partitions, status.pending, status.done) == (2, 2, 0)

    caplog.set_level(logging.INFO, logger="workers.tasks.screening")
    for run in status.unfinished:
        rescreen_delta.run(operation_id=run.operation_id)
        done = container.operations.get(run.operation_id)
        assert done.state is OperationState.SUCCEEDED
    (status,) = rescreen_status(query, container.operations, rescreen_report)
    assert (status.state, status.customers, status.alerts, status.entries) == ("complete", 6, 6, 1)
    completions = [r.message for r in caplog.records if r.name == "workers.tasks.screening"]
    assert completions == ["re-screening complete"]

    # A version pair whose old version is not stored fails for good, and shows so.
    broken, _ = container.operations.create_or_get(rescreen_operation("gone", "v2"))
    rescreen_delta.run(operation_id=broken.id)
    (status,) = rescreen_status(StatusQuery("gone", "v2"), container.operations, rescreen_report)
    assert status.state == "failed"
    assert status.unfinished[0].failure.startswith("LIST_FILE_INVALID: ")
