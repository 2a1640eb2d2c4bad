"""Orders, accepted only where the reseller relationships exist (DESIGN.md §6)."""

import re
from uuid import UUID

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api import validation
from api.audit import service as audit
from api.audit.models import AuditAction
from api.context import Context
from api.customers.models import Customer, Relationship, RelationshipType
from api.customers.service import lock_reseller_relationship
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError
from api.orders.models import Order
from api.pagination import Ordering, newest_first
from api.partners.models import Partner, PartnerKind
from api.partners.service import are_linked

MAX_QUANTITY = 10_000
_OFFER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:/._-]*$")

NEWEST_FIRST: Ordering[Order] = newest_first("created_at")


def visible_orders(partner: Partner) -> QuerySet[Order]:
    """Orders the partner placed, and two-tier orders placed for it."""
    return Order.filter(Q(placed_by_id=partner.id) | Q(on_behalf_of_id=partner.id))


def _no_relationship(message: str, field: list[str] | None = None) -> UserInputError:
    return UserInputError(UserErrorCode.NO_RESELLER_RELATIONSHIP, message, field)


async def _holds_reseller_relationship(partner_id: UUID, customer_id: UUID) -> bool:
    row = (
        await Relationship.filter(
            partner_id=partner_id, customer_id=customer_id, type=RelationshipType.RESELLER
        )
        .select_for_update()
        .first()
    )
    return row is not None


async def place(
    context: Context,
    *,
    customer_id: str,
    offer_id: str,
    quantity: int,
    indirect_reseller_id: str | None,
) -> Order:
    services, partner, principal = context.services, context.viewer_partner, context.viewer
    offer = validation.text(offer_id, ["offerId"], max_length=100)
    if not _OFFER_ID.match(offer):
        raise validation.invalid(["offerId"], "offerId is not an offer id.")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise validation.invalid(["quantity"], f"quantity must be between 1 and {MAX_QUANTITY}.")
    if partner.kind is PartnerKind.INDIRECT_RESELLER:
        raise _no_relationship(
            "An indirect reseller does not submit orders: its indirect provider places them "
            "on its behalf."
        )
    customer_pk = validation.node_id(customer_id, "Customer", ["customerId"])
    reseller = None
    if indirect_reseller_id is not None:
        field = ["indirectResellerId"]
        if partner.kind is not PartnerKind.INDIRECT_PROVIDER:
            raise validation.invalid(field, "Only an indirect provider orders for a reseller.")
        reseller_pk = validation.node_id(indirect_reseller_id, "Partner", field)
        reseller = await Partner.get_or_none(id=reseller_pk) if reseller_pk else None
        if reseller is None or not await are_linked(partner.id, reseller.id):
            raise _no_relationship("This indirect reseller is not linked to you.", field)

    async with atomic(services.redis, services.settings):
        relationship = await lock_reseller_relationship(
            partner,
            customer_pk,
            none_message="You have no reseller relationship with this customer.",
        )
        if reseller is not None and not await _holds_reseller_relationship(
            reseller.id, relationship.customer_id
        ):
            raise _no_relationship(
                "The indirect reseller has no reseller relationship with this customer.",
                ["indirectResellerId"],
            )
        customer = await Customer.get(id=relationship.customer_id)
        order = await Order.create(
            placed_by_id=partner.id,
            on_behalf_of_id=reseller.id if reseller else None,
            customer_id=relationship.customer_id,
            offer_id=offer,
            quantity=quantity,
            created_by=principal.user_id,
        )
        for partner_id in {partner.id, reseller.id if reseller else partner.id}:
            await audit.record(
                partner_id=partner_id,
                action=AuditAction.ORDER_PLACED,
                actor_user_id=principal.user_id,
                actor_tenant_id=principal.tenant_id,
                customer_tenant_id=customer.tenant_id,
                details={
                    "orderId": str(order.id),
                    "offerId": offer,
                    "quantity": quantity,
                    "placedBy": str(partner.id),
                    "onBehalfOf": str(reseller.id) if reseller else None,
                },
            )
    return order
