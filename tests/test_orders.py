"""Placing orders, `Customer.canTransact` and `Customer.orders` (docs/behaviour.md, "Orders"):
an order is accepted only where the reseller relationships exist, and is seen only by
the partner that placed it and the indirect reseller it was placed for."""

import base64
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from strawberry.relay import GlobalID
from tortoise.expressions import Q

from api.audit.models import AuditAction, AuditEvent
from api.customers.models import Customer
from api.orders.models import Order
from api.partners.models import Partner, PartnerKind
from api.relationships.models import RelationshipType
from tests.support import factories
from tests.support.documents import AUDIT, PLACE_ORDER, customer_id, partner_id
from tests.support.graphql import GraphQLClient, Result
from tests.support.statements import recording_statements

GA, AA, SA, HA, BA = "GLOBAL_ADMIN", "ADMIN_AGENT", "SALES_AGENT", "HELPDESK_AGENT", "BILLING_ADMIN"
RESELLER, NONE = RelationshipType.RESELLER, RelationshipType.NONE
DIRECT, PROVIDER, INDIRECT = (
    PartnerKind.DIRECT_BILL,
    PartnerKind.INDIRECT_PROVIDER,
    PartnerKind.INDIRECT_RESELLER,
)
NO_RELATIONSHIP = "NO_RESELLER_RELATIONSHIP"
OFFER = "CFQ7TTC0LH18:0001"
UUID_TEXT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)

CAN_TRANSACT = "query($id: ID!) { customer(id: $id) { canTransact } }"
ORDERS = """query($id: ID!, $first: Int, $after: String) {
  customer(id: $id) {
    companyName
    orders(first: $first, after: $after) {
      totalCount
      edges { cursor node { id offerId quantity placedBy { id } onBehalfOf { id } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}"""
ORDER_NODE = """query($id: ID!) {
  node(id: $id) {
    id
    ... on Order { offerId quantity placedBy { id } onBehalfOf { id } customer { id } }
  }
}"""


def unknown(type_name: str) -> str:
    return str(GlobalID(type_name, str(uuid.uuid4())))


def as_id(value: Customer | Partner | str) -> str:
    if isinstance(value, Customer):
        return customer_id(value)
    if isinstance(value, Partner):
        return partner_id(value)
    return value


# ------------------------------------------------------------------ talking to the API


async def place(
    gql: GraphQLClient,
    partner: Partner,
    customer: Customer | str,
    *,
    roles: tuple[str, ...] = (GA,),
    **fields: object,
) -> Result:
    """Sent as ASCII-escaped JSON, so that any string, even a lone surrogate, gets there."""
    input = {"customerId": as_id(customer), "offerId": OFFER, "quantity": 1, **fields}
    token = gql.token(partner.tenant_id, *roles, sub="buyer@partner")
    response = await gql.http.post(
        "/graphql",
        content=json.dumps({"query": PLACE_ORDER, "variables": {"input": input}}),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    return Result(status=response.status_code, body=response.json())


async def placed(
    gql: GraphQLClient, partner: Partner, customer: Customer, **fields: object
) -> dict:
    payload = (await place(gql, partner, customer, **fields)).ok()["placeOrder"]
    assert payload["userErrors"] == []
    assert payload["order"] is not None
    return payload["order"]


async def written(*partners: Partner) -> tuple[int, int]:
    """Orders placed by or for these partners, and ORDER_PLACED events in their logs."""
    ids = [partner.id for partner in partners]
    orders = await Order.filter(Q(placed_by_id__in=ids) | Q(on_behalf_of_id__in=ids)).count()
    events = await AuditEvent.filter(partner_id__in=ids, action=AuditAction.ORDER_PLACED).count()
    return orders, events


async def refused(
    gql: GraphQLClient,
    partner: Partner,
    customer: Customer | str,
    *,
    watching: tuple[Partner, ...] = (),
    **fields: object,
) -> dict:
    """The single user error of a refused order, having checked that nothing was written."""
    before = await written(partner, *watching)
    payload = (await place(gql, partner, customer, **fields)).ok()["placeOrder"]
    assert payload["order"] is None
    [error] = payload["userErrors"]
    assert await written(partner, *watching) == before
    return error


def code_and_field(error: dict) -> tuple[str, list[str] | None]:
    return error["code"], error["field"]


async def can_transact(gql: GraphQLClient, partner: Partner, customer: Customer) -> bool:
    result = await gql(
        CAN_TRANSACT, {"id": customer_id(customer)}, token=gql.token(partner.tenant_id, GA)
    )
    return result.ok()["customer"]["canTransact"]


async def order_events(gql: GraphQLClient, partner: Partner) -> list[dict]:
    result = await gql(AUDIT, {"action": "ORDER_PLACED"}, token=gql.token(partner.tenant_id, GA))
    return [edge["node"] for edge in result.ok()["auditEvents"]["edges"]]


async def orders_page(
    gql: GraphQLClient,
    partner: Partner,
    customer: Customer,
    *,
    role: str = GA,
    **variables: object,
) -> Result:
    variables = {"id": customer_id(customer), **variables}
    return await gql(ORDERS, variables, token=gql.token(partner.tenant_id, role))


async def listed_orders(
    gql: GraphQLClient, partner: Partner, customer: Customer, *, first: int = 2
) -> list[str]:
    """Every order id in the partner's `Customer.orders`, walked page by page."""
    ids: list[str] = []
    after = None
    while True:
        result = await orders_page(gql, partner, customer, first=first, after=after)
        orders = result.ok()["customer"]["orders"]
        assert orders["totalCount"] >= len(ids) + len(orders["edges"])
        assert orders["pageInfo"]["hasPreviousPage"] is (after is not None)
        ids += [edge["node"]["id"] for edge in orders["edges"]]
        if not orders["pageInfo"]["hasNextPage"]:
            assert orders["totalCount"] == len(ids)
            return ids
        after = orders["pageInfo"]["endCursor"]


# ------------------------------------------------------------------ test data


async def reselling(
    kind: PartnerKind = DIRECT, relationship: RelationshipType | None = RESELLER
) -> tuple[Partner, Customer]:
    """A partner with one customer in its list (an indirect reseller's relationship
    established with a provider it is linked to)."""
    partner = await factories.partner(kind)
    customer = await factories.customer()
    if relationship is not None:
        provider = None
        if kind is INDIRECT:
            provider = await factories.partner(PROVIDER, "Provider")
            await factories.link(provider, partner)
        await factories.relate(partner, customer, relationship, indirect_provider=provider)
    return partner, customer


@dataclass
class TwoTier:
    provider: Partner
    reseller: Partner
    customer: Customer


async def two_tier(
    provider_has: RelationshipType | None = RESELLER,
    reseller_has: RelationshipType | None = RESELLER,
    *,
    linked: bool = True,
) -> TwoTier:
    provider = await factories.partner(PROVIDER, "Provider")
    reseller = await factories.partner(INDIRECT, "Reseller")
    if linked:
        await factories.link(provider, reseller)
    customer = await factories.customer()
    if provider_has is not None:
        await factories.relate(provider, customer, provider_has)
    if reseller_has is not None:
        via = provider if linked and reseller_has is RESELLER else None
        await factories.relate(reseller, customer, reseller_has, indirect_provider=via)
    return TwoTier(provider, reseller, customer)


# ------------------------------------------------------------------ ordering for oneself


@pytest.mark.parametrize("kind", [DIRECT, PROVIDER], ids=lambda kind: kind.value)
async def test_a_partner_orders_for_a_customer_it_resells_to(
    gql: GraphQLClient, kind: PartnerKind
) -> None:
    partner, customer = await reselling(kind)

    order = await placed(gql, partner, customer, offerId=OFFER, quantity=3)

    assert order["offerId"] == OFFER
    assert order["quantity"] == 3
    assert order["placedBy"] == {"id": partner_id(partner)}
    assert order["onBehalfOf"] is None
    assert order["customer"] == {"id": customer_id(customer)}
    assert order["createdAt"]
    row = await Order.get(placed_by_id=partner.id)
    assert (row.customer_id, row.on_behalf_of_id, row.created_by) == (
        customer.id,
        None,
        "buyer@partner",
    )
    assert GlobalID.from_id(order["id"]) == GlobalID("Order", str(row.id))
    [event] = await order_events(gql, partner)
    assert event == {
        "action": "ORDER_PLACED",
        "actorUserId": "buyer@partner",
        "actorTenantId": str(partner.tenant_id),
        "customerTenantId": str(customer.tenant_id),
        "details": {
            "orderId": str(row.id),
            "offerId": OFFER,
            "quantity": 3,
            "placedBy": str(partner.id),
            "onBehalfOf": None,
        },
    }


@dataclass(frozen=True)
class OwnOrder:
    kind: PartnerKind
    relationship: RelationshipType
    refusal: tuple[str, list[str] | None] | None  # None: accepted


OWN_ORDERS = {
    "direct bill, reseller relationship": OwnOrder(DIRECT, RESELLER, None),
    "direct bill, known customer": OwnOrder(DIRECT, NONE, (NO_RELATIONSHIP, ["customerId"])),
    "provider, reseller relationship": OwnOrder(PROVIDER, RESELLER, None),
    "provider, known customer": OwnOrder(PROVIDER, NONE, (NO_RELATIONSHIP, ["customerId"])),
    "indirect reseller, reseller relationship": OwnOrder(
        INDIRECT, RESELLER, (NO_RELATIONSHIP, None)
    ),
    "indirect reseller, known customer": OwnOrder(INDIRECT, NONE, (NO_RELATIONSHIP, None)),
}


@pytest.mark.parametrize("case", OWN_ORDERS.values(), ids=OWN_ORDERS.keys())
async def test_can_transact_agrees_with_place_order(gql: GraphQLClient, case: OwnOrder) -> None:
    partner, customer = await reselling(case.kind, case.relationship)

    said = await can_transact(gql, partner, customer)
    payload = (await place(gql, partner, customer)).ok()["placeOrder"]

    outcome = [code_and_field(error) for error in payload["userErrors"]]
    assert outcome == ([] if case.refusal is None else [case.refusal])
    assert said is (case.refusal is None)
    assert (payload["order"] is not None) is said
    assert await written(partner) == ((1, 1) if said else (0, 0))


async def test_an_indirect_reseller_is_told_its_provider_orders_for_it(
    gql: GraphQLClient,
) -> None:
    world = await two_tier()

    error = await refused(gql, world.reseller, world.customer, watching=(world.provider,))

    assert error["code"] == NO_RELATIONSHIP
    assert "indirect provider" in error["message"]
    assert await can_transact(gql, world.reseller, world.customer) is False
    assert await can_transact(gql, world.provider, world.customer) is True


async def customer_of_nobody(partner: Partner) -> str:
    return customer_id(await factories.customer("Stranger"))


async def another_partners_customer(partner: Partner) -> str:
    other = await factories.partner(name="Other")
    customer = await factories.customer("Secret Corp")
    await factories.relate(other, customer)
    return customer_id(customer)


async def a_partner_id(partner: Partner) -> str:
    return partner_id(partner)


async def a_customer_id_without_a_uuid(partner: Partner) -> str:
    return str(GlobalID("Customer", "not-a-uuid"))


NOT_IN_THE_LIST: dict[str, Callable[[Partner], Any]] = {
    "a customer not in the list": customer_of_nobody,
    "another partner's customer": another_partners_customer,
    "a partner id": a_partner_id,
    "a customer id whose key is not a uuid": a_customer_id_without_a_uuid,
}


@pytest.mark.parametrize("make_id", NOT_IN_THE_LIST.values(), ids=NOT_IN_THE_LIST.keys())
async def test_a_customer_outside_the_list_is_not_found_like_an_unknown_id(
    gql: GraphQLClient, make_id: Callable[[Partner], Any]
) -> None:
    partner, _ = await reselling()
    nowhere = await refused(gql, partner, unknown("Customer"))

    error = await refused(gql, partner, await make_id(partner))

    assert code_and_field(error) == ("NOT_FOUND", ["customerId"])
    assert error == nowhere


@pytest.mark.parametrize("value", ["", "not-an-id", "Q3VzdG9tZXI", "💥", "%%%", "\ud800"])
async def test_a_malformed_customer_id_is_invalid(gql: GraphQLClient, value: str) -> None:
    partner, _ = await reselling()

    error = await refused(gql, partner, value)

    assert code_and_field(error) == ("INVALID", ["customerId"])


# ------------------------------------------------------------------ ordering for a reseller


async def test_a_provider_orders_for_a_linked_reseller_and_both_logs_record_it(
    gql: GraphQLClient,
) -> None:
    world = await two_tier()

    order = await placed(
        gql,
        world.provider,
        world.customer,
        indirectResellerId=partner_id(world.reseller),
        quantity=7,
    )

    assert order["placedBy"] == {"id": partner_id(world.provider)}
    assert order["onBehalfOf"] == {"id": partner_id(world.reseller)}
    assert order["customer"] == {"id": customer_id(world.customer)}
    assert (order["offerId"], order["quantity"]) == (OFFER, 7)
    row = await Order.get(placed_by_id=world.provider.id)
    assert row.on_behalf_of_id == world.reseller.id
    details = {
        "orderId": str(row.id),
        "offerId": OFFER,
        "quantity": 7,
        "placedBy": str(world.provider.id),
        "onBehalfOf": str(world.reseller.id),
    }
    for partner in (world.provider, world.reseller):
        [event] = await order_events(gql, partner)
        assert event["details"] == details
        assert event["actorTenantId"] == str(world.provider.tenant_id)
        assert event["customerTenantId"] == str(world.customer.tenant_id)


@dataclass(frozen=True)
class TwoTierRefusal:
    world: dict[str, Any]
    reseller_id: Callable[[TwoTier], str]
    code: str
    field: list[str]


def the_reseller(world: TwoTier) -> str:
    return partner_id(world.reseller)


TWO_TIER_REFUSALS = {
    "reseller without a relationship": TwoTierRefusal(
        {"reseller_has": None}, the_reseller, NO_RELATIONSHIP, ["indirectResellerId"]
    ),
    "reseller knows the customer only": TwoTierRefusal(
        {"reseller_has": NONE}, the_reseller, NO_RELATIONSHIP, ["indirectResellerId"]
    ),
    "provider knows the customer only": TwoTierRefusal(
        {"provider_has": NONE}, the_reseller, NO_RELATIONSHIP, ["customerId"]
    ),
    "customer not in the provider's list": TwoTierRefusal(
        {"provider_has": None}, the_reseller, "NOT_FOUND", ["customerId"]
    ),
    "not linked": TwoTierRefusal(
        {"linked": False}, the_reseller, NO_RELATIONSHIP, ["indirectResellerId"]
    ),
    "the provider itself": TwoTierRefusal(
        {}, lambda world: partner_id(world.provider), NO_RELATIONSHIP, ["indirectResellerId"]
    ),
    "an unknown partner": TwoTierRefusal(
        {}, lambda world: unknown("Partner"), NO_RELATIONSHIP, ["indirectResellerId"]
    ),
    "a customer id": TwoTierRefusal(
        {}, lambda world: customer_id(world.customer), NO_RELATIONSHIP, ["indirectResellerId"]
    ),
    "a malformed id": TwoTierRefusal(
        {}, lambda world: "not-an-id", "INVALID", ["indirectResellerId"]
    ),
}


@pytest.mark.parametrize("case", TWO_TIER_REFUSALS.values(), ids=TWO_TIER_REFUSALS.keys())
async def test_an_order_for_a_reseller_needs_both_relationships_and_the_link(
    gql: GraphQLClient, case: TwoTierRefusal
) -> None:
    world = await two_tier(**case.world)

    error = await refused(
        gql,
        world.provider,
        world.customer,
        watching=(world.reseller,),
        indirectResellerId=case.reseller_id(world),
    )

    assert code_and_field(error) == (case.code, case.field)


async def test_an_unlinked_reseller_is_refused_exactly_like_an_unknown_one(
    gql: GraphQLClient,
) -> None:
    world = await two_tier(linked=False)

    async def refusal(reseller_id: str) -> dict:
        return await refused(
            gql,
            world.provider,
            world.customer,
            watching=(world.reseller,),
            indirectResellerId=reseller_id,
        )

    assert await refusal(partner_id(world.reseller)) == await refusal(unknown("Partner"))


async def linked_elsewhere() -> Partner:
    reseller = await factories.partner(INDIRECT, "Reseller")
    await factories.link(await factories.partner(PROVIDER, "Other provider"), reseller)
    return reseller


FOREIGN_RESELLERS: dict[str, Callable[[], Awaitable[Partner]]] = {
    "another provider's reseller": linked_elsewhere,
    "an unlinked reseller": lambda: factories.partner(INDIRECT, "Reseller"),
    "a direct-bill partner": lambda: factories.partner(DIRECT, "Direct"),
}


def with_ids_masked(statements: list[str]) -> list[str]:
    """The statements of the order, ids masked; without the lookup of the viewer's partner
    by tenant, which the server may or may not have remembered from a request before."""
    return [
        UUID_TEXT.sub("<id>", statement)
        for statement in statements
        if 'FROM "partners" WHERE "tenant_id"=' not in statement
    ]


@pytest.mark.parametrize("foreign", FOREIGN_RESELLERS.values(), ids=FOREIGN_RESELLERS.keys())
async def test_a_foreign_reseller_id_is_read_exactly_like_an_unknown_one(
    gql: GraphQLClient, foreign: Callable[[], Awaitable[Partner]]
) -> None:
    """Not only the same answer: the same statements too, so that neither the answer nor
    the time it takes tells whether a partner with that id exists."""
    world = await two_tier()
    reseller = await foreign()
    await factories.relate(reseller, world.customer)

    async def refusal(reseller_id: str) -> tuple[dict, list[str]]:
        with recording_statements() as sent:
            result = await place(
                gql, world.provider, world.customer, indirectResellerId=reseller_id
            )
        return result.ok(), with_ids_masked(sent)

    assert await refusal(partner_id(reseller)) == await refusal(unknown("Partner"))


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(DIRECT, ("INVALID", ["indirectResellerId"])), (INDIRECT, (NO_RELATIONSHIP, None))],
    ids=["direct bill", "indirect reseller"],
)
async def test_only_an_indirect_provider_orders_for_a_reseller(
    gql: GraphQLClient, kind: PartnerKind, expected: tuple[str, list[str] | None]
) -> None:
    partner, customer = await reselling(kind)
    reseller = await factories.partner(INDIRECT, "Reseller")
    await factories.relate(reseller, customer)

    error = await refused(
        gql, partner, customer, watching=(reseller,), indirectResellerId=partner_id(reseller)
    )

    assert code_and_field(error) == expected


async def test_a_null_indirect_reseller_id_is_an_order_for_oneself(gql: GraphQLClient) -> None:
    partner, customer = await reselling(DIRECT)

    order = await placed(gql, partner, customer, indirectResellerId=None)

    assert order["onBehalfOf"] is None


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("quantity", [0, -1, 10_001, -(2**31), 2**31 - 1])
async def test_a_quantity_out_of_range_is_invalid(gql: GraphQLClient, quantity: int) -> None:
    partner, customer = await reselling()

    error = await refused(gql, partner, customer, quantity=quantity)

    assert code_and_field(error) == ("INVALID", ["quantity"])


@pytest.mark.parametrize("quantity", [1, 10_000])
async def test_a_quantity_in_range_is_accepted(gql: GraphQLClient, quantity: int) -> None:
    partner, customer = await reselling()

    order = await placed(gql, partner, customer, quantity=quantity)

    assert order["quantity"] == quantity
    assert (await Order.get(placed_by_id=partner.id)).quantity == quantity


BAD_OFFER_IDS = {
    "empty": "",
    "blank": "   ",
    "too long": "A" * 101,
    "nul": "CFQ7\x00TTC0",
    "newline": "CFQ7\nTTC0",
    "tab": "CFQ7\tTTC0",
    "delete": "CFQ7\x7fTTC0",
    "C1 control": "CFQ7\x85TTC0",
    "lone surrogate": "CFQ7\ud800TTC0",
    "space": "CFQ7 TTC0",
    "non-breaking space": "CFQ7\u00a0TTC0",
    "zero-width space": "CFQ7\u200bTTC0",
    "leading punctuation": "-CFQ7TTC0",
}


@pytest.mark.parametrize("offer_id", BAD_OFFER_IDS.values(), ids=BAD_OFFER_IDS.keys())
async def test_a_bad_offer_id_is_invalid(gql: GraphQLClient, offer_id: str) -> None:
    partner, customer = await reselling()

    error = await refused(gql, partner, customer, offerId=offer_id)

    assert code_and_field(error) == ("INVALID", ["offerId"])


@pytest.mark.parametrize(
    "offer_id", ["A" * 100, "CFQ7TTC0LH18:0001", "DZH318Z0BQ3Q/0007", "office_365.e3-trial"]
)
async def test_a_well_formed_offer_id_is_accepted(gql: GraphQLClient, offer_id: str) -> None:
    partner, customer = await reselling()

    order = await placed(gql, partner, customer, offerId=offer_id)

    assert order["offerId"] == offer_id


async def test_bad_input_is_reported_before_the_missing_relationship(gql: GraphQLClient) -> None:
    partner, customer = await reselling(DIRECT, NONE)

    error = await refused(gql, partner, customer, quantity=0)

    assert code_and_field(error) == ("INVALID", ["quantity"])


# ------------------------------------------------------------------ who may order


@dataclass(frozen=True)
class Principal:
    customer_side: bool
    roles: tuple[str, ...]


PRINCIPALS = {
    GA: Principal(False, (GA,)),
    AA: Principal(False, (AA,)),
    SA: Principal(False, (SA,)),
    HA: Principal(False, (HA,)),
    BA: Principal(False, (BA,)),
    "unknown role": Principal(False, ("ORDER_ADMIN",)),
    "customer admin of the customer": Principal(True, ("CUSTOMER_ADMIN",)),
    "customer side with partner roles": Principal(True, (GA, AA, SA)),
}
MAY_ORDER = {GA, AA, SA}
MAY_NOT_ORDER = [name for name in PRINCIPALS if name not in MAY_ORDER]


async def as_principal(
    gql: GraphQLClient,
    name: str,
    partner: Partner,
    customer: Customer,
    query: str,
    **variables: object,
) -> Result:
    principal = PRINCIPALS[name]
    tenant = customer.tenant_id if principal.customer_side else partner.tenant_id
    return await gql(query, variables, token=gql.token(tenant, *principal.roles))


def order_variables(customer: Customer) -> dict:
    return {"input": {"customerId": customer_id(customer), "offerId": OFFER, "quantity": 1}}


@pytest.mark.parametrize("name", sorted(MAY_ORDER))
async def test_sales_and_admin_roles_may_order(gql: GraphQLClient, name: str) -> None:
    partner, customer = await reselling()

    result = await as_principal(
        gql, name, partner, customer, PLACE_ORDER, **order_variables(customer)
    )

    assert result.ok()["placeOrder"]["userErrors"] == []
    assert await written(partner) == (1, 1)


@pytest.mark.parametrize("name", MAY_NOT_ORDER)
async def test_other_principals_may_not_order_and_nothing_is_written(
    gql: GraphQLClient, name: str
) -> None:
    partner, customer = await reselling()

    result = await as_principal(
        gql, name, partner, customer, PLACE_ORDER, **order_variables(customer)
    )

    assert result.status == 200
    assert result.codes == ["FORBIDDEN"]
    assert (result.data or {}).get("placeOrder") is None
    assert await written(partner) == (0, 0)
    assert not await Order.exists(customer_id=customer.id)


@pytest.mark.parametrize("role", [HA, BA])
async def test_roles_that_may_not_order_may_not_read_orders(gql: GraphQLClient, role: str) -> None:
    partner, customer = await reselling()
    order = await placed(gql, partner, customer)

    listing = await orders_page(gql, partner, customer, role=role)
    node = await gql(ORDER_NODE, {"id": order["id"]}, token=gql.token(partner.tenant_id, role))

    # A restricted field: null there, an error at its path, the rest intact.
    assert listing.status == 200
    assert listing.data == {"customer": {"companyName": "Contoso", "orders": None}}
    assert listing.codes == ["FORBIDDEN"]
    assert listing.errors[0]["path"] == ["customer", "orders"]
    # A root field: FORBIDDEN, no data for it.
    assert node.codes == ["FORBIDDEN"]
    assert (node.data or {}).get("node") is None


# ------------------------------------------------------------------ reading orders


async def test_customer_orders_lists_newest_first_page_by_page(gql: GraphQLClient) -> None:
    world = await two_tier()
    for_reseller = {"indirectResellerId": partner_id(world.reseller)}
    ids = []
    for quantity in range(1, 6):
        extra = for_reseller if quantity % 2 == 0 else {}
        order = await placed(gql, world.provider, world.customer, quantity=quantity, **extra)
        ids.append(order["id"])
    # Orders in neither list: the provider's for another customer, and another partner's
    # for this customer.
    competitor, other_customer = await reselling(PROVIDER)
    await factories.relate(world.provider, other_customer)
    await factories.relate(competitor, world.customer)
    await placed(gql, world.provider, other_customer)
    await placed(gql, competitor, world.customer)
    newest_first = ids[::-1]

    assert await listed_orders(gql, world.provider, world.customer, first=2) == newest_first
    assert await listed_orders(gql, world.provider, world.customer, first=100) == newest_first
    # The reseller sees the orders placed for it, not the provider's own.
    assert await listed_orders(gql, world.reseller, world.customer, first=1) == [
        ids[3],
        ids[1],
    ]


async def test_a_page_of_orders_has_its_fields_and_page_info(gql: GraphQLClient) -> None:
    world = await two_tier()
    mine = await placed(gql, world.provider, world.customer, offerId="OWN-1", quantity=2)
    theirs = await placed(
        gql,
        world.provider,
        world.customer,
        offerId="FOR-RESELLER",
        quantity=9,
        indirectResellerId=partner_id(world.reseller),
    )

    first = (await orders_page(gql, world.provider, world.customer, first=1)).ok()
    rest = (
        await orders_page(
            gql,
            world.provider,
            world.customer,
            first=1,
            after=first["customer"]["orders"]["pageInfo"]["endCursor"],
        )
    ).ok()

    page = first["customer"]["orders"]
    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    [edge] = page["edges"]
    assert edge["cursor"] == page["pageInfo"]["endCursor"]
    assert edge["node"] == {
        "id": theirs["id"],
        "offerId": "FOR-RESELLER",
        "quantity": 9,
        "placedBy": {"id": partner_id(world.provider)},
        "onBehalfOf": {"id": partner_id(world.reseller)},
    }
    page = rest["customer"]["orders"]
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is True
    assert [edge["node"] for edge in page["edges"]] == [
        {
            "id": mine["id"],
            "offerId": "OWN-1",
            "quantity": 2,
            "placedBy": {"id": partner_id(world.provider)},
            "onBehalfOf": None,
        }
    ]


async def test_order_pages_are_stable_when_an_order_is_placed_meanwhile(
    gql: GraphQLClient,
) -> None:
    partner, customer = await reselling()
    ids = [(await placed(gql, partner, customer, quantity=n))["id"] for n in range(1, 5)]

    first = (await orders_page(gql, partner, customer, first=2)).ok()["customer"]["orders"]
    newer = await placed(gql, partner, customer, quantity=99)
    rest = (
        await orders_page(gql, partner, customer, first=2, after=first["pageInfo"]["endCursor"])
    ).ok()["customer"]["orders"]

    assert [edge["node"]["id"] for edge in first["edges"]] == [ids[3], ids[2]]
    assert [edge["node"]["id"] for edge in rest["edges"]] == [ids[1], ids[0]]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["totalCount"] == 5
    assert await listed_orders(gql, partner, customer) == [newer["id"], *ids[::-1]]


def cursor_of(*values: object) -> str:
    raw = json.dumps(list(values)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_PAGES = {
    "first over 100": {"first": 101},
    "negative first": {"first": -1},
    "garbage cursor": {"after": "not a cursor"},
    "empty list cursor": {"after": cursor_of()},
    "cursor with a bad id": {"after": cursor_of("2024-01-01T00:00:00+00:00", "x")},
    # A timestamp without an offset cannot be compared with the orders' timestamps.
    "cursor with a naive timestamp": {
        "after": cursor_of("2024-01-01T00:00:00", "00000000-0000-4000-8000-000000000000")
    },
}


@pytest.mark.parametrize("variables", BAD_PAGES.values(), ids=BAD_PAGES.keys())
async def test_bad_order_page_arguments_are_invalid(
    gql: GraphQLClient, variables: dict[str, object]
) -> None:
    partner, customer = await reselling()
    await placed(gql, partner, customer)

    result = await orders_page(gql, partner, customer, **variables)

    assert result.status == 200
    assert result.codes == ["INVALID"]
    assert result.errors[0]["path"] == ["customer", "orders"]
    assert result.data == {"customer": {"companyName": "Contoso", "orders": None}}


async def test_a_reseller_lists_only_the_orders_placed_for_it(gql: GraphQLClient) -> None:
    world = await two_tier()
    other_provider = await factories.partner(PROVIDER, "Other provider")
    await factories.link(other_provider, world.reseller)
    await factories.relate(other_provider, world.customer)
    sibling = await factories.partner(INDIRECT, "Sibling reseller")
    await factories.link(world.provider, sibling)
    await factories.relate(sibling, world.customer, indirect_provider=world.provider)
    for_reseller = await placed(
        gql, world.provider, world.customer, indirectResellerId=partner_id(world.reseller)
    )
    by_other = await placed(
        gql, other_provider, world.customer, indirectResellerId=partner_id(world.reseller)
    )
    for_sibling = await placed(
        gql, world.provider, world.customer, indirectResellerId=partner_id(sibling)
    )
    await placed(gql, world.provider, world.customer)

    assert await listed_orders(gql, world.reseller, world.customer) == [
        by_other["id"],
        for_reseller["id"],
    ]
    assert await listed_orders(gql, sibling, world.customer) == [for_sibling["id"]]
    assert await listed_orders(gql, other_provider, world.customer) == [by_other["id"]]
    assert len(await listed_orders(gql, world.provider, world.customer)) == 3


@dataclass(frozen=True)
class Viewer:
    pick: Callable[["OrderWorld"], Partner]
    sees: bool


@dataclass
class OrderWorld:
    two_tier: TwoTier
    sibling: Partner
    competitor: Partner
    stranger: Partner


VIEWERS = {
    "the placing provider": Viewer(lambda world: world.two_tier.provider, True),
    "the reseller it was placed for": Viewer(lambda world: world.two_tier.reseller, True),
    "another reseller of the provider": Viewer(lambda world: world.sibling, False),
    "another partner reselling to the customer": Viewer(lambda world: world.competitor, False),
    "an unrelated partner": Viewer(lambda world: world.stranger, False),
}


@pytest.mark.parametrize("viewer", VIEWERS.values(), ids=VIEWERS.keys())
async def test_an_order_node_is_seen_by_its_provider_and_reseller_only(
    gql: GraphQLClient, viewer: Viewer
) -> None:
    tiers = await two_tier()
    sibling = await factories.partner(INDIRECT, "Sibling")
    await factories.link(tiers.provider, sibling)
    await factories.relate(sibling, tiers.customer, indirect_provider=tiers.provider)
    competitor = await factories.partner(DIRECT, "Competitor")
    await factories.relate(competitor, tiers.customer)
    world = OrderWorld(tiers, sibling, competitor, await factories.partner(DIRECT, "Stranger"))
    order = await placed(
        gql,
        tiers.provider,
        tiers.customer,
        quantity=4,
        indirectResellerId=partner_id(tiers.reseller),
    )
    partner = viewer.pick(world)

    result = await gql(ORDER_NODE, {"id": order["id"]}, token=gql.token(partner.tenant_id, SA))

    expected = {
        "id": order["id"],
        "offerId": OFFER,
        "quantity": 4,
        "placedBy": {"id": partner_id(tiers.provider)},
        "onBehalfOf": {"id": partner_id(tiers.reseller)},
        "customer": {"id": customer_id(tiers.customer)},
    }
    assert result.ok()["node"] == (expected if viewer.sees else None)


async def test_an_unknown_order_id_is_null(gql: GraphQLClient) -> None:
    partner, _ = await reselling()

    result = await gql(ORDER_NODE, {"id": unknown("Order")}, token=gql.token(partner.tenant_id, GA))

    assert result.ok()["node"] is None
