"""Alerts before a GDAP relationship ends: `granular-admin-relationship-expiring`
webhooks 30, 7 and 1 days before `endsAt` (the worker looks every hour). Partners ask
for these: a lapsed GDAP relationship cuts their technicians off a customer, and no
tool warns them. Each alert goes once: the thresholds already announced are kept with
the relationship, and a relationship first seen inside a window gets only the most
urgent alert, not the ones it missed."""

from datetime import UTC, datetime, timedelta

from api.db.transaction import atomic
from api.relationships.models import GdapRelationship, GdapStatus
from api.webhooks import delivery as webhooks
from api.webhooks.models import WebhookEventType

ALERT_DAYS = (30, 7, 1)


def _due(ends_at: datetime, now: datetime) -> int | None:
    """The threshold (in days) a relationship ending at `ends_at` is within, if any."""
    left = ends_at - now
    within = [days for days in ALERT_DAYS if left <= timedelta(days=days)]
    return min(within) if within and left > timedelta(0) else None


async def alert_expiring(now: datetime | None = None) -> int:
    """Sends the alerts now due; how many."""
    now = now or datetime.now(UTC)
    candidates = await GdapRelationship.filter(
        status=GdapStatus.ACTIVE,
        ends_at__gt=now,
        ends_at__lte=now + timedelta(days=max(ALERT_DAYS)),
    ).select_related("customer")
    sent = 0
    for candidate in candidates:
        threshold = _due(candidate.ends_at, now)
        if threshold is None or threshold in candidate.expiry_alerts_sent:
            continue
        async with atomic():
            gdap = await GdapRelationship.select_for_update().get(id=candidate.id)
            if threshold in gdap.expiry_alerts_sent:
                continue  # another worker announced it meanwhile
            gdap.expiry_alerts_sent = sorted(
                {*gdap.expiry_alerts_sent, *(days for days in ALERT_DAYS if days >= threshold)}
            )
            await gdap.save(update_fields=["expiry_alerts_sent"])
            await webhooks.notify(
                [gdap.partner_id],
                WebhookEventType.GRANULAR_ADMIN_RELATIONSHIP_EXPIRING,
                {
                    "customerTenantId": str(candidate.customer.tenant_id),
                    "customerName": candidate.customer.company_name,
                    "relationshipId": gdap.graph_id,
                    "displayName": gdap.display_name,
                    "endsAt": gdap.ends_at.isoformat(),
                    "daysLeft": threshold,
                },
                occurred_at=now,
            )
        sent += 1
    return sent
