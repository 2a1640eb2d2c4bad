from typing import Annotated

import strawberry

from api import validation
from api.errors import UserInputError
from api.graphql.context import Info
from api.graphql.customers.types import CustomerNode, RelationshipToPartner, load_page
from api.graphql.errors import as_graphql_error
from api.graphql.node import resolve_node
from api.graphql.pagination import Connection, paginate
from api.graphql.permissions import guard
from api.permissions import Capability
from api.relationships.customer_list import CUSTOMER_ORDER, MAX_SEARCH_LENGTH, search_customers


@strawberry.type
class CustomerQueries:
    @strawberry.field(
        **guard(
            Capability.VIEW_CUSTOMERS,
            "Customers the viewer's partner has a relationship with. {roles}.",
        )
    )
    async def customers(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        search: str | None = None,
        relationship: Annotated[
            RelationshipToPartner | None,
            strawberry.argument(
                description="Only customers with this relationship to the viewer's partner."
            ),
        ] = None,
    ) -> Connection[CustomerNode]:
        try:
            term = validation.optional_text(search, ["search"], max_length=MAX_SEARCH_LENGTH)
        except UserInputError as error:
            raise as_graphql_error(error) from error
        connection = await paginate(
            search_customers(info.context.viewer_partner, term, relationship),
            CUSTOMER_ORDER,
            first=50 if first is None else first,
            after=after,
            to_node=CustomerNode.of,
        )
        await load_page(info, [edge.node for edge in connection.edges])
        return connection

    @strawberry.field(**guard(Capability.VIEW_CUSTOMERS, None))
    async def customer(self, info: Info, id: strawberry.ID) -> CustomerNode | None:
        return await resolve_node(info, CustomerNode, id)
