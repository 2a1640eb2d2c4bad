from enum import StrEnum
from typing import Any
from uuid import UUID

from tortoise import fields

from api.db.base import UUIDModel
from api.partners.models import Partner


class AuditAction(StrEnum):
    RELATIONSHIP_REQUESTED = "RELATIONSHIP_REQUESTED"
    INVITATION_SENT = "INVITATION_SENT"
    INVITATION_DELIVERY_FAILED = "INVITATION_DELIVERY_FAILED"
    INVITATION_CANCELLED = "INVITATION_CANCELLED"
    INVITATION_ACCEPTED = "INVITATION_ACCEPTED"
    RELATIONSHIP_REMOVED = "RELATIONSHIP_REMOVED"
    DELEGATED_ADMIN_REVOKED = "DELEGATED_ADMIN_REVOKED"
    RELATIONSHIP_REMOVAL_FAILED = "RELATIONSHIP_REMOVAL_FAILED"
    RELATIONSHIP_REMOVAL_RETRIED = "RELATIONSHIP_REMOVAL_RETRIED"
    ORDER_PLACED = "ORDER_PLACED"
    WEBHOOK_SUBSCRIPTION_CREATED = "WEBHOOK_SUBSCRIPTION_CREATED"
    WEBHOOK_SUBSCRIPTION_UPDATED = "WEBHOOK_SUBSCRIPTION_UPDATED"
    WEBHOOK_SUBSCRIPTION_DELETED = "WEBHOOK_SUBSCRIPTION_DELETED"
    WEBHOOK_SECRET_ROTATED = "WEBHOOK_SECRET_ROTATED"
    WEBHOOK_SUBSCRIPTION_DISABLED = "WEBHOOK_SUBSCRIPTION_DISABLED"
    PARTNER_CENTER_NOTIFIED = "PARTNER_CENTER_NOTIFIED"
    CUSTOMERS_SYNCED = "CUSTOMERS_SYNCED"


class AuditEvent(UUIDModel):
    # The partner whose log this entry belongs to (an acceptance is logged for the
    # inviting partner and for the named indirect provider).
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="audit_events", on_delete=fields.CASCADE
    )
    action = fields.CharEnumField(AuditAction, max_length=40)
    actor_user_id = fields.CharField(max_length=200)
    actor_tenant_id = fields.CharField(max_length=64)
    customer_tenant_id = fields.CharField(max_length=64, null=True)
    occurred_at = fields.DatetimeField(auto_now_add=True)
    details: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)

    partner_id: UUID

    class Meta:
        table = "audit_events"
        indexes = (("partner_id", "occurred_at", "id"), ("partner_id", "action", "occurred_at"))
