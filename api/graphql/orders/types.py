from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.graphql.context import Info
from api.graphql.customers import loaders as customer_loaders
from api.graphql.customers.types import CustomerNode
from api.graphql.node import ScopedNode
from api.graphql.partners.types import PartnerNode, load_partner
from api.orders import models
from api.orders.queries import visible_orders
from api.partners.models import Partner
from api.permissions import Capability

Order = strawberry.Parent[models.Order]


@strawberry.type(name="Order")
class OrderNode(ScopedNode):
    row_type = models.Order
    node_capability: ClassVar[Capability] = Capability.PLACE_ORDERS
    id: relay.NodeID[str]
    offer_id: str
    quantity: int
    created_at: datetime

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return visible_orders(partner)

    @strawberry.field
    async def customer(self, info: Info, row: Order) -> CustomerNode | None:
        relationship = await info.context.loader(customer_loaders.relationships).load(
            (info.context.viewer_partner.id, row.customer_id)
        )
        return CustomerNode.of(relationship) if relationship else None

    @strawberry.field(
        description="The partner that submitted the order (the indirect provider for a "
        "two-tier order)."
    )
    async def placed_by(self, info: Info, row: Order) -> PartnerNode:
        partner = await load_partner(info, row.placed_by_id)
        assert partner is not None, "orders.placed_by is a non-null foreign key"
        return partner

    @strawberry.field(description="The indirect reseller a two-tier order was placed for.")
    async def on_behalf_of(self, info: Info, row: Order) -> PartnerNode | None:
        return await load_partner(info, row.on_behalf_of_id)
