"""Orders a partner placed for a customer, itself or for an indirect reseller."""

from uuid import UUID

from tortoise import fields

from api.customers.models import Customer
from api.db.base import UUIDModel
from api.partners.models import Partner


class Order(UUIDModel):
    placed_by: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="orders", on_delete=fields.CASCADE
    )
    on_behalf_of: fields.ForeignKeyNullableRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="orders_on_behalf", null=True, on_delete=fields.SET_NULL
    )
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="orders", on_delete=fields.CASCADE
    )
    offer_id = fields.CharField(max_length=100)
    quantity = fields.IntField()
    created_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    placed_by_id: UUID
    on_behalf_of_id: UUID | None
    customer_id: UUID

    class Meta:
        table = "orders"
        indexes = (("placed_by_id", "created_at", "id"), ("on_behalf_of_id", "created_at"))
