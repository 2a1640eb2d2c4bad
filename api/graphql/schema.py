"""The GraphQL schema, assembled from the domains' root fields."""

from collections.abc import Awaitable
from typing import Any, TypeGuard

import strawberry
from graphql import GraphQLError
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import MaxTokensLimiter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from tortoise.models import Model

from api.graphql.audit.queries import AuditQueries
from api.graphql.customers.queries import CustomerQueries
from api.graphql.customers.sync import CustomerSyncMutations, CustomerSyncQueries
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
from api.graphql.webhooks.mutations import WebhookMutations
from api.graphql.webhooks.queries import WebhookQueries

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
        WebhookQueries,
        CustomerSyncQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        InvitationMutations,
        RemovalMutations,
        OrderMutations,
        WebhookMutations,
        CustomerSyncMutations,
    ),
)
Subscription = merge_types("Subscription", (InvitationSubscriptions, RelationshipSubscriptions))


class PartnerConnectSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors (forbidden, invalid input, limits) are answers, not incidents.
        log_unexpected_errors(errors)


def _is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    return not isinstance(value, Model) and optimized_is_awaitable(value)


class RowsAreValues(StrawberryGraphQLCoreExecutionContext):
    """Tortoise rows define `__await__` (awaiting one gives it back), so graphql-core
    would take every row a resolver returns for pending work and complete it, and all
    below it, asynchronously: a coroutine and a gather per row. A row is a value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = _is_awaitable


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
    execution_context_class=RowsAreValues,
)
