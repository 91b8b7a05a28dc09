"""Demo step: load the real public lists into a stored version and show what each holds."""

from __future__ import annotations

import asyncio

from services.demo import DemoContext, shared_data_dir
from watchlists.deps import deps_of
from watchlists.handlers import LoadLists, load_lists


async def run(ctx: DemoContext) -> None:
    shared = shared_data_dir()
    if shared is None or not (shared / "watchlists").is_dir():
        ctx.record("watchlists", "skipped", "../shared/data/watchlists is not present")
        return
    deps = deps_of(ctx.container)
    # Parsing is CPU-bound and takes seconds: keep the event loop (and the server) responsive.
    result = await asyncio.to_thread(load_lists, LoadLists(), deps)
    ctx.console.print(f"  loaded version {result.info.version} into {deps.store.root}")
    for source in result.info.sources:
        as_of = source.as_of.isoformat() if source.as_of else "?"
        ctx.console.print(f"  {source.id:<12} {source.party_count:>7,} parties  as of {as_of}")
    ctx.record(
        "watchlists",
        "ok",
        f"{result.info.party_count:,} parties from {len(result.info.sources)} lists, "
        f"version {result.info.version}",
    )
