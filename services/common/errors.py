"""Domain errors: the only exceptions a core or handler raises on purpose.

This module is pure (no grpc import) so every core may use it. The gRPC error interceptor maps
each class to a status code in one table (`services.common.rpc.errors`), Celery's base task
retries only `TransientError`s, and anything else is a bug: logged with its traceback and
answered with an opaque INTERNAL status that leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One bad field in a request: `field` is a dotted path ("party.names[0].full")."""

    field: str
    description: str


class WardenError(Exception):
    """Base of every deliberate error. `reason` is a stable UPPER_SNAKE machine code."""

    reason: str = "ERROR"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason


class InvalidArgument(WardenError):
    """The request is malformed; retrying it unchanged can never succeed."""

    reason = "INVALID_ARGUMENT"

    def __init__(
        self,
        message: str,
        violations: tuple[FieldViolation, ...] | list[FieldViolation] = (),
        *,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, reason=reason)
        self.violations = tuple(violations)

    @classmethod
    def for_field(
        cls, field: str, description: str, *, reason: str | None = None
    ) -> InvalidArgument:
        return cls(f"{field}: {description}", [FieldViolation(field, description)], reason=reason)


class NotFound(WardenError):
    reason = "NOT_FOUND"

    def __init__(self, resource_type: str, resource_name: str) -> None:
        super().__init__(f"{resource_type} {resource_name!r} not found")
        self.resource_type = resource_type
        self.resource_name = resource_name


class AlreadyExists(WardenError):
    reason = "ALREADY_EXISTS"


class Conflict(WardenError):
    """The resource changed under the caller (optimistic concurrency); re-read and retry."""

    reason = "ABORTED"


class FailedPrecondition(WardenError):
    """The system is not in a state that allows the operation (e.g. an illegal transition)."""

    reason = "FAILED_PRECONDITION"


class PermissionDenied(WardenError):
    """The caller is known but not allowed (wrong role, four-eyes violation, ...)."""

    reason = "PERMISSION_DENIED"


class Unauthenticated(WardenError):
    reason = "UNAUTHENTICATED"


class ResourceExhausted(WardenError):
    """A size, rate or quota limit was hit (image too large, too many frames, ...)."""

    reason = "RESOURCE_EXHAUSTED"


class TransientError(WardenError):
    """A dependency is briefly unavailable; the same request may succeed later.

    Celery tasks retry these (and only these) with back-off; gRPC answers UNAVAILABLE.
    """

    reason = "UNAVAILABLE"
