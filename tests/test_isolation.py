"""Tenant isolation (docs/behaviour.md, "Who may do what"): every read is scoped to
the viewer's partner, and another partner's id behaves exactly like an id that does not exist."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from strawberry.relay import to_base64

from api.actors import Actor
from api.audit.log import record
from api.audit.models import AuditAction
from api.partners.models import Partner, PartnerKind
from api.relationships.models import RelationshipType
from tests.support import factories
from tests.support.graphql import GraphQLClient

NAMES = "{ customers { totalCount edges { node { companyName } } } }"
CUSTOMER = "query($id: ID!) { customer(id: $id) { id companyName } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"


async def names(gql: GraphQLClient, partner: Partner, search: str | None = None) -> list[str]:
    data = (
        await gql(
            "query($search: String) { customers(search: $search) "
            "{ totalCount edges { node { companyName } } } }",
            {"search": search},
            token=gql.token(partner.tenant_id, "GLOBAL_ADMIN"),
        )
    ).ok()["customers"]
    assert data["totalCount"] == len(data["edges"])
    return [edge["node"]["companyName"] for edge in data["edges"]]


async def others_customer(owner: Partner) -> str:
    row = await factories.customer("Secret Corp")
    await factories.relate(owner, row, dap=True)
    await factories.gdap(owner, row)
    return to_base64("Customer", row.id)


async def others_partner(owner: Partner) -> str:
    return to_base64("Partner", owner.id)


async def others_gdap(owner: Partner) -> str:
    row = await factories.customer("Secret Corp")
    await factories.relate(owner, row)
    return to_base64("GdapRelationship", (await factories.gdap(owner, row)).id)


async def others_audit_event(owner: Partner) -> str:
    event = await record(
        Actor(user_id="someone", tenant_id=owner.tenant_id),
        partner_id=owner.id,
        action=AuditAction.ORDER_PLACED,
    )
    return to_base64("AuditEvent", event.id)


# Type name → how another partner comes to own a node of that type.
OWNED_BY_ANOTHER: dict[str, Callable[[Partner], Awaitable[str]]] = {
    "Customer": others_customer,
    "Partner": others_partner,
    "GdapRelationship": others_gdap,
    "AuditEvent": others_audit_event,
}

LOOKUPS = {
    "customer(id)": (CUSTOMER, "customer", "Customer"),
    **{f"node({name})": (NODE, "node", name) for name in OWNED_BY_ANOTHER},
}


@pytest.mark.parametrize("lookup", LOOKUPS)
async def test_another_partners_id_looks_like_an_unknown_id(
    gql: GraphQLClient, lookup: str
) -> None:
    query, field, type_name = LOOKUPS[lookup]
    viewer, other = await factories.partner(), await factories.partner()
    await factories.relate(viewer, await factories.customer("Mine Ltd"))
    token = gql.token(viewer.tenant_id, "GLOBAL_ADMIN")

    theirs = await gql(query, {"id": await OWNED_BY_ANOTHER[type_name](other)}, token=token)
    unknown = await gql(query, {"id": to_base64(type_name, uuid.uuid4())}, token=token)

    assert theirs.status == unknown.status == 200
    assert theirs.body == unknown.body == {"data": {field: None}}


async def test_the_owner_sees_what_others_cannot(gql: GraphQLClient) -> None:
    """The counterpart of the test above: the same lookups succeed for the owner."""
    owner = await factories.partner()
    token = gql.token(owner.tenant_id, "GLOBAL_ADMIN")
    for type_name, make in OWNED_BY_ANOTHER.items():
        node_id = await make(owner)
        assert (await gql(NODE, {"id": node_id}, token=token)).ok() == {"node": {"id": node_id}}
        if type_name == "Customer":
            found = (await gql(CUSTOMER, {"id": node_id}, token=token)).ok()
            assert found == {"customer": {"id": node_id, "companyName": "Secret Corp"}}


async def test_another_partners_customers_never_appear_in_the_list(gql: GraphQLClient) -> None:
    mine, theirs = await factories.partner(), await factories.partner()
    await factories.relate(mine, await factories.customer("Alpine Ski House"))
    await factories.relate(theirs, await factories.customer("Blue Yonder Airlines"))
    await factories.relate(theirs, await factories.customer("Coho Winery"), RelationshipType.NONE)

    assert await names(gql, mine) == ["Alpine Ski House"]
    assert await names(gql, mine, search="Blue Yonder") == []
    assert await names(gql, theirs) == ["Blue Yonder Airlines", "Coho Winery"]


async def test_a_shared_customer_shows_each_partner_only_its_own_grants(
    gql: GraphQLClient,
) -> None:
    """Two partners with the same customer: DAP and GDAP of one never show for the other."""
    holder, other = await factories.partner(), await factories.partner()
    shared = await factories.customer("Fourth Coffee")
    await factories.relate(holder, shared, dap=True)
    await factories.gdap(holder, shared, "Holder's GDAP")
    await factories.relate(other, shared, RelationshipType.NONE)
    query = (
        "{ customers { edges { node { relationshipToPartner delegatedAdmin { status } "
        "gdapRelationships { displayName } } } } }"
    )

    async def view(partner: Partner) -> Any:
        result = await gql(query, token=gql.token(partner.tenant_id, "GLOBAL_ADMIN"))
        [edge] = result.ok()["customers"]["edges"]
        return edge["node"]

    assert await view(holder) == {
        "relationshipToPartner": "RESELLER",
        "delegatedAdmin": {"status": "ACTIVE"},
        "gdapRelationships": [{"displayName": "Holder's GDAP"}],
    }
    assert await view(other) == {
        "relationshipToPartner": "NONE",
        "delegatedAdmin": None,
        "gdapRelationships": [],
    }


async def test_linking_a_reseller_to_a_provider_shares_no_customers(
    gql: GraphQLClient,
) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Provider")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Reseller")
    await factories.link(provider, reseller)
    await factories.relate(provider, await factories.customer("Litware"))
    await factories.relate(reseller, await factories.customer("Margie's Travel"))

    assert await names(gql, provider) == ["Litware"]
    assert await names(gql, reseller) == ["Margie's Travel"]
