import strawberry

from api import validation
from api.context import Info
from api.customers import service
from api.customers.types import CustomerNode
from api.errors import UserInputError, as_graphql_error
from api.node import resolve_node
from api.pagination import Connection, paginate
from api.permissions import Capability, requires


@strawberry.type
class CustomerQueries:
    @strawberry.field(
        description="Customers the viewer's partner has a relationship with. GLOBAL_ADMIN, "
        "ADMIN_AGENT, SALES_AGENT, HELPDESK_AGENT, BILLING_ADMIN.",
        extensions=[requires(Capability.VIEW_CUSTOMERS)],
    )
    async def customers(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        search: str | None = None,
    ) -> Connection[CustomerNode]:
        try:
            term = validation.optional_text(
                search, ["search"], max_length=service.MAX_SEARCH_LENGTH
            )
        except UserInputError as error:
            raise as_graphql_error(error) from error
        return await paginate(
            service.search_customers(info.context.viewer_partner, term),
            service.CUSTOMER_ORDER,
            first=50 if first is None else first,
            after=after,
            to_node=CustomerNode.from_row,
        )

    @strawberry.field(extensions=[requires(Capability.VIEW_CUSTOMERS)])
    async def customer(self, info: Info, id: strawberry.ID) -> CustomerNode | None:
        return await resolve_node(info, CustomerNode, id)
