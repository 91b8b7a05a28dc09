"""Per-call context visible to handlers: the request id and the authenticated principal.

Set by the interceptors; read with `current_principal()` / `current_request_id()`. Handlers get
the principal passed explicitly where it matters (ownership, four-eyes); these accessors exist so
logging and the error mapper do not need it threaded through every call.
"""

from __future__ import annotations

import contextvars

from services.common.auth import Principal
from services.common.errors import Unauthenticated

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
principal_var: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "principal", default=None
)


def current_request_id() -> str:
    return request_id_var.get()


def current_principal() -> Principal:
    principal = principal_var.get()
    if principal is None:
        raise Unauthenticated("no authenticated caller in this context")
    return principal
