"""Structured logging: one JSON object per line, carrying request / task / case ids from context.

Log records never carry PII: ids, counts, codes and timings only. Fields are attached with
`log.info("msg", extra={"fields": {...}})` or, better, with `bind(...)` for a whole request/task.
The logger name `warden.audit` is reserved for security-relevant events (auth failures, key use).
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType

import orjson

_EMPTY: Mapping[str, object] = MappingProxyType({})
_context: contextvars.ContextVar[Mapping[str, object]] = contextvars.ContextVar(
    "warden_log_context", default=_EMPTY
)


@contextmanager
def bind(**fields: object) -> Iterator[None]:
    """Add fields (request_id, task_id, principal, ...) to every log line inside the block."""
    token = _context.set({**_context.get(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def context_fields() -> Mapping[str, object]:
    return _context.get()


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON with the bound context and `extra={"fields": ...}`."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **_context.get(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            payload.update(fields)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(payload, default=str).decode()


class TextFormatter(logging.Formatter):
    """Human-readable variant for a terminal (`WARDEN_LOG_JSON=false`)."""

    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extras = {**_context.get(), **(getattr(record, "fields", None) or {})}
        if not extras:
            return base
        return base + "  " + " ".join(f"{k}={v}" for k, v in extras.items())


def configure_logging(level: str = "INFO", *, json_lines: bool = True) -> None:
    """Install the Warden formatter on the root logger (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_warden", False):
            root.removeHandler(existing)
    handler._warden = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Chatty libraries: their INFO lines are noise next to ours.
    for name in ("celery", "kombu", "amqp", "alembic", "sqlalchemy.engine"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
