"""The GraphQL schema, assembled from the domains' root fields."""

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api.audit.schema import AuditQueries
from api.customers.schema import CustomerQueries
from api.errors import MaskUnexpectedErrors, log_unexpected_errors
from api.graphql.limits import DocumentLimits
from api.invitations.mutations import InvitationMutations
from api.invitations.schema import InvitationQueries
from api.invitations.subscriptions import InvitationSubscriptions
from api.node import NodeQueries
from api.orders.schema import OrderMutations
from api.partners.schema import PartnerQueries
from api.removals.schema import RemovalMutations, RemovalQueries
from api.removals.subscriptions import RelationshipSubscriptions

MAX_TOKENS = 2000

Query = merge_types(
    "Query",
    (
        NodeQueries,
        PartnerQueries,
        CustomerQueries,
        InvitationQueries,
        RemovalQueries,
        AuditQueries,
    ),
)
Mutation = merge_types("Mutation", (InvitationMutations, RemovalMutations, OrderMutations))
Subscription = merge_types("Subscription", (InvitationSubscriptions, RelationshipSubscriptions))


class PartnerConnectSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors (forbidden, invalid input, limits) are answers, not incidents.
        log_unexpected_errors(errors)


# Factories: strawberry builds fresh extensions for each operation.
EXTENSIONS: list[Any] = [
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    DocumentLimits,
    MaskUnexpectedErrors,
]

schema = PartnerConnectSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=EXTENSIONS,
)
