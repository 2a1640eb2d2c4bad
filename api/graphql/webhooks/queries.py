import strawberry

from api.errors import UserInputError
from api.graphql import ids
from api.graphql.context import Info
from api.graphql.errors import as_graphql_error
from api.graphql.pagination import Connection, paginate
from api.graphql.permissions import guard
from api.graphql.webhooks.types import (
    WebhookDeliveryNode,
    WebhookDeliveryStatus,
    WebhookSubscriptionNode,
)
from api.permissions import Capability
from api.webhooks.subscriptions import DELIVERIES_NEWEST_FIRST, NEWEST_FIRST, subscriptions_of
from api.webhooks.subscriptions import deliveries_of as partner_deliveries


@strawberry.type
class WebhookQueries:
    @strawberry.field(**guard(Capability.MANAGE_WEBHOOKS))
    async def webhook_subscriptions(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[WebhookSubscriptionNode]:
        return await paginate(
            subscriptions_of(info.context.viewer_partner),
            NEWEST_FIRST,
            first=50 if first is None else first,
            after=after,
            to_node=WebhookSubscriptionNode.of,
        )

    @strawberry.field(
        **guard(
            Capability.MANAGE_WEBHOOKS,
            "Deliveries of webhooks, newest first: of one subscription, or of all. {roles}.",
        )
    )
    async def webhook_deliveries(
        self,
        info: Info,
        subscription_id: strawberry.ID | None = None,
        status: WebhookDeliveryStatus | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[WebhookDeliveryNode]:
        try:
            subscription = ids.decode_optional(
                subscription_id, "WebhookSubscription", ["subscription_id"]
            )
        except UserInputError as error:
            raise as_graphql_error(error) from error
        return await paginate(
            partner_deliveries(info.context.viewer_partner, subscription, status).select_related(
                "subscription"
            ),
            DELIVERIES_NEWEST_FIRST,
            first=50 if first is None else first,
            after=after,
            to_node=WebhookDeliveryNode.of,
        )
