"""A partner's relationships with customers: the relationship record (known, or
reseller), the delegated admin privileges (DAP) it may carry, and granular ones (GDAP)."""

from enum import StrEnum
from uuid import UUID

from tortoise import fields

from api.customers.models import Customer
from api.db.base import UUIDModel
from api.partners.models import Partner


class RelationshipType(StrEnum):
    NONE = "NONE"
    RESELLER = "RESELLER"


class AcquisitionChannel(StrEnum):
    OWN_MARKETING = "OWN_MARKETING"
    MICROSOFT_REFERRAL = "MICROSOFT_REFERRAL"
    INDIRECT_PROVIDER = "INDIRECT_PROVIDER"


class DelegatedAdminStatus(StrEnum):
    ACTIVE = "ACTIVE"
    REVOKING = "REVOKING"
    REVOKED = "REVOKED"


class GdapStatus(StrEnum):
    APPROVAL_PENDING = "APPROVAL_PENDING"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"


class Relationship(UUIDModel):
    """A customer in a partner's list: known (`NONE`) or a reseller relationship."""

    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="relationships", on_delete=fields.CASCADE
    )
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="relationships", on_delete=fields.CASCADE
    )
    type = fields.CharEnumField(RelationshipType, max_length=16)
    channel = fields.CharEnumField(AcquisitionChannel, max_length=32, null=True)
    established_at = fields.DatetimeField(null=True)
    # For an indirect reseller's relationship: the provider it was established with.
    indirect_provider: fields.ForeignKeyNullableRelation[Partner] = fields.ForeignKeyField(
        "models.Partner",
        related_name="provided_relationships",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # Why a person should look at this customer (the customer sync found Partner
    # Center disagreeing, say); None when nothing needs review.
    review_reason = fields.CharField(max_length=200, null=True)

    partner_id: UUID
    customer_id: UUID
    indirect_provider_id: UUID | None

    class Meta:
        table = "relationships"
        unique_together = (("partner", "customer"),)
        indexes = (("indirect_provider_id", "customer_id"),)


class DelegatedAdminGrant(UUIDModel):
    """DAP held by a partner over a customer. A new row for every grant, so history stays."""

    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="delegated_admin_grants", on_delete=fields.CASCADE
    )
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="delegated_admin_grants", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(DelegatedAdminStatus, max_length=16)
    granted_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    partner_id: UUID
    customer_id: UUID

    class Meta:
        table = "delegated_admin_grants"
        indexes = (("partner_id", "customer_id", "granted_at"),)


class GdapRelationship(UUIDModel):
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="gdap_relationships", on_delete=fields.CASCADE
    )
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="gdap_relationships", on_delete=fields.CASCADE
    )
    # Its id in Microsoft Graph (`delegatedAdminRelationships`), by which Partner
    # Center's notifications name it; unknown for one recorded here only.
    graph_id = fields.CharField(max_length=100, null=True, unique=True)
    display_name = fields.CharField(max_length=200)
    status = fields.CharEnumField(GdapStatus, max_length=32)
    roles: fields.Field[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    ends_at = fields.DatetimeField()
    # Graph's `autoExtendDuration` ("P180D"), or None: it ends at `ends_at`.
    auto_extend_duration = fields.CharField(max_length=40, null=True)
    # The alerts already sent before it ends, in days (api/relationships/gdap_expiry.py).
    expiry_alerts_sent: fields.Field[list[int]] = fields.JSONField(default=list)

    partner_id: UUID
    customer_id: UUID

    class Meta:
        table = "gdap_relationships"
        indexes = (("partner_id", "customer_id"),)


class PartnerCenterNotification(UUIDModel):
    """A notification Partner Center sent about a partner's customers, kept once: a
    redelivery (Partner Center retries up to 10 times) finds its digest and changes
    nothing."""

    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="partner_center_notifications", on_delete=fields.CASCADE
    )
    # SHA-256 of the signed body: the same notification delivered again to this
    # partner's address (the same body posted to another's is that one's to judge).
    digest = fields.CharField(max_length=64)
    event_name = fields.CharField(max_length=100)
    resource_uri = fields.CharField(max_length=2000)
    changed_at = fields.DatetimeField()
    received_at = fields.DatetimeField(auto_now_add=True)
    # What it did, in words ("DAP revoked", "unknown customer: left for the sync").
    outcome = fields.CharField(max_length=200)

    partner_id: UUID

    class Meta:
        table = "partner_center_notifications"
        unique_together = (("partner", "digest"),)
        indexes = (("partner_id", "received_at"), ("received_at",))
