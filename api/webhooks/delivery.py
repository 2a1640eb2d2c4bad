"""Webhook deliveries (docs/behaviour.md, "Webhooks").

An event becomes one delivery per subscription that wants it, written in the
transaction of the change it tells of (`notify`), and each is delivered by a job
through the outbox: at least once, every attempt carrying the delivery's id as
`webhook-id` so a receiver can drop a repeat. A failed attempt is retried on
WEBHOOK_RETRY_DELAYS_SECONDS (more than a day by default); a delivery whose last try
failed is FAILED, and after WEBHOOK_DISABLE_AFTER_FAILURES such deliveries in a row
the subscription is disabled, with an entry in the audit log saying so.
"""

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.db.retention import delete_before
from api.db.transaction import atomic
from api.integrations import webhooks as endpoint
from api.jobs import Failure, Job, JobArgs, JobContext
from api.partners.models import Partner
from api.settings import Settings
from api.webhooks.models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEventType,
    WebhookSubscription,
)
from api.webhooks.subscriptions import signing_secrets


class DeliverWebhook(JobArgs):
    delivery_id: UUID


class DeliveryFailed(Exception):
    pass


async def notify(
    partner_ids: Iterable[UUID | None],
    event: WebhookEventType,
    data: dict[str, Any],
    *,
    occurred_at: datetime,
) -> None:
    """Deliver `event` to every enabled subscription of these partners that wants it,
    once the current transaction commits (call inside it)."""
    targets = {partner_id for partner_id in partner_ids if partner_id is not None}
    subscriptions = await WebhookSubscription.filter(partner_id__in=targets, enabled=True)
    body = json.dumps(
        {"type": event.value, "timestamp": occurred_at.isoformat(), "data": data},
        separators=(",", ":"),
    )
    for subscription in subscriptions:
        if event.value not in subscription.events:
            continue
        delivery = await WebhookDelivery.create(
            id=uuid4(),
            subscription_id=subscription.id,
            partner_id=subscription.partner_id,
            event_type=event,
            body=body,
            status=WebhookDeliveryStatus.PENDING,
            next_attempt_at=datetime.now(UTC),
        )
        await DELIVER_WEBHOOK.enqueue(DeliverWebhook(delivery_id=delivery.id))


async def _attempt(
    subscription: WebhookSubscription, delivery: WebhookDelivery, job: JobContext
) -> int:
    """One POST; the status code, or DeliveryFailed saying why there was none."""
    at = datetime.now(UTC)
    headers = endpoint.signed_headers(
        str(delivery.id), at, delivery.body, signing_secrets(subscription, at)
    )
    try:
        return await endpoint.post(subscription.url, delivery.body, headers, job.settings)
    except endpoint.NotDelivered as error:
        raise DeliveryFailed(str(error)) from error


async def deliver(job: JobContext, args: DeliverWebhook) -> None:
    delivery = await WebhookDelivery.get_or_none(id=args.delivery_id)
    if delivery is None or delivery.status is not WebhookDeliveryStatus.PENDING:
        return  # delivered already, given up, or its subscription was deleted
    subscription = await WebhookSubscription.get(id=delivery.subscription_id)
    if not subscription.enabled:
        await WebhookDelivery.filter(id=delivery.id, status=WebhookDeliveryStatus.PENDING).update(
            status=WebhookDeliveryStatus.FAILED,
            next_attempt_at=None,
            last_error="Not sent: the subscription is disabled.",
        )
        return
    status: int | None = None
    try:
        status = await _attempt(subscription, delivery, job)
        if not 200 <= status < 300:
            raise DeliveryFailed(f"The endpoint answered {status}.")
    except DeliveryFailed as error:
        retry_at = None
        if not job.final_attempt:
            retry_at = datetime.now(UTC) + timedelta(
                seconds=DELIVER_WEBHOOK.retry_delay(job.settings, job.attempt)
            )
        await WebhookDelivery.filter(id=delivery.id, status=WebhookDeliveryStatus.PENDING).update(
            attempts=job.attempt,
            response_status=status,
            last_error=str(error),
            next_attempt_at=retry_at,
        )
        raise
    async with atomic():
        await WebhookDelivery.filter(id=delivery.id).update(
            status=WebhookDeliveryStatus.DELIVERED,
            attempts=job.attempt,
            response_status=status,
            last_error=None,
            next_attempt_at=None,
            delivered_at=datetime.now(UTC),
        )
        await WebhookSubscription.filter(id=subscription.id).update(consecutive_failures=0)


async def give_up(job: JobContext, args: DeliverWebhook, failure: Failure) -> None:
    """After the last try: the delivery is FAILED, and a subscription failing one
    delivery after another is disabled."""
    if not failure.final:
        return  # `deliver` recorded the attempt and when the next one is
    async with atomic():
        delivery = await WebhookDelivery.get_or_none(id=args.delivery_id)
        if delivery is None:
            return
        failed = await WebhookDelivery.filter(
            id=delivery.id, status=WebhookDeliveryStatus.PENDING
        ).update(status=WebhookDeliveryStatus.FAILED, next_attempt_at=None)
        if not failed:
            return
        subscription = await WebhookSubscription.select_for_update().get(
            id=delivery.subscription_id
        )
        failures = subscription.consecutive_failures + 1
        limit = job.settings.webhook_disable_after_failures
        disable = subscription.enabled and failures >= limit
        reason = f"Disabled after {limit} deliveries in a row failed."
        await WebhookSubscription.filter(id=subscription.id).update(
            consecutive_failures=failures,
            **({"enabled": False, "disabled_reason": reason} if disable else {}),
        )
        if disable:
            partner = await Partner.get(id=subscription.partner_id)
            await audit.record(
                Actor.system(partner),
                partner_id=partner.id,
                action=AuditAction.WEBHOOK_SUBSCRIPTION_DISABLED,
                details={
                    "subscriptionId": str(subscription.id),
                    "url": subscription.url,
                    "reason": reason,
                    "lastError": failure.error,
                },
            )


DELIVER_WEBHOOK = Job(
    "deliver_webhook",
    DeliverWebhook,
    deliver,
    give_up,
    retry_delays=lambda settings: settings.webhook_retry_delays_seconds,
)


async def purge_finished(settings: Settings) -> int:
    """Deliveries made or given up, older than the retention, are deleted; those still
    being tried stay whatever their age."""
    before = datetime.now(UTC) - timedelta(days=settings.webhook_delivery_retention_days)
    finished = [WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED]
    return await delete_before(WebhookDelivery, "created_at", before, status__in=finished)
