"""Customers: tenants some partner knows, and their billing profiles."""

import unicodedata
from typing import Any
from uuid import UUID

from tortoise import fields

from api.db.base import UUIDModel


def search_key(*values: str) -> str:
    """What `customers(search:)` matches, for the stored text and the search term
    alike: compatibility forms made plain (NFKC: "wood" typed full-width is wood) and case
    folded, here rather than in the database, whose LIKE differs (SQLite folds ASCII
    only). Migration 0002 folded the existing rows this way."""
    folded = unicodedata.normalize("NFKC", " ".join(values)).casefold()
    return unicodedata.normalize("NFKC", folded)


class Customer(UUIDModel):
    tenant_id = fields.UUIDField(unique=True)
    company_name = fields.CharField(max_length=200)
    default_domain = fields.CharField(max_length=253)
    # Case folding can lengthen text ("ﬃ" → "ffi"), so no length limit here.
    search_text = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    # When the sync last asked Partner Center for its billing profile (none came).
    billing_profile_asked_at = fields.DatetimeField(null=True)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_key(self.company_name, self.default_domain)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        await super().save(*args, **kwargs)

    class Meta:
        table = "customers"
        # Keyset order of a partner's customer list.
        indexes = (("company_name", "id"), ("default_domain",))


class BillingProfile(UUIDModel):
    customer: fields.OneToOneRelation[Customer] = fields.OneToOneField(
        "models.Customer", related_name="billing_profile", on_delete=fields.CASCADE
    )
    contact_name = fields.CharField(max_length=200, null=True)
    contact_email = fields.CharField(max_length=254)
    phone = fields.CharField(max_length=40, null=True)
    culture = fields.CharField(max_length=20, null=True)
    language = fields.CharField(max_length=20, null=True)
    line1 = fields.CharField(max_length=200, null=True)
    line2 = fields.CharField(max_length=200, null=True)
    city = fields.CharField(max_length=100, null=True)
    region = fields.CharField(max_length=100, null=True)
    postal_code = fields.CharField(max_length=20, null=True)
    country = fields.CharField(max_length=2)

    customer_id: UUID

    class Meta:
        table = "billing_profiles"
