from enum import StrEnum
from uuid import UUID

from tortoise import fields

from api.db.base import UUIDModel
from api.partners.models import Partner


class WebhookEventType(StrEnum):
    """Named as Partner Center names its own events where it has one, so a receiver
    handling Microsoft's webhooks reads ours the same way."""

    RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER = "reseller-relationship-accepted-by-customer"
    RESELLER_RELATIONSHIP_REMOVED = "reseller-relationship-removed"
    DAP_ADMIN_RELATIONSHIP_TERMINATED = "dap-admin-relationship-terminated"
    GRANULAR_ADMIN_RELATIONSHIP_EXPIRED = "granular-admin-relationship-expired"
    GRANULAR_ADMIN_RELATIONSHIP_EXPIRING = "granular-admin-relationship-expiring"
    INVITATION_SENT = "invitation-sent"
    INVITATION_FAILED = "invitation-failed"
    INVITATION_EXPIRED = "invitation-expired"


class WebhookDeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class WebhookSubscription(UUIDModel):
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="webhook_subscriptions", on_delete=fields.CASCADE
    )
    url = fields.CharField(max_length=2000)
    events: fields.Field[list[str]] = fields.JSONField(default=list)
    description = fields.CharField(max_length=200, null=True)
    # The Standard Webhooks secret ("whsec_" + base64): shown once, kept to sign.
    secret = fields.CharField(max_length=100)
    # After a rotation, deliveries are signed with the old secret too until this time,
    # so a receiver can switch without losing one.
    previous_secret = fields.CharField(max_length=100, null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    enabled = fields.BooleanField(default=True)
    disabled_reason = fields.CharField(max_length=300, null=True)
    # Deliveries that failed for good in a row; a success starts the count again.
    consecutive_failures = fields.IntField(default=0)
    created_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    partner_id: UUID

    class Meta:
        table = "webhook_subscriptions"
        indexes = (("partner_id", "created_at", "id"),)


class WebhookDelivery(UUIDModel):
    """One event for one subscription. Its id is the `webhook-id` every attempt
    carries, so a receiver can tell a retry from a new event."""

    subscription: fields.ForeignKeyRelation[WebhookSubscription] = fields.ForeignKeyField(
        "models.WebhookSubscription", related_name="deliveries", on_delete=fields.CASCADE
    )
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="webhook_deliveries", on_delete=fields.CASCADE
    )
    event_type = fields.CharEnumField(WebhookEventType, max_length=60)
    # The JSON body, fixed when the event happened: every attempt sends the same bytes.
    body = fields.TextField()
    status = fields.CharEnumField(WebhookDeliveryStatus, max_length=16)
    attempts = fields.IntField(default=0)
    response_status = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, null=True)
    next_attempt_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    subscription_id: UUID
    partner_id: UUID

    class Meta:
        table = "webhook_deliveries"
        indexes = (
            ("partner_id", "created_at", "id"),
            ("subscription_id", "created_at", "id"),
            ("created_at",),  # the retention's purge
        )
