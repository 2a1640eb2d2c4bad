"""Invitations: a partner asks a customer into a reseller relationship, and the
customer accepts through a link only it receives."""

from enum import StrEnum
from uuid import UUID

from tortoise import fields

from api.customers.models import Customer
from api.db.base import UUIDModel
from api.partners.models import Partner
from api.relationships.models import AcquisitionChannel


class InvitationKind(StrEnum):
    EXISTING_CUSTOMER = "EXISTING_CUSTOMER"
    NEW_CUSTOMER = "NEW_CUSTOMER"


class InvitationStatus(StrEnum):
    DRAFT = "DRAFT"
    QUEUED = "QUEUED"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


# States from which an invitation can still be sent, cancelled, accepted or expire.
OPEN_STATUSES = (InvitationStatus.DRAFT, InvitationStatus.QUEUED, InvitationStatus.SENT)


class DeliveryMethod(StrEnum):
    EMAIL = "EMAIL"
    MANUAL = "MANUAL"


class Invitation(UUIDModel):
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="invitations", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(InvitationKind, max_length=32)
    status = fields.CharEnumField(InvitationStatus, max_length=16)
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="invitations", null=True, on_delete=fields.SET_NULL
    )
    recipient_email = fields.CharField(max_length=254, null=True)
    indirect_provider: fields.ForeignKeyNullableRelation[Partner] = fields.ForeignKeyField(
        "models.Partner",
        related_name="provider_invitations",
        null=True,
        on_delete=fields.SET_NULL,
    )
    channel = fields.CharEnumField(AcquisitionChannel, max_length=32, null=True)
    include_delegated_admin = fields.BooleanField(default=True)
    # The token is never stored: it is re-derived from a server secret and this salt
    # (see `tokens.py`), and looked up by its SHA-256.
    token_salt = fields.CharField(max_length=32)
    token_hash = fields.CharField(max_length=64, unique=True)
    language = fields.CharField(max_length=8, default="en")
    subject = fields.CharField(max_length=300)
    # Stored with the url replaced by a placeholder, for the same reason.
    body_template = fields.TextField()
    created_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField()
    delivery_method = fields.CharEnumField(DeliveryMethod, max_length=16, null=True)
    # Which `sendInvitation` the current delivery belongs to: part of the Message-ID and
    # of the outbox job, so a retry of one send never becomes a second email.
    send_count = fields.IntField(default=0)
    delivery_attempts = fields.IntField(default=0)
    last_delivery_error = fields.TextField(null=True)

    partner_id: UUID
    customer_id: UUID | None
    indirect_provider_id: UUID | None

    class Meta:
        table = "invitations"
        indexes = (
            ("partner_id", "created_at", "id"),
            ("indirect_provider_id", "created_at"),
            ("customer_id", "partner_id"),
            ("status", "expires_at"),
        )
