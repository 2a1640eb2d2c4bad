from enum import StrEnum
from uuid import UUID

from tortoise import fields

from api.db.base import UUIDModel


class PartnerKind(StrEnum):
    DIRECT_BILL = "DIRECT_BILL"
    INDIRECT_PROVIDER = "INDIRECT_PROVIDER"
    INDIRECT_RESELLER = "INDIRECT_RESELLER"


class Partner(UUIDModel):
    tenant_id = fields.UUIDField(unique=True)
    name = fields.CharField(max_length=200)
    partner_id = fields.CharField(max_length=32, unique=True)
    kind = fields.CharEnumField(PartnerKind, max_length=32)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "partners"


class ProviderLink(UUIDModel):
    """An indirect provider supplies an indirect reseller."""

    provider: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="reseller_links", on_delete=fields.CASCADE
    )
    reseller: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="provider_links", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    provider_id: UUID
    reseller_id: UUID

    class Meta:
        table = "provider_links"
        unique_together = (("provider", "reseller"),)
