"""Billing profiles from Partner Center, for customers the sync brought in without one
(`GET /v1/customers/{id}/profiles/billing`: the customer list does not carry it).

One call per customer, so each sync asks for at most `PER_SYNC` of them: a first sync of
thousands of customers fills their profiles over the following hours instead of
spending Partner Center's rate limit at once. Those never asked go first, then those
asked longest ago: a profile Partner Center does not have (404) or that does not read
(an address our checks refuse) is counted and asked for again once the others have had
their turn, so customers without one never keep the rest waiting. A profile we hold is
never overwritten (a partner may have corrected it).
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError

from api import validation
from api.customers.models import BillingProfile, Customer
from api.integrations import partner_center
from api.integrations.partner_center import (
    Call,
    PartnerCenterClient,
    PartnerCenterError,
    Throttled,
)
from api.relationships.tally import UNREADABLE, Tally

PER_SYNC = 200
# Tenants a query: well under the 32,766 parameters asyncpg and SQLite take.
CHUNK = 10_000


def read(item: Mapping[str, Any]) -> dict[str, Any]:
    """A CustomerBillingProfile as our billing profile's fields, checked like any input."""
    address = item.get("defaultAddress") or {}

    def optional(value: object, field: str, max_length: int) -> str | None:
        return validation.optional_text(
            str(value) if value else None, [field], max_length=max_length
        )

    name = " ".join(str(item.get(part) or "").strip() for part in ("firstName", "lastName"))
    return {
        "contact_name": optional(name.strip(), "contact_name", 200),
        "contact_email": validation.email(str(item.get("email") or ""), ["contact_email"]),
        "phone": optional(address.get("phoneNumber"), "phone", 40),
        "culture": validation.language_tag(item.get("culture"), ["culture"]),
        "language": validation.language_tag(item.get("language"), ["language"]),
        "line1": optional(address.get("addressLine1"), "line1", 200),
        "line2": optional(address.get("addressLine2"), "line2", 200),
        "city": optional(address.get("city"), "city", 100),
        "region": optional(address.get("state"), "region", 100),
        "postal_code": optional(address.get("postalCode"), "postal_code", 20),
        "country": validation.country(str(address.get("country") or ""), ["country"]),
    }


async def _due(tenants: set[UUID]) -> list[tuple[UUID, UUID]]:
    """Up to `PER_SYNC` of `tenants` without a profile: never asked first (by tenant
    id), then the longest ago. Read `CHUNK` tenants a query, since a partner may have
    more customers than a statement takes parameters; never-asked and asked apart,
    since NULLs sort first on one backend and last on the other."""
    ordered = sorted(tenants)
    chunks = [ordered[start : start + CHUNK] for start in range(0, len(ordered), CHUNK)]
    due: list[tuple[UUID, UUID]] = []
    for chunk in chunks:  # in tenant id order, so the first found are the first due
        due += (
            await Customer.filter(
                tenant_id__in=chunk, billing_profile=None, billing_profile_asked_at=None
            )
            .order_by("tenant_id")
            .limit(PER_SYNC - len(due))
            .values_list("id", "tenant_id")
        )
        if len(due) == PER_SYNC:
            return due
    asked: list[tuple[datetime, UUID, UUID]] = []  # (asked at, tenant, customer)
    for chunk in chunks:
        asked += (
            await Customer.filter(
                tenant_id__in=chunk, billing_profile=None, billing_profile_asked_at__isnull=False
            )
            .order_by("billing_profile_asked_at", "tenant_id")
            .limit(PER_SYNC - len(due))
            .values_list("billing_profile_asked_at", "tenant_id", "id")
        )
    oldest = sorted(asked)[: PER_SYNC - len(due)]
    return due + [(customer_id, tenant_id) for _, tenant_id, customer_id in oldest]


async def fill(client: PartnerCenterClient, run: UUID, tenants: set[UUID]) -> Tally:
    """Profiles for those of `tenants` that have none here, `PER_SYNC` at most."""
    tally = Tally()
    asked: list[UUID] = []
    try:
        for customer_id, tenant_id in await _due(tenants):
            asked.append(customer_id)
            call = Call(run, partner_center.request_id(run, f"billing-profile:{tenant_id}"))
            try:
                found = await client.billing_profile(tenant_id, call)
                profile = read(found) if found is not None else None
            except Throttled:
                # Waited out already: the others would only wait too. Next run.
                tally.failed += 1
                break
            # A call that failed (the others are still asked), or a profile that does
            # not read.
            except (PartnerCenterError, *UNREADABLE):
                profile = None
            if profile is None:
                tally.failed += 1
                continue
            try:
                await BillingProfile.create(customer_id=customer_id, **profile)
            except IntegrityError:  # a user's invitation gave it one meanwhile: theirs stays
                tally.unchanged += 1
                continue
            tally.created += 1
    finally:
        # Those asked go to the back of the turn, also when Partner Center says to wait
        # (429); one that got its profile is not due again anyway.
        if asked:
            await Customer.filter(id__in=asked).update(billing_profile_asked_at=datetime.now(UTC))
    return tally
