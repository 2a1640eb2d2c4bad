"""The permission matrix the product specifies, for the fields that exist so far.

The expectations come from the tables below, written from the specification and not
from api/permissions.py: these tests check the code against the spec.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from strawberry.relay import to_base64

from api.actors import Actor
from api.audit.log import record
from api.audit.models import AuditAction
from api.partners.models import PartnerKind
from tests.support import factories
from tests.support.graphql import GraphQLClient, Result
from tests.support.servers import ApiServer

GA, AA, SA, HA, BA = "GLOBAL_ADMIN", "ADMIN_AGENT", "SALES_AGENT", "HELPDESK_AGENT", "BILLING_ADMIN"
EVERY_PARTNER_ROLE = frozenset({GA, AA, SA, HA, BA})

# Root fields → the partner roles that may use them (the specification). `node` is
# allowed exactly when the node's own type may be read.
ROOT_FIELDS: dict[str, frozenset[str]] = {
    "customers": EVERY_PARTNER_ROLE,
    "customer": EVERY_PARTNER_ROLE,
    "indirectProviders": EVERY_PARTNER_ROLE,
    "auditEvents": frozenset({GA, AA}),
    "node(Customer)": EVERY_PARTNER_ROLE,
    "node(Partner)": EVERY_PARTNER_ROLE,
    "node(GdapRelationship)": frozenset({GA, AA}),
    "node(AuditEvent)": frozenset({GA, AA}),
}

# Restricted fields of Customer → the partner roles that may read them.
CUSTOMER_FIELDS: dict[str, frozenset[str]] = {
    "billingProfile": frozenset({GA, AA, SA, BA}),
    "delegatedAdmin": frozenset({GA, AA}),
    "gdapRelationships": frozenset({GA, AA}),
}

# Principal → (whose tenant its `tid` is, its roles). Only a partner tenant's roles count;
# unknown role strings and the customer-side role grant nothing partner-side.
PRINCIPALS: dict[str, tuple[str, tuple[str, ...]]] = {
    GA: ("partner", (GA,)),
    AA: ("partner", (AA,)),
    SA: ("partner", (SA,)),
    HA: ("partner", (HA,)),
    BA: ("partner", (BA,)),
    "unknown role": ("partner", ("SUPER_ADMIN",)),
    "CUSTOMER_ADMIN of a partner tenant": ("partner", ("CUSTOMER_ADMIN",)),
    "customer-side CUSTOMER_ADMIN": ("customer", ("CUSTOMER_ADMIN",)),
    "customer-side with partner role names": ("customer", tuple(EVERY_PARTNER_ROLE)),
}


def may(principal: str, allowed: frozenset[str]) -> bool:
    tenant, roles = PRINCIPALS[principal]
    return tenant == "partner" and not allowed.isdisjoint(roles)


@dataclass
class World:
    partner_tenant: str
    customer_tenant: str
    ids: dict[str, str]


async def ask(
    gql: GraphQLClient, world: World, principal: str, query: str, **variables: Any
) -> Result:
    tenant, roles = PRINCIPALS[principal]
    tid = world.partner_tenant if tenant == "partner" else world.customer_tenant
    return await gql(query, variables, token=gql.token(tid, *roles))


@pytest.fixture(scope="module")
async def world(api: ApiServer) -> World:
    """An indirect reseller linked to a provider, with one customer holding a billing
    profile, a DAP grant and a GDAP relationship, and one audit event."""
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Reseller")
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Provider")
    await factories.link(provider, reseller)
    customer = await factories.customer("Contoso")
    await factories.relate(reseller, customer, dap=True)
    gdap = await factories.gdap(reseller, customer)
    event = await record(
        Actor(user_id="user-1", tenant_id=reseller.tenant_id),
        partner_id=reseller.id,
        action=AuditAction.RELATIONSHIP_REQUESTED,
        customer_tenant_id=customer.tenant_id,
    )
    return World(
        partner_tenant=str(reseller.tenant_id),
        customer_tenant=str(customer.tenant_id),
        ids={
            "Customer": to_base64("Customer", customer.id),
            "Partner": to_base64("Partner", provider.id),
            "GdapRelationship": to_base64("GdapRelationship", gdap.id),
            "AuditEvent": to_base64("AuditEvent", event.id),
        },
    )


@dataclass(frozen=True)
class RootCase:
    field: str
    query: str
    node_type: str | None = None  # the id passed as $id
    expected: Any = None  # data[field] when allowed; None: the node's own id


NODE_QUERY = "query($id: ID!) { node(id: $id) { id } }"
ROOT_CASES = {
    "customers": RootCase(
        "customers",
        "{ customers { totalCount edges { node { companyName } } } }",
        expected={"totalCount": 1, "edges": [{"node": {"companyName": "Contoso"}}]},
    ),
    "customer": RootCase(
        "customer",
        "query($id: ID!) { customer(id: $id) { companyName } }",
        node_type="Customer",
        expected={"companyName": "Contoso"},
    ),
    "indirectProviders": RootCase(
        "indirectProviders", "{ indirectProviders { name } }", expected=[{"name": "Provider"}]
    ),
    "auditEvents": RootCase(
        "auditEvents",
        "{ auditEvents { totalCount edges { node { action } } } }",
        expected={"totalCount": 1, "edges": [{"node": {"action": "RELATIONSHIP_REQUESTED"}}]},
    ),
    **{
        f"node({type_name})": RootCase("node", NODE_QUERY, node_type=type_name)
        for type_name in ("Customer", "Partner", "GdapRelationship", "AuditEvent")
    },
}


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("root", ROOT_FIELDS)
async def test_root_fields(gql: GraphQLClient, world: World, root: str, principal: str) -> None:
    case = ROOT_CASES[root]
    variables = {"id": world.ids[case.node_type]} if case.node_type else {}
    result = await ask(gql, world, principal, case.query, **variables)
    assert result.status == 200, result.body
    if may(principal, ROOT_FIELDS[root]):
        data = result.ok()
        expected = case.expected if case.expected is not None else {"id": variables["id"]}
        assert data[case.field] == expected
    else:
        assert result.codes == ["FORBIDDEN"], result.errors
        assert result.errors[0]["path"] == [case.field]
        assert (result.data or {}).get(case.field) is None


RESTRICTED = """
fragment Restricted on Customer {
  companyName
  billingProfile { contactEmail }
  delegatedAdmin { status }
  gdapRelationships { displayName }
}
"""
ALLOWED_VALUES = {
    "billingProfile": {"contactEmail": "billing@contoso.example"},
    "delegatedAdmin": {"status": "ACTIVE"},
    "gdapRelationships": [{"displayName": "Helpdesk"}],
}
# How a Customer is reached → (query, path of the Customer object in the response).
ENTRY_POINTS: dict[str, tuple[str, list[Any]]] = {
    "customers": (
        "{ customers { edges { node { ...Restricted } } } }",
        ["customers", "edges", 0, "node"],
    ),
    "customer": ("query($id: ID!) { customer(id: $id) { ...Restricted } }", ["customer"]),
    "node": ("query($id: ID!) { node(id: $id) { ...Restricted } }", ["node"]),
}


def at(data: Any, path: list[Any]) -> Any:
    for step in path:
        data = data[step]
    return data


@pytest.mark.parametrize("principal", sorted(EVERY_PARTNER_ROLE))
@pytest.mark.parametrize("entry", ENTRY_POINTS)
async def test_restricted_customer_fields(
    gql: GraphQLClient, world: World, entry: str, principal: str
) -> None:
    query, path = ENTRY_POINTS[entry]
    variables = {} if entry == "customers" else {"id": world.ids["Customer"]}
    result = await ask(gql, world, principal, query + RESTRICTED, **variables)
    assert result.status == 200, result.body
    customer = at(result.data, path)
    assert customer["companyName"] == "Contoso"
    forbidden_paths = []
    for field, allowed in CUSTOMER_FIELDS.items():
        if may(principal, allowed):
            assert customer[field] == ALLOWED_VALUES[field]
        else:
            assert customer[field] is None
            forbidden_paths.append([*path, field])
    assert sorted(error["path"] for error in result.errors) == sorted(forbidden_paths)
    assert result.codes == ["FORBIDDEN"] * len(forbidden_paths)


@pytest.mark.parametrize("principal", PRINCIPALS)
async def test_everyone_may_ask_who_they_are(
    gql: GraphQLClient, world: World, principal: str
) -> None:
    result = await ask(gql, world, principal, "{ viewer { roles } }")
    assert sorted(result.ok()["viewer"]["roles"]) == sorted(PRINCIPALS[principal][1])
