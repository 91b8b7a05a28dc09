"""What every CaseService mixin shares: the dependencies and who is acting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import grpc

from services.cases.handlers import CaseDeps
from services.common.rpc.context import current_principal

P = ParamSpec("P")
R = TypeVar("R")
Context = grpc.aio.ServicerContext[Any, Any]


class RpcBase:
    def __init__(self, deps: CaseDeps) -> None:
        self.deps = deps

    @staticmethod
    def actor() -> str:
        """The officer acting: the one the console names, else the caller itself."""
        principal = current_principal()
        return principal.acting_for or principal.id

    @staticmethod
    async def run(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(fn, *args, **kwargs)
