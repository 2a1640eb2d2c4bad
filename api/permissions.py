"""Who may do what: the one table of capabilities and the roles holding them.

Everything else derives from it: the GraphQL fields' guards and the role lists in
their descriptions (`api.graphql.permissions`), and `Viewer.capabilities`, from which
the dashboard decides what to show.
"""

from collections.abc import Iterable, Mapping
from enum import Enum, StrEnum

from api.actors import Actor


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
    SUBSCRIBE = "follow invitations and relationships live"
    ACCEPT_INVITATIONS = "accept invitations"
    MANAGE_WEBHOOKS = "manage webhooks to the partner's own systems"
    SYNC_CUSTOMERS = "sync the customer list with Partner Center"


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
    Capability.MANAGE_WEBHOOKS: frozenset({GA, AA}),
    Capability.SYNC_CUSTOMERS: frozenset({GA, AA}),
}

# Capabilities of a customer-side principal (its `tid` is not a partner's).
CUSTOMER_PERMISSIONS: Mapping[Capability, frozenset[Role]] = {
    Capability.ACCEPT_INVITATIONS: frozenset({Role.CUSTOMER_ADMIN}),
}


def allows(actor: Actor | None, capability: Capability) -> bool:
    if actor is None:
        return False
    table = CUSTOMER_PERMISSIONS if actor.partner is None else PARTNER_PERMISSIONS
    allowed = table.get(capability)
    # Unknown role strings match nothing and so grant nothing.
    return allowed is not None and not allowed.isdisjoint(actor.roles)


def capabilities_of(actor: Actor | None) -> list[Capability]:
    return [capability for capability in Capability if allows(actor, capability)]


def roles_holding(capability: Capability) -> list[Role]:
    """The roles a capability is granted to, in the order roles are listed."""
    allowed = PARTNER_PERMISSIONS.get(capability) or CUSTOMER_PERMISSIONS.get(capability)
    return [role for role in Role if allowed and role in allowed]


def forbidden_message(capability: Capability, actor: Actor | None = None) -> str:
    """Why `actor` may not: its organisation, when no role of it could; else its role."""
    if actor is not None and capability in PARTNER_PERMISSIONS and actor.partner is None:
        return (
            "Your organisation is not a partner registered with Partner Connect: only a "
            f"partner's users can {capability.value}."
        )
    if actor is not None and capability in CUSTOMER_PERMISSIONS and actor.partner is not None:
        return f"Only a customer's admin can {capability.value}; your organisation is a partner."
    return f"Your role does not allow you to {capability.value}."


def may_read_any(actor: Actor | None, capabilities: Iterable[Capability]) -> bool:
    return any(allows(actor, capability) for capability in capabilities)
