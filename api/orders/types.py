from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar, Self
from uuid import UUID

import strawberry
from strawberry import relay

from api.context import Info
from api.customers import loaders as customer_loaders
from api.customers.types import CustomerNode
from api.orders import models, service
from api.partners.types import PartnerNode, load_partner
from api.permissions import Capability


@strawberry.type(name="Order")
class OrderNode(relay.Node):
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
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = [UUID(node_id) for node_id in node_ids]
        rows = await service.visible_orders(info.context.viewer_partner).filter(id__in=ids)
        found = {row.id: row for row in rows}
        return [cls.from_row(found[key]) if key in found else None for key in ids]

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
