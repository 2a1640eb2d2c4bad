"""The permission table (`api.permissions`) applied to the schema.

Every guarded field says so where it is declared, `**guard(Capability.X)`, which both
refuses callers without the capability and writes the roles holding it into the
field's description, so the documentation cannot drift from the table.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from api.graphql.context import Context
from api.permissions import Capability, allows, forbidden_message, roles_holding


class Requires(BasePermission):
    error_extensions = {"code": "FORBIDDEN"}

    def __init__(self, capability: Capability) -> None:
        self.capability = capability
        self.message = forbidden_message(capability)

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        actor = info.context.actor
        if allows(actor, self.capability):
            return True
        # Read right after this returns (no await between): say why for this caller.
        self.message = forbidden_message(self.capability, actor)
        return False


_READABLE_WITH: dict[type, Capability] = {}

T = TypeVar("T", bound=type)


def readable_with(capability: Capability) -> Callable[[T], T]:
    """Declares what reading a (non-node) type needs: every field that returns it must
    be guarded by that capability (a schema walk in the tests checks it). Node types
    declare theirs as `node_capability`."""

    def mark(cls: T) -> T:
        _READABLE_WITH[cls] = capability
        return cls

    return mark


def type_capability(cls: type) -> Capability | None:
    declared = _READABLE_WITH.get(cls)
    return declared if declared is not None else getattr(cls, "node_capability", None)


def field_capability(extensions: Iterable[object]) -> Capability | None:
    """The capability a field's guard requires, if it has one."""
    for extension in extensions:
        if isinstance(extension, PermissionExtension):
            for permission in extension.permissions:
                if isinstance(permission, Requires):
                    return permission.capability
    return None


def requires(capability: Capability) -> PermissionExtension:
    return PermissionExtension(permissions=[Requires(capability)], use_directives=False)


def roles_text(capability: Capability) -> str:
    return ", ".join(role.value for role in roles_holding(capability))


def guard(capability: Capability, description: str | None = "{roles}.") -> dict[str, Any]:
    """Keyword arguments of `strawberry.field` (or `mutation`, `subscription`) for a
    field only `capability` may use; `{roles}` in the description lists who holds it."""
    return {
        "description": description.format(roles=roles_text(capability))
        if description is not None
        else None,
        "extensions": [requires(capability)],
    }
