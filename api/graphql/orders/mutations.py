import strawberry

from api.graphql import ids
from api.graphql.context import Info
from api.graphql.errors import UserError
from api.graphql.mutations import mutation
from api.graphql.orders.types import OrderNode
from api.orders.placing import OrderRequest, place
from api.permissions import Capability


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
    @mutation(Capability.PLACE_ORDERS)
    async def place_order(self, info: Info, input: PlaceOrderInput) -> PlaceOrderPayload:
        request = OrderRequest(
            customer_id=ids.decode(input.customer_id, "Customer", ["customer_id"]),
            offer_id=input.offer_id,
            quantity=input.quantity,
            indirect_reseller_id=ids.decode_optional(
                input.indirect_reseller_id, "Partner", ["indirect_reseller_id"]
            ),
        )
        order = await place(info.context.viewer, request)
        return PlaceOrderPayload(order=OrderNode.of(order))
