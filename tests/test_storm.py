"""A storm: acceptances, removals, orders, requests and sends on the same few
customers, all at once; then every invariant of the design is checked.

Invariants: no request fails with a 5xx or an internal error; each invitation is
accepted at most once; a partner has one relationship record per customer and at
most one ACTIVE DAP grant; every order was placed while a reseller relationship held
(its audit entry says so, one per order); every removal, acceptance and order has
exactly its audit entries; after the worker has run, no outbox row is left open and
no removal is left PENDING.
"""

import asyncio
import random
from collections import Counter
from typing import Any

from api.audit.models import AuditAction, AuditEvent
from api.customers.models import Customer
from api.db.outbox import OutboxJob
from api.invitations.models import Invitation, InvitationStatus
from api.orders.models import Order
from api.partners.models import Partner
from api.permissions import Role
from api.relationships.models import (
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    Relationship,
    RelationshipType,
)
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.settings import Settings
from tests.support import factories
from tests.support.documents import (
    ACCEPT,
    PLACE_ORDER,
    REMOVE_WITHOUT_GDAP,
    REQUEST,
    SEND,
    customer_id,
    token_of,
)
from tests.support.graphql import GraphQLClient, Result
from tests.support.jobs import drain

GA = Role.GLOBAL_ADMIN
ROUNDS = 3
CUSTOMERS = 3


async def storm_round(
    gql: GraphQLClient, partner: Partner, rng: random.Random, number: int
) -> tuple[list[Customer], list[Result]]:
    """Customers the partner knows get invitations; then, at once: each accepted
    twice, marked sent, ordered for and removed."""
    admin = gql.token(partner.tenant_id, GA)
    customers = [await factories.customer(f"Storm {number}.{n}") for n in range(CUSTOMERS)]
    for customer in customers:
        await factories.relate(partner, customer, RelationshipType.NONE)
    invitations = []
    for customer in customers:
        result = await gql(REQUEST, {"input": {"customerId": customer_id(customer)}}, token=admin)
        invitation = result.ok()["requestResellerRelationship"]["invitation"]
        if invitation is not None:  # refused (CONFLICT) while the customer is resold
            invitations.append((customer, invitation))

    def accept(customer: Customer, invitation: dict[str, Any]) -> Any:
        token = gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN)
        return gql(ACCEPT, {"input": {"token": token_of(invitation["url"])}}, token=token)

    operations = []
    for customer, invitation in invitations:
        operations += [accept(customer, invitation), accept(customer, invitation)]
        operations.append(
            gql(
                SEND,
                {"input": {"invitationId": invitation["id"], "delivery": "MANUAL"}},
                token=admin,
            )
        )
    for customer in customers:
        operations.append(
            gql(
                PLACE_ORDER,
                {
                    "input": {
                        "customerId": customer_id(customer),
                        "offerId": "CFQ7TTC0LH18:0001",
                        "quantity": 1,
                    }
                },
                token=admin,
            )
        )
        operations.append(
            gql(
                REMOVE_WITHOUT_GDAP,
                {"input": {"customerId": customer_id(customer), "attestationAccepted": True}},
                token=admin,
            )
        )
    rng.shuffle(operations)
    return customers, list(await asyncio.gather(*operations))


async def test_a_storm_leaves_every_invariant_intact(
    gql: GraphQLClient, settings: Settings
) -> None:
    rng = random.Random(20261202)  # the same interleaving of requests every run
    partner = await factories.partner()
    customers: list[Customer] = []
    results: list[Result] = []
    for number in range(ROUNDS):
        touched, answers = await storm_round(gql, partner, rng, number)
        customers += touched
        results += answers
        await drain(settings)

    assert all(result.status == 200 for result in results)
    assert not [e for r in results for e in r.errors], "no GraphQL errors at all"
    codes = Counter(
        error["code"]
        for result in results
        for payload in result.data.values()
        for error in payload["userErrors"]
    )
    assert set(codes) <= {
        "INVITATION_CLOSED", "NOT_FOUND", "NO_RESELLER_RELATIONSHIP", "CONFLICT",
    }, codes  # fmt: skip

    ids = [customer.id for customer in customers]
    accepted = await Invitation.filter(partner_id=partner.id, status=InvitationStatus.ACCEPTED)
    accepts = Counter(
        result.data["acceptInvitation"]["customerTenantId"]
        for result in results
        if "acceptInvitation" in result.data and not result.data["acceptInvitation"]["userErrors"]
    )
    assert sum(accepts.values()) == len(accepted)  # each accepted once, by one of the two
    for customer_pk in ids:
        assert (
            await Relationship.filter(partner_id=partner.id, customer_id=customer_pk).count() <= 1
        )
        active = DelegatedAdminGrant.filter(
            partner_id=partner.id, customer_id=customer_pk, status=DelegatedAdminStatus.ACTIVE
        )
        assert await active.count() <= 1
    orders = await Order.filter(placed_by_id=partner.id).count()
    removals = await RelationshipRemoval.filter(partner_id=partner.id).count()
    log = Counter(await AuditEvent.filter(partner_id=partner.id).values_list("action", flat=True))
    assert log[AuditAction.ORDER_PLACED] == orders
    assert log[AuditAction.RELATIONSHIP_REMOVED] == removals
    assert log[AuditAction.INVITATION_ACCEPTED] == len(accepted)
    assert accepted, "every invitation is accepted by one of its two clicks, whatever else won"
    assert not await RelationshipRemoval.filter(
        partner_id=partner.id, status=RemovalStatus.PENDING
    ).exists()
    open_rows = await OutboxJob.filter(completed_at=None).values_list("function", "kwargs")
    ours = {str(r.id) for r in await RelationshipRemoval.filter(partner_id=partner.id)}
    assert not [row for row in open_rows if row[1].get("removal_id") in ours]
