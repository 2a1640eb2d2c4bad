"""Webhook subscription mutations: the signing secret is in the answer of the two
that make one (creation and rotation), and nowhere else, ever."""

from uuid import UUID

import strawberry

from api.graphql import ids
from api.graphql.context import Info
from api.graphql.errors import UserError
from api.graphql.mutations import mutation
from api.graphql.webhooks.types import WebhookEventType, WebhookSubscriptionNode
from api.permissions import Capability
from api.webhooks import subscriptions

SECRET = (
    "The signing secret (Standard Webhooks, whsec_…): shown only in this answer. Keep it to "
    "verify the webhook-signature header."
)


@strawberry.input
class CreateWebhookSubscriptionInput:
    url: str = strawberry.field(description="An https endpoint of the partner's own systems.")
    events: list[WebhookEventType]
    description: str | None = None


@strawberry.type
class CreateWebhookSubscriptionPayload:
    subscription: WebhookSubscriptionNode | None = None
    secret: str | None = strawberry.field(default=None, description=SECRET)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateWebhookSubscriptionInput:
    id: strawberry.ID
    url: str | None = None
    events: list[WebhookEventType] | None = None
    description: str | None = strawberry.field(
        default=None, description="An empty text removes the description."
    )
    enabled: bool | None = strawberry.field(
        default=None,
        description="False turns the subscription off; true turns it on again, also after "
        "it was disabled for failing.",
    )


@strawberry.type
class UpdateWebhookSubscriptionPayload:
    subscription: WebhookSubscriptionNode | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class WebhookSubscriptionIdInput:
    id: strawberry.ID


@strawberry.type
class DeleteWebhookSubscriptionPayload:
    deleted_subscription_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RotateWebhookSecretPayload:
    subscription: WebhookSubscriptionNode | None = None
    secret: str | None = strawberry.field(
        default=None,
        description=SECRET + " The previous secret keeps signing beside it for 24 hours.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _id(value: strawberry.ID) -> UUID:
    return ids.decode(value, "WebhookSubscription", ["id"])


@strawberry.type
class WebhookMutations:
    @mutation(
        Capability.MANAGE_WEBHOOKS,
        description="Subscribe an endpoint of the partner's own systems to events. {roles}.",
    )
    async def create_webhook_subscription(
        self, info: Info, input: CreateWebhookSubscriptionInput
    ) -> CreateWebhookSubscriptionPayload:
        subscription, secret = await subscriptions.create(
            info.context.viewer,
            subscriptions.Endpoint(
                url=input.url, events=list(input.events), description=input.description
            ),
            settings=info.context.services.settings,
        )
        return CreateWebhookSubscriptionPayload(
            subscription=WebhookSubscriptionNode.of(subscription), secret=secret
        )

    @mutation(
        Capability.MANAGE_WEBHOOKS,
        description="Change a subscription's endpoint, events or description, or turn it "
        "off or on. {roles}.",
    )
    async def update_webhook_subscription(
        self, info: Info, input: UpdateWebhookSubscriptionInput
    ) -> UpdateWebhookSubscriptionPayload:
        subscription = await subscriptions.update(
            info.context.viewer,
            _id(input.id),
            subscriptions.Changes(
                url=input.url,
                events=None if input.events is None else list(input.events),
                description=input.description,
                enabled=input.enabled,
            ),
            settings=info.context.services.settings,
        )
        return UpdateWebhookSubscriptionPayload(
            subscription=WebhookSubscriptionNode.of(subscription)
        )

    @mutation(
        Capability.MANAGE_WEBHOOKS,
        description="Delete a subscription; its deliveries not yet made are not made. {roles}.",
    )
    async def delete_webhook_subscription(
        self, info: Info, input: WebhookSubscriptionIdInput
    ) -> DeleteWebhookSubscriptionPayload:
        await subscriptions.delete(info.context.viewer, _id(input.id))
        return DeleteWebhookSubscriptionPayload(deleted_subscription_id=input.id)

    @mutation(
        Capability.MANAGE_WEBHOOKS,
        description="A new signing secret for a subscription. {roles}.",
    )
    async def rotate_webhook_secret(
        self, info: Info, input: WebhookSubscriptionIdInput
    ) -> RotateWebhookSecretPayload:
        subscription, secret = await subscriptions.rotate_secret(info.context.viewer, _id(input.id))
        return RotateWebhookSecretPayload(
            subscription=WebhookSubscriptionNode.of(subscription), secret=secret
        )
