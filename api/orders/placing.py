"""Placing an order, accepted only where the reseller relationships exist
(docs/behaviour.md, "Orders")."""

import re
from dataclasses import dataclass
from uuid import UUID

from api import validation
from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.customers.models import Customer
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError, invalid
from api.orders.models import Order
from api.partners.models import Partner, PartnerKind
from api.relationships import reseller as reseller_relationships

MAX_QUANTITY = 10_000
_OFFER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:/._-]*$")


@dataclass(frozen=True)
class OrderRequest:
    customer_id: UUID
    offer_id: str
    quantity: int
    # Indirect providers only: the indirect reseller the order is placed for.
    indirect_reseller_id: UUID | None = None


def _no_relationship(message: str, field: list[str] | None = None) -> UserInputError:
    return UserInputError(UserErrorCode.NO_RESELLER_RELATIONSHIP, message, field)


async def place(actor: Actor, request: OrderRequest) -> Order:
    partner = actor.acting_partner
    offer = validation.text(request.offer_id, ["offer_id"], max_length=100)
    if not _OFFER_ID.match(offer):
        raise invalid(["offer_id"], "This is not a valid offer.")
    if not 1 <= request.quantity <= MAX_QUANTITY:
        raise invalid(["quantity"], f"The quantity must be between 1 and {MAX_QUANTITY}.")
    if partner.kind is PartnerKind.INDIRECT_RESELLER:
        raise _no_relationship(
            "An indirect reseller does not submit orders: its indirect provider places them "
            "on its behalf."
        )
    reseller = await _linked_reseller(partner, request.indirect_reseller_id)

    async with atomic():
        relationship = await reseller_relationships.lock_reseller(
            partner,
            request.customer_id,
            none_message="You have no reseller relationship with this customer.",
        )
        if reseller is not None and not await reseller_relationships.holds_reseller(
            reseller.id, relationship.customer_id
        ):
            raise _no_relationship(
                "The indirect reseller has no reseller relationship with this customer.",
                ["indirect_reseller_id"],
            )
        customer = await Customer.get(id=relationship.customer_id)
        order = await Order.create(
            placed_by_id=partner.id,
            on_behalf_of_id=reseller.id if reseller else None,
            customer_id=relationship.customer_id,
            offer_id=offer,
            quantity=request.quantity,
            created_by=actor.user_id,
        )
        for partner_id in {partner.id, reseller.id if reseller else partner.id}:
            await audit.record(
                actor,
                partner_id=partner_id,
                action=AuditAction.ORDER_PLACED,
                customer_tenant_id=customer.tenant_id,
                details={
                    "orderId": str(order.id),
                    "offerId": offer,
                    "quantity": request.quantity,
                    "placedBy": str(partner.id),
                    "onBehalfOf": str(reseller.id) if reseller else None,
                },
            )
    return order


async def _linked_reseller(provider: Partner, reseller_id: UUID | None) -> Partner | None:
    if reseller_id is None:
        return None
    field = ["indirect_reseller_id"]
    if provider.kind is not PartnerKind.INDIRECT_PROVIDER:
        raise invalid(field, "Only an indirect provider orders for a reseller.")
    # One lookup whether or not a partner has that id: another partner's reseller must
    # answer exactly like an unknown id, in content and in time.
    reseller = await Partner.get_or_none(id=reseller_id, provider_links__provider_id=provider.id)
    if reseller is None:
        raise _no_relationship("This indirect reseller is not linked to you.", field)
    return reseller
