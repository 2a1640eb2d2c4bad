"""Webhook subscriptions: a partner's endpoints, the events each wants, and the
secret each is signed with (shown once, when it is made)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from tortoise.queryset import QuerySet

from api import validation
from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.db.keyset import Ordering, newest_first
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError, invalid, not_found
from api.integrations import webhooks as endpoint
from api.partners.models import Partner
from api.settings import Settings
from api.webhooks.models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEventType,
    WebhookSubscription,
)

MAX_SUBSCRIPTIONS = 20
MAX_DESCRIPTION_LENGTH = 200
# After a rotation the old secret still signs deliveries this long, beside the new one.
ROTATION_GRACE = timedelta(hours=24)

NEWEST_FIRST: Ordering[WebhookSubscription] = newest_first("webhookSubscriptions", "created_at")
DELIVERIES_NEWEST_FIRST: Ordering[WebhookDelivery] = newest_first("webhookDeliveries", "created_at")


@dataclass(frozen=True)
class Endpoint:
    url: str
    events: list[WebhookEventType]
    description: str | None = None


@dataclass(frozen=True)
class Changes:
    """None leaves a setting as it is; an empty description removes it."""

    url: str | None = None
    events: list[WebhookEventType] | None = None
    description: str | None = None
    # True turns a disabled subscription back on (its failure count starts again).
    enabled: bool | None = None


def subscriptions_of(partner: Partner) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.filter(partner_id=partner.id)


def deliveries_of(
    partner: Partner,
    subscription_id: UUID | None = None,
    status: WebhookDeliveryStatus | None = None,
) -> QuerySet[WebhookDelivery]:
    query = WebhookDelivery.filter(partner_id=partner.id)
    if subscription_id is not None:
        query = query.filter(subscription_id=subscription_id)
    if status is not None:
        query = query.filter(status=status)
    return query


async def _url(url: str, settings: Settings) -> str:
    try:
        cleaned = endpoint.check_url(url, settings)
        await endpoint.check_address(cleaned, settings)
    except endpoint.TargetRefused as error:
        raise invalid(["url"], str(error)) from error
    return cleaned


def _events(events: list[WebhookEventType]) -> list[str]:
    if not events:
        raise invalid(["events"], "Choose at least one event.")
    return [event.value for event in WebhookEventType if event in events]


def _description(description: str | None) -> str | None:
    return validation.optional_text(description, ["description"], max_length=MAX_DESCRIPTION_LENGTH)


async def _own(partner: Partner, subscription_id: UUID) -> WebhookSubscription:
    subscription = await subscriptions_of(partner).get_or_none(id=subscription_id)
    if subscription is None:
        raise not_found(["id"], "There is no such webhook subscription.")
    return subscription


async def _audit(actor: Actor, action: AuditAction, subscription: WebhookSubscription) -> None:
    """What the audit log keeps of a change to a subscription: never its secret."""
    await audit.record(
        actor,
        partner_id=subscription.partner_id,
        action=action,
        details={
            "subscriptionId": str(subscription.id),
            "url": subscription.url,
            "events": subscription.events,
            "enabled": subscription.enabled,
        },
    )


async def create(
    actor: Actor, wanted: Endpoint, *, settings: Settings
) -> tuple[WebhookSubscription, str]:
    """The new subscription and its signing secret (not shown again)."""
    partner = actor.acting_partner
    url = await _url(wanted.url, settings)
    events = _events(wanted.events)
    description = _description(wanted.description)
    secret = endpoint.new_secret()
    async with atomic():
        # Counted under the partner's row lock, so two at once cannot pass the limit.
        await Partner.select_for_update().get(id=partner.id)
        if await subscriptions_of(partner).count() >= MAX_SUBSCRIPTIONS:
            raise UserInputError(
                UserErrorCode.LIMIT_REACHED,
                f"A partner can have at most {MAX_SUBSCRIPTIONS} webhook subscriptions: "
                "delete one first.",
                ["url"],
            )
        subscription = await WebhookSubscription.create(
            id=uuid4(),
            partner_id=partner.id,
            url=url,
            events=events,
            description=description,
            secret=secret,
            created_by=actor.user_id,
        )
        await _audit(actor, AuditAction.WEBHOOK_SUBSCRIPTION_CREATED, subscription)
    return subscription, secret


async def update(
    actor: Actor, subscription_id: UUID, changes: Changes, *, settings: Settings
) -> WebhookSubscription:
    partner = actor.acting_partner
    updates: dict[str, Any] = {}
    if changes.url is not None:
        updates["url"] = await _url(changes.url, settings)
    if changes.events is not None:
        updates["events"] = _events(changes.events)
    if changes.description is not None:
        updates["description"] = _description(changes.description)
    if changes.enabled is not None:
        updates["enabled"] = changes.enabled
        if changes.enabled:
            updates |= {"disabled_reason": None, "consecutive_failures": 0}
        else:
            updates["disabled_reason"] = "Turned off by a user."
    async with atomic():
        subscription = await _own(partner, subscription_id)
        if updates:
            subscription.update_from_dict(updates)
            await subscription.save(update_fields=list(updates))
            await _audit(actor, AuditAction.WEBHOOK_SUBSCRIPTION_UPDATED, subscription)
    return subscription


async def delete(actor: Actor, subscription_id: UUID) -> UUID:
    """Deletes the subscription and its deliveries (pending ones are not sent)."""
    partner = actor.acting_partner
    async with atomic():
        subscription = await _own(partner, subscription_id)
        await subscription.delete()
        await _audit(actor, AuditAction.WEBHOOK_SUBSCRIPTION_DELETED, subscription)
    return subscription_id


async def rotate_secret(actor: Actor, subscription_id: UUID) -> tuple[WebhookSubscription, str]:
    """A new secret (shown once); the old one keeps signing beside it for a day."""
    partner = actor.acting_partner
    secret = endpoint.new_secret()
    async with atomic():
        subscription = await _own(partner, subscription_id)
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_until = datetime.now(UTC) + ROTATION_GRACE
        subscription.secret = secret
        await subscription.save(
            update_fields=["secret", "previous_secret", "previous_secret_until"]
        )
        await _audit(actor, AuditAction.WEBHOOK_SECRET_ROTATED, subscription)
    return subscription, secret


def signing_secrets(subscription: WebhookSubscription, at: datetime) -> list[str]:
    honoured = [subscription.secret]
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and until > at:
        honoured.append(subscription.previous_secret)
    return honoured
