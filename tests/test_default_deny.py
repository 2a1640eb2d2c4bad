"""Default deny, generated from the schema.

`SPEC` is the product's permission table written out per field, independently of
the code: every root operation, and every field that carries a guard of its own.
The static test walks the whole schema and fails on a root operation with no entry,
a guarded field with no entry, or a guard that differs from its entry. The live test
sends every root query and mutation, with placeholder arguments, as every partner
role, a partner user without roles, an unknown role, a customer-side admin and a
customer-side principal holding partner role names, and checks that exactly those
the table leaves out get FORBIDDEN.
"""

import json
import uuid
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)

from api.graphql.permissions import field_capability
from api.graphql.schema import schema
from tests.support import factories
from tests.support.graphql import GraphQLClient
from tests.support.servers import ApiServer

GA, AA, SA, HA, BA = "GLOBAL_ADMIN", "ADMIN_AGENT", "SALES_AGENT", "HELPDESK_AGENT", "BILLING_ADMIN"
PARTNER_ROLES = (GA, AA, SA, HA, BA)

# The specification: capability → the principals holding it.
HOLDERS: dict[str, set[tuple[str, str]]] = {
    "VIEW_PARTNERS": {("partner", r) for r in PARTNER_ROLES},
    "VIEW_CUSTOMERS": {("partner", r) for r in PARTNER_ROLES},
    "VIEW_BILLING_PROFILE": {("partner", r) for r in (GA, AA, SA, BA)},
    "VIEW_ADMIN_RELATIONSHIPS": {("partner", r) for r in (GA, AA)},
    "MANAGE_INVITATIONS": {("partner", r) for r in (GA, AA, SA)},
    "MANAGE_REMOVALS": {("partner", r) for r in (GA, AA, SA)},
    "PLACE_ORDERS": {("partner", r) for r in (GA, AA, SA)},
    "VIEW_AUDIT_LOG": {("partner", r) for r in (GA, AA)},
    "SUBSCRIBE": {("partner", r) for r in (GA, AA, SA)},
    "ACCEPT_INVITATIONS": {("customer", "CUSTOMER_ADMIN")},
    "MANAGE_WEBHOOKS": {("partner", r) for r in (GA, AA)},
    "SYNC_CUSTOMERS": {("partner", r) for r in (GA, AA)},
}
PUBLIC = None  # any authenticated principal

SPEC: dict[str, str | None] = {
    # Root operations: every one needs an entry.
    "Query.node": PUBLIC,  # checks the node type's own capability (test_permissions)
    "Query.viewer": PUBLIC,
    "Query.indirectProviders": "VIEW_PARTNERS",
    "Query.customers": "VIEW_CUSTOMERS",
    "Query.customer": "VIEW_CUSTOMERS",
    "Query.invitations": "MANAGE_INVITATIONS",
    "Query.invitationPreview": PUBLIC,  # the token is the key
    "Query.relationshipRemovals": "MANAGE_REMOVALS",
    "Query.removalAttestation": "MANAGE_REMOVALS",
    "Query.auditEvents": "VIEW_AUDIT_LOG",
    "Mutation.requestResellerRelationship": "MANAGE_INVITATIONS",
    "Mutation.sendInvitation": "MANAGE_INVITATIONS",
    "Mutation.cancelInvitation": "MANAGE_INVITATIONS",
    "Mutation.acceptInvitation": "ACCEPT_INVITATIONS",
    "Mutation.removeResellerRelationship": "MANAGE_REMOVALS",
    "Mutation.retryRemoval": "MANAGE_REMOVALS",
    "Mutation.placeOrder": "PLACE_ORDERS",
    "Query.webhookSubscriptions": "MANAGE_WEBHOOKS",
    "Query.webhookDeliveries": "MANAGE_WEBHOOKS",
    "Mutation.createWebhookSubscription": "MANAGE_WEBHOOKS",
    "Mutation.updateWebhookSubscription": "MANAGE_WEBHOOKS",
    "Mutation.deleteWebhookSubscription": "MANAGE_WEBHOOKS",
    "Mutation.rotateWebhookSecret": "MANAGE_WEBHOOKS",
    "Query.customerSync": "VIEW_CUSTOMERS",
    "Mutation.syncCustomers": "SYNC_CUSTOMERS",
    "Subscription.invitationAccepted": "SUBSCRIBE",
    "Subscription.invitationUpdated": "SUBSCRIBE",
    "Subscription.relationshipEvents": "SUBSCRIBE",
    # Fields with a guard of their own.
    "Customer.billingProfile": "VIEW_BILLING_PROFILE",
    "Customer.delegatedAdmin": "VIEW_ADMIN_RELATIONSHIPS",
    "Customer.gdapRelationships": "VIEW_ADMIN_RELATIONSHIPS",
    "Customer.invitations": "MANAGE_INVITATIONS",
    "Customer.orders": "PLACE_ORDERS",
    "Customer.failedRemoval": "MANAGE_REMOVALS",
    "Invitation.url": "MANAGE_INVITATIONS",
    "Invitation.draft": "MANAGE_INVITATIONS",
    "RelationshipRemoval.gdapRelationshipsRetained": "VIEW_ADMIN_RELATIONSHIPS",
}

ROOTS = ("Query", "Mutation", "Subscription")


def fields() -> dict[str, GraphQLField]:
    found = {}
    for name, graphql_type in schema._schema.type_map.items():
        if isinstance(graphql_type, GraphQLObjectType) and not name.startswith("__"):
            for field_name, field in graphql_type.fields.items():
                found[f"{name}.{field_name}"] = field
    return found


def guard(field: GraphQLField) -> str | None:
    definition = field.extensions.get("strawberry-definition")
    capability = field_capability(definition.extensions) if definition else None
    return capability.name if capability else None


def test_every_root_operation_and_guarded_field_is_in_the_table() -> None:
    missing, wrong = [], []
    for where, field in fields().items():
        actual = guard(field)
        if where in SPEC:
            if actual != SPEC[where]:
                wrong.append(f"{where}: guarded by {actual}, the table says {SPEC[where]}")
        elif where.split(".")[0] in ROOTS or actual is not None:
            missing.append(f"{where} (guarded by {actual})")
    assert missing == [], "no entry in SPEC"
    assert wrong == []
    assert set(SPEC) <= set(fields()), set(SPEC) - set(fields())


# ---------------------------------------------------------------------- live requests


def placeholder(graphql_type: Any) -> Any:
    """A value of the type that passes validation (the guard runs before the
    resolver looks at it)."""
    if isinstance(graphql_type, GraphQLNonNull):
        return placeholder(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return [placeholder(graphql_type.of_type)]
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        return {
            name: placeholder(field.type)
            for name, field in graphql_type.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
    assert isinstance(graphql_type, GraphQLScalarType)
    return {"Int": 1, "Boolean": False, "Float": 1.0}.get(graphql_type.name, "placeholder")


def literal(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.isupper():  # an enum value
        return value
    return json.dumps(value)


def document(operation: str, name: str, field: GraphQLField) -> str:
    arguments = ", ".join(
        f"{arg}: {literal(placeholder(spec.type))}"
        for arg, spec in field.args.items()
        if isinstance(spec.type, GraphQLNonNull)
    )
    call = f"{name}({arguments})" if arguments else name
    named = get_named_type(field.type)
    selection = " { __typename }" if isinstance(named, GraphQLObjectType) else ""
    return f"{operation} {{ {call}{selection} }}"


OPERATIONS = [
    (root, name)
    for root, operation in (("Query", "query"), ("Mutation", "mutation"))
    for name in getattr(schema._schema, f"{operation}_type").fields
]
PRINCIPALS = {
    **{role: ("partner", (role,)) for role in PARTNER_ROLES},
    "no role": ("partner", ()),
    "unknown role": ("partner", ("SUPER_ADMIN",)),
    "customer admin": ("customer", ("CUSTOMER_ADMIN",)),
    "customer with partner role names": ("customer", PARTNER_ROLES),
}


@pytest.fixture(scope="module")
async def tenants(api: ApiServer) -> dict[str, str]:
    partner = await factories.partner()
    return {"partner": str(partner.tenant_id), "customer": str(uuid.uuid4())}


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize(("root", "name"), OPERATIONS, ids=[f"{r}.{n}" for r, n in OPERATIONS])
async def test_exactly_the_table_is_let_through(
    gql: GraphQLClient, tenants: dict[str, str], root: str, name: str, principal: str
) -> None:
    side, roles = PRINCIPALS[principal]
    graphql_root = getattr(schema._schema, f"{root.lower()}_type")
    text = document(root.lower(), name, graphql_root.fields[name])
    result = await gql(text, token=gql.token(tenants[side], *roles))
    assert result.status == 200, result.body
    forbidden = [e for e in result.errors if e.get("extensions", {}).get("code") == "FORBIDDEN"]
    capability = SPEC[f"{root}.{name}"]
    allowed = capability is PUBLIC or any((side, role) in HOLDERS[capability] for role in roles)
    if allowed:
        assert forbidden == [], (text, result.errors)
    else:
        assert [e["path"] for e in forbidden] == [[name]], (text, result.errors)


@pytest.mark.parametrize("principal", PRINCIPALS)
async def test_node_refuses_a_caller_before_it_looks_at_the_id(
    gql: GraphQLClient, tenants: dict[str, str], principal: str
) -> None:
    """A caller who may read no node learns nothing of what an id looks like."""
    side, roles = PRINCIPALS[principal]
    result = await gql(
        '{ node(id: "%%% not an id") { id } }', token=gql.token(tenants[side], *roles)
    )
    may_read_nodes = any((side, role) in HOLDERS["VIEW_CUSTOMERS"] for role in roles)
    assert result.codes == (["INVALID"] if may_read_nodes else ["FORBIDDEN"]), result.errors


async def test_refusals_say_whether_the_organisation_or_the_role_is_why(
    gql: GraphQLClient, tenants: dict[str, str]
) -> None:
    query = "{ customers { totalCount } }"
    customer_side = await gql(query, token=gql.token(tenants["customer"], GA))
    role = await gql("{ auditEvents { totalCount } }", token=gql.token(tenants["partner"], HA))
    partner_accepting = await gql(
        'mutation { acceptInvitation(input: {token: "x"}) { customerTenantId } }',
        token=gql.token(tenants["partner"], GA),
    )
    assert "not a partner" in customer_side.errors[0]["message"]
    assert role.errors[0]["message"] == "Your role does not allow you to see the audit log."
    assert "your organisation is a partner" in partner_accepting.errors[0]["message"]
