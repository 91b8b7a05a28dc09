"""Reading operations. Callers see only their own: another client's operation is NOT_FOUND,
never PERMISSION_DENIED, so ids cannot be probed for existence."""

from __future__ import annotations

from services.common.auth import Principal
from services.common.errors import InvalidArgument, NotFound
from services.common.ids import is_valid_id
from services.common.operations import Operation, OperationStore


def get_operation(store: OperationStore, operation_id: str, caller: Principal) -> Operation:
    if not is_valid_id(operation_id, "op"):
        raise InvalidArgument.for_field("id", "not an operation id (op_ + 26 characters)")
    operation = store.get(operation_id)
    if operation.owner != caller.id and not caller.allows("operations.read_all"):
        raise NotFound("operation", operation_id)
    return operation
