"""Batch loads for the fields of a page of customers: one query per field,
whatever the page size. Keys are (partner id, customer id) pairs."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar
from uuid import UUID

from api.customers.models import BillingProfile
from api.relationships.models import (
    DelegatedAdminGrant,
    GdapRelationship,
    Relationship,
    RelationshipType,
)

PartnerCustomer = tuple[UUID, UUID]


RowT = TypeVar("RowT")


def group_by_partner_customer(
    keys: Sequence[PartnerCustomer],
    rows: Iterable[RowT],
    customer_of: Callable[[RowT], UUID | None],
    partners_of: Callable[[RowT], Iterable[UUID | None]],
) -> list[list[RowT]]:
    """Rows grouped under each (partner, customer) key they concern, in row order."""
    wanted = {partner for partner, _ in keys}
    found: dict[PartnerCustomer, list[RowT]] = defaultdict(list)
    for row in rows:
        customer = customer_of(row)
        for partner in wanted.intersection(partners_of(row)):
            if customer is not None:
                found[(partner, customer)].append(row)
    return [found.get(key, []) for key in keys]


def _split(keys: Sequence[PartnerCustomer]) -> tuple[set[UUID], set[UUID]]:
    return {partner for partner, _ in keys}, {customer for _, customer in keys}


async def billing_profiles(customer_ids: Sequence[UUID]) -> list[BillingProfile | None]:
    rows = await BillingProfile.filter(customer_id__in=set(customer_ids))
    found = {row.customer_id: row for row in rows}
    return [found.get(key) for key in customer_ids]


async def latest_delegated_admin_grants(
    keys: Sequence[PartnerCustomer],
) -> list[DelegatedAdminGrant | None]:
    partners, customers = _split(keys)
    rows = await DelegatedAdminGrant.filter(
        partner_id__in=partners, customer_id__in=customers
    ).order_by("granted_at")
    # Ascending order: the newest grant of each pair is written last.
    found = {(row.partner_id, row.customer_id): row for row in rows}
    return [found.get(key) for key in keys]


async def gdap_relationships(keys: Sequence[PartnerCustomer]) -> list[list[GdapRelationship]]:
    partners, customers = _split(keys)
    rows = await GdapRelationship.filter(
        partner_id__in=partners, customer_id__in=customers
    ).order_by("created_at", "id")
    found: dict[PartnerCustomer, list[GdapRelationship]] = defaultdict(list)
    for row in rows:
        found[(row.partner_id, row.customer_id)].append(row)
    return [found.get(key, []) for key in keys]


async def reseller_relationships(keys: Sequence[PartnerCustomer]) -> list[Relationship | None]:
    """The partner's reseller relationship with the customer, if any."""
    partners, customers = _split(keys)
    rows = await Relationship.filter(
        partner_id__in=partners, customer_id__in=customers, type=RelationshipType.RESELLER
    )
    found = {(row.partner_id, row.customer_id): row for row in rows}
    return [found.get(key) for key in keys]


async def reseller_relationships_via_provider(
    keys: Sequence[PartnerCustomer],
) -> list[Relationship | None]:
    """For (provider, customer): the reseller relationship established with that provider."""
    providers, customers = _split(keys)
    rows = await Relationship.filter(
        indirect_provider_id__in=providers,
        customer_id__in=customers,
        type=RelationshipType.RESELLER,
    ).order_by("-established_at", "id")
    found: dict[PartnerCustomer, Relationship] = {}
    for row in rows:
        assert row.indirect_provider_id is not None
        found.setdefault((row.indirect_provider_id, row.customer_id), row)
    return [found.get(key) for key in keys]


async def relationships(keys: Sequence[PartnerCustomer]) -> list[Relationship | None]:
    """The partner's relationship record (any type) with the customer, customer loaded."""
    partners, customers = _split(keys)
    rows = await Relationship.filter(
        partner_id__in=partners, customer_id__in=customers
    ).select_related("customer")
    found = {(row.partner_id, row.customer_id): row for row in rows}
    return [found.get(key) for key in keys]
