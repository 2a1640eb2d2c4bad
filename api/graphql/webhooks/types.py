from datetime import datetime
from typing import Any, ClassVar

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from api.graphql.node import ScopedNode
from api.partners.models import Partner
from api.permissions import Capability
from api.webhooks import models
from api.webhooks.subscriptions import deliveries_of, subscriptions_of

WebhookEventType = models.WebhookEventType
WebhookDeliveryStatus = models.WebhookDeliveryStatus
strawberry.enum(
    models.WebhookEventType,
    description="What a webhook tells of. Its value on the wire (the payload's `type`) is "
    "the name Partner Center gives the same event where it has one, such as "
    "reseller-relationship-accepted-by-customer.",
)
strawberry.enum(models.WebhookDeliveryStatus)

Subscription = strawberry.Parent[models.WebhookSubscription]
Delivery = strawberry.Parent[models.WebhookDelivery]


def _events(row: Subscription) -> list[models.WebhookEventType]:
    return [models.WebhookEventType(event) for event in row.events]


@strawberry.type(name="WebhookSubscription")
class WebhookSubscriptionNode(ScopedNode):
    row_type = models.WebhookSubscription
    node_capability: ClassVar[Capability] = Capability.MANAGE_WEBHOOKS
    id: relay.NodeID[str]
    url: str
    events: list[WebhookEventType] = strawberry.field(resolver=_events)
    description: str | None
    enabled: bool = strawberry.field(
        description="False once turned off, or disabled after deliveries kept failing."
    )
    disabled_reason: str | None
    consecutive_failures: int = strawberry.field(
        description="Deliveries in a row that failed after their last retry."
    )
    created_by: str
    created_at: datetime

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return subscriptions_of(partner)


def _webhook_id(row: Delivery) -> str:
    return str(row.id)


@strawberry.type(name="WebhookDelivery")
class WebhookDeliveryNode(ScopedNode):
    row_type = models.WebhookDelivery
    node_capability: ClassVar[Capability] = Capability.MANAGE_WEBHOOKS
    id: relay.NodeID[str]
    webhook_id: str = strawberry.field(
        resolver=_webhook_id,
        description="The webhook-id header of every attempt: a receiver seeing it twice "
        "has seen the same event.",
    )
    event_type: WebhookEventType
    status: WebhookDeliveryStatus
    attempts: int
    response_status: int | None = strawberry.field(
        description="The HTTP status the endpoint last answered with."
    )
    last_error: str | None
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next retry is due; null once delivered or given up."
    )
    created_at: datetime
    delivered_at: datetime | None

    @strawberry.field
    def subscription(self, row: Delivery) -> WebhookSubscriptionNode:
        # Loaded with the delivery (`visible`, and the list's query).
        return WebhookSubscriptionNode.of(row.subscription)

    @classmethod
    def visible(cls, partner: Partner) -> QuerySet[Any]:
        return deliveries_of(partner).select_related("subscription")
