"""A removal of a reseller relationship, and where its DAP revocation stands."""

from enum import StrEnum
from uuid import UUID

from tortoise import fields

from api.customers.models import Customer
from api.db.base import UUIDModel
from api.partners.models import Partner
from api.relationships.models import DelegatedAdminGrant


class RemovalStatus(StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class RelationshipRemoval(UUIDModel):
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="removals", on_delete=fields.CASCADE
    )
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="removals", on_delete=fields.CASCADE
    )
    # Snapshots: the customer is no longer in the partner's list.
    customer_tenant_id = fields.UUIDField()
    customer_name = fields.CharField(max_length=200)
    status = fields.CharEnumField(RemovalStatus, max_length=16)
    reason = fields.CharField(max_length=1000, null=True)
    # The attestation the partner accepted (its version and language; the text is in
    # the audit log). No language: an operator's text, or a removal from before 0011.
    attestation_version = fields.CharField(max_length=40, null=True)
    attestation_language = fields.CharField(max_length=20, null=True)
    requested_by = fields.CharField(max_length=200)
    requested_at = fields.DatetimeField(auto_now_add=True)
    completed_at = fields.DatetimeField(null=True)
    delegated_admin_revoked = fields.BooleanField(default=False)
    # The grant this removal revokes; a later re-grant is a different row, left alone.
    grant: fields.ForeignKeyNullableRelation[DelegatedAdminGrant] = fields.ForeignKeyField(
        "models.DelegatedAdminGrant",
        related_name="removals",
        null=True,
        on_delete=fields.SET_NULL,
    )
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)

    partner_id: UUID
    customer_id: UUID
    grant_id: UUID | None

    class Meta:
        table = "relationship_removals"
        indexes = (("partner_id", "requested_at", "id"),)
