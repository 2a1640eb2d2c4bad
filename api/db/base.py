"""Shared model pieces."""

from tortoise import fields
from tortoise.models import Model


class UUIDModel(Model):
    id = fields.UUIDField(primary_key=True)

    class Meta:
        abstract = True
