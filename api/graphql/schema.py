"""The GraphQL schema, assembled from the domains' root fields."""

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api.graphql.audit.queries import AuditQueries
from api.graphql.customers.queries import CustomerQueries
from api.graphql.documents import DocumentChecks
from api.graphql.errors import MaskUnexpectedErrors, log_unexpected_errors
from api.graphql.exposure import IntrospectionSwitch
from api.graphql.invitations.mutations import InvitationMutations
from api.graphql.invitations.queries import InvitationQueries
from api.graphql.invitations.subscriptions import InvitationSubscriptions
from api.graphql.node import NodeQueries
from api.graphql.orders.mutations import OrderMutations
from api.graphql.partners.queries import PartnerQueries
from api.graphql.removals.mutations import RemovalMutations
from api.graphql.removals.queries import RemovalQueries
from api.graphql.removals.subscriptions import RelationshipSubscriptions

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
    DocumentChecks,
    IntrospectionSwitch,
    MaskUnexpectedErrors,
]

schema = PartnerConnectSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=EXTENSIONS,
)
