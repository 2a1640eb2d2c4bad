from datetime import datetime
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.context import Info
from api.customers import loaders as customer_loaders
from api.customers.types import CustomerNode
from api.node import ScopedNode
from api.orders import models, service
from api.partners.models import Partner
from api.partners.types import PartnerNode, load_partner
from api.permissions import Capability


@strawberry.type(name="Order")
class OrderNode(ScopedNode):
    node_capability: ClassVar[Capability] = Capability.PLACE_ORDERS
    id: relay.NodeID[str]
    offer_id: str
    quantity: int
    created_at: datetime
    _row: strawberry.Private[models.Order]

    @classmethod
    def from_row(cls, row: models.Order) -> Self:
        return cls(
            id=str(row.id),
            offer_id=row.offer_id,
            quantity=row.quantity,
            created_at=row.created_at,
            _row=row,
        )

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return service.visible_orders(partner)

    @strawberry.field
    async def customer(self, info: Info) -> CustomerNode | None:
        relationship = await info.context.loader(customer_loaders.relationships).load(
            (info.context.viewer_partner.id, self._row.customer_id)
        )
        return CustomerNode.from_row(relationship) if relationship else None

    @strawberry.field(
        description="The partner that submitted the order (the indirect provider for a "
        "two-tier order)."
    )
    async def placed_by(self, info: Info) -> PartnerNode:
        partner = await load_partner(info, self._row.placed_by_id)
        assert partner is not None, "orders.placed_by is a non-null foreign key"
        return partner

    @strawberry.field(description="The indirect reseller a two-tier order was placed for.")
    async def on_behalf_of(self, info: Info) -> PartnerNode | None:
        return await load_partner(info, self._row.on_behalf_of_id)
