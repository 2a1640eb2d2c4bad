"""A removal of a reseller relationship, and where its DAP revocation stands."""

from enum import StrEnum
from uuid import UUID

from tortoise import fields

from api.customers.models import Customer
from api.db.base import UUIDModel
from api.partners.models import Partner
from api.relationships.models import AcquisitionChannel, DelegatedAdminGrant, Relationship


class RemovalStatus(StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class RemovalErrorCode(StrEnum):
    """Why a removal FAILED; clients show their own words for each."""

    OTHER_PARTNER_ACCOUNT = "OTHER_PARTNER_ACCOUNT"
    REFUSED_BY_PARTNER_CENTER = "REFUSED_BY_PARTNER_CENTER"
    PARTNER_CENTER_UNAVAILABLE = "PARTNER_CENTER_UNAVAILABLE"


ERROR_MESSAGES = {
    RemovalErrorCode.OTHER_PARTNER_ACCOUNT: "Partner Center is set up here for another "
    "partner's account, so the removal was not sent to Partner Center.",
    RemovalErrorCode.REFUSED_BY_PARTNER_CENTER: "Partner Center refused to end the "
    "relationship, so it was not removed there.",
    RemovalErrorCode.PARTNER_CENTER_UNAVAILABLE: "Partner Center could not be reached, "
    "however often it was tried, so the relationship was not removed there.",
}


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
    # The last failure as the worker saw it (for the log and support, not for people).
    last_error = fields.TextField(null=True)
    # Why it FAILED, and the relationship record put back in the list because of it.
    error_code = fields.CharEnumField(RemovalErrorCode, max_length=32, null=True)
    restored_relationship: fields.ForeignKeyNullableRelation[Relationship] = fields.ForeignKeyField(
        "models.Relationship",
        related_name="failed_removals",
        null=True,
        on_delete=fields.SET_NULL,
    )
    # The relationship record as it was removed, to put back as it was.
    relationship_channel = fields.CharEnumField(AcquisitionChannel, max_length=32, null=True)
    relationship_established_at = fields.DatetimeField(null=True)
    relationship_indirect_provider: fields.ForeignKeyNullableRelation[Partner] = (
        fields.ForeignKeyField(
            "models.Partner",
            related_name="removals_as_indirect_provider",
            null=True,
            on_delete=fields.SET_NULL,
        )
    )
    # How often the partner asked again (`retryRemoval`): each time, new request ids.
    retries = fields.IntField(default=0, db_default=0)

    partner_id: UUID
    customer_id: UUID
    grant_id: UUID | None
    restored_relationship_id: UUID | None
    relationship_indirect_provider_id: UUID | None

    class Meta:
        table = "relationship_removals"
        indexes = (("partner_id", "requested_at", "id"),)
