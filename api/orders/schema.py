import strawberry

from api.context import Info
from api.errors import UserError
from api.mutations import respond
from api.orders import service
from api.orders.types import OrderNode
from api.permissions import Capability, requires


@strawberry.input
class PlaceOrderInput:
    customer_id: strawberry.ID
    offer_id: str
    quantity: int
    indirect_reseller_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Indirect provider only: the indirect reseller the order is placed for.",
    )


@strawberry.type
class PlaceOrderPayload:
    order: OrderNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="GLOBAL_ADMIN, ADMIN_AGENT, SALES_AGENT.",
        extensions=[requires(Capability.PLACE_ORDERS)],
    )
    async def place_order(self, info: Info, input: PlaceOrderInput) -> PlaceOrderPayload:
        async def run() -> PlaceOrderPayload:
            order = await service.place(
                info.context,
                customer_id=input.customer_id,
                offer_id=input.offer_id,
                quantity=input.quantity,
                indirect_reseller_id=input.indirect_reseller_id,
            )
            return PlaceOrderPayload(order=OrderNode.from_row(order))

        return await respond(info, PlaceOrderPayload, run)
