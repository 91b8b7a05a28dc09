"""The graph area's dependencies, built once per process from the composition root."""

from __future__ import annotations

from services.common.runtime import Container
from services.graph.adapters.snapshot import ParquetSnapshots
from services.graph.adapters.store import SqlGraphStore
from services.graph.handlers import GraphDeps
from services.graph.settings import GraphSettings


def build_deps(container: Container) -> GraphDeps:
    settings = GraphSettings()
    directory = settings.snapshot_dir or container.settings.data_dir / "graph-snapshots"
    return GraphDeps(
        settings=settings,
        store=SqlGraphStore(container.database),
        alerts=container.alerts,
        snapshots=ParquetSnapshots(container.database, directory),
    )


def graph_deps(container: Container) -> GraphDeps:
    """This process's graph dependencies (built on first use, then shared)."""
    return container.area("graph", build_deps)
