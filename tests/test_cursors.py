"""Every list refuses every cursor it did not issue: a cursor of another list (even
one sorted the same way) is `INVALID` at `after`, in every direction."""

import itertools

from api.invitations.models import Invitation
from api.orders.models import Order
from api.partners.models import Partner
from api.settings import Settings
from tests.support import factories
from tests.support.documents import REMOVE_WITHOUT_GDAP, REQUEST, customer_id
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain

GA = "GLOBAL_ADMIN"

CONNECTION = "edges { cursor } pageInfo { endCursor }"


def root(field: str) -> tuple[str, list[str]]:
    query = f"query($after: String) {{ {field}(first: 1, after: $after) {{ {CONNECTION} }} }}"
    return query, [field]


def nested(field: str) -> tuple[str, list[str]]:
    query = (
        "query($id: ID!, $after: String) { customer(id: $id) "
        f"{{ {field}(first: 1, after: $after) {{ {CONNECTION} }} }} }}"
    )
    return query, ["customer", field]


# A list → (a query of its connection taking `after`, the path to the connection).
LISTS = {
    "customers": root("customers"),
    "invitations": root("invitations"),
    "relationshipRemovals": root("relationshipRemovals"),
    "auditEvents": root("auditEvents"),
    "Customer.invitations": nested("invitations"),
    "Customer.orders": nested("orders"),
}


async def world(gql: GraphQLClient, settings: Settings) -> tuple[Partner, str]:
    """A partner with something in every list; returns it and a customer's id."""
    partner = await factories.partner()
    token = gql.token(partner.tenant_id, GA)
    kept = await factories.customer("Kept")
    await factories.relate(partner, kept, dap=True)
    gone = await factories.customer("Gone")
    await factories.relate(partner, gone, dap=True)
    await gql(REQUEST, {"input": {"customerId": customer_id(kept)}}, token=token)
    await gql(REQUEST, {"input": {"recipientEmail": "it@new.example"}}, token=token)
    await gql(
        REMOVE_WITHOUT_GDAP,
        {"input": {"customerId": customer_id(gone), "attestationAccepted": True}},
        token=token,
    )
    await Order.create(placed_by=partner, customer=kept, offer_id="X:1", quantity=1, created_by="u")
    await Invitation.filter(partner_id=partner.id).update(customer_id=kept.id)
    await drain(settings)  # the removal's revocation, so that no later test runs it
    return partner, customer_id(kept)


async def page(
    gql: GraphQLClient, partner: Partner, name: str, customer: str, after: str | None
) -> tuple[dict | None, list]:
    query, path = LISTS[name]
    variables: dict[str, object] = {"after": after}
    if "$id" in query:
        variables["id"] = customer
    result = await gql(
        query.replace("{Q}", f"{{ {CONNECTION} }}"),
        variables,
        token=gql.token(partner.tenant_id, GA),
    )
    data = result.data
    for step in path:
        data = data[step] if data else None
    return data, result.errors


async def test_every_list_refuses_every_other_lists_cursor(
    gql: GraphQLClient, settings: Settings
) -> None:
    partner, customer = await world(gql, settings)
    issued = {}
    for name in LISTS:
        connection, errors = await page(gql, partner, name, customer, None)
        assert errors == [], (name, errors)
        assert connection is not None, name
        assert connection["edges"], name
        issued[name] = connection["pageInfo"]["endCursor"]
        _, errors = await page(gql, partner, name, customer, issued[name])
        assert errors == [], (name, errors)  # its own cursor is taken
    for taker, giver in itertools.permutations(LISTS, 2):
        _, errors = await page(gql, partner, taker, customer, issued[giver])
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
            ("INVALID", ["after"])
        ], (taker, giver, errors)
