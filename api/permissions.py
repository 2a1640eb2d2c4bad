"""Who may do what: DESIGN.md section 2 as one table, and the field extension that applies it.

Every guarded field names the capability it needs with `requires(...)`, so reading
a field tells who may use it; this module is the only place that maps
capabilities to roles.
"""

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

if TYPE_CHECKING:
    from api.context import Context


class Role(StrEnum):
    GLOBAL_ADMIN = "GLOBAL_ADMIN"
    ADMIN_AGENT = "ADMIN_AGENT"
    SALES_AGENT = "SALES_AGENT"
    HELPDESK_AGENT = "HELPDESK_AGENT"
    BILLING_ADMIN = "BILLING_ADMIN"
    CUSTOMER_ADMIN = "CUSTOMER_ADMIN"


class Capability(Enum):
    VIEW_PARTNERS = "see partners"
    VIEW_CUSTOMERS = "see the customer list"
    VIEW_BILLING_PROFILE = "see billing profiles"
    VIEW_ADMIN_RELATIONSHIPS = "see delegated and granular admin relationships"
    MANAGE_INVITATIONS = "see and manage invitations"
    MANAGE_REMOVALS = "remove reseller relationships or list removals"
    PLACE_ORDERS = "place orders"
    VIEW_AUDIT_LOG = "see the audit log"
    SUBSCRIBE = "subscribe to relationship events"
    ACCEPT_INVITATIONS = "accept invitations"


GA, AA, SA, HA, BA = (
    Role.GLOBAL_ADMIN,
    Role.ADMIN_AGENT,
    Role.SALES_AGENT,
    Role.HELPDESK_AGENT,
    Role.BILLING_ADMIN,
)

# Capabilities of a partner principal (its `tid` is a registered partner's tenant).
PARTNER_PERMISSIONS: Mapping[Capability, frozenset[Role]] = {
    Capability.VIEW_PARTNERS: frozenset({GA, AA, SA, HA, BA}),
    Capability.VIEW_CUSTOMERS: frozenset({GA, AA, SA, HA, BA}),
    Capability.VIEW_BILLING_PROFILE: frozenset({GA, AA, SA, BA}),
    Capability.VIEW_ADMIN_RELATIONSHIPS: frozenset({GA, AA}),
    Capability.MANAGE_INVITATIONS: frozenset({GA, AA, SA}),
    Capability.MANAGE_REMOVALS: frozenset({GA, AA, SA}),
    Capability.PLACE_ORDERS: frozenset({GA, AA, SA}),
    Capability.VIEW_AUDIT_LOG: frozenset({GA, AA}),
    Capability.SUBSCRIBE: frozenset({GA, AA, SA}),
}

# Capabilities of a customer-side principal (its `tid` is not a partner's).
CUSTOMER_PERMISSIONS: Mapping[Capability, frozenset[Role]] = {
    Capability.ACCEPT_INVITATIONS: frozenset({Role.CUSTOMER_ADMIN}),
}


def allows(context: "Context", capability: Capability) -> bool:
    principal = context.principal
    if principal is None:
        return False
    table = CUSTOMER_PERMISSIONS if context.partner is None else PARTNER_PERMISSIONS
    allowed = table.get(capability)
    if allowed is None:
        return False
    # Unknown role strings match nothing and so grant nothing.
    return not allowed.isdisjoint(principal.roles)


def forbidden_message(capability: Capability) -> str:
    return f"Your role does not allow you to {capability.value}."


class Requires(BasePermission):
    error_extensions = {"code": "FORBIDDEN"}

    def __init__(self, capability: Capability) -> None:
        self.capability = capability
        self.message = forbidden_message(capability)

    def has_permission(self, source: Any, info: Info["Context", Any], **kwargs: Any) -> bool:
        return allows(info.context, self.capability)


def requires(capability: Capability) -> PermissionExtension:
    return PermissionExtension(permissions=[Requires(capability)], use_directives=False)
