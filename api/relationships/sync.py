"""Bringing a partner's customers in from Partner Center: `partner-connect sync`, and
the worker every hour (docs/behaviour.md, "Customer sync").

`GET /v1/customers`, page by page: a customer Partner Center lists becomes a customer
record here (or updates it), and the partner's relationship with it `RESELLER` or
`NONE` as Partner Center says — the customers a partner already serves in other
portals appear in its list. Incremental (a row is written only when something changed,
so a second run writes nothing) and safe beside users' work: each page is one short
transaction over the rows it names, locked. Nothing is deleted: a reseller
relationship that Partner Center no longer lists, or lists without the reseller
relationship, is flagged for review (`review_reason`). The summary (created, updated,
unchanged, failed, flagged) goes to the audit log.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from tortoise.exceptions import IntegrityError

from api import validation
from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.customers.models import Customer, search_key
from api.db.transaction import atomic
from api.integrations import partner_center
from api.integrations.partner_center import PartnerCenterClient
from api.partners.models import Partner
from api.relationships import billing_profiles, gdap_sync
from api.relationships.models import Relationship, RelationshipType
from api.relationships.tally import Tally, read_page
from api.settings import Settings

NOT_LISTED = "Partner Center no longer lists this customer."
NOT_RESOLD = "Partner Center lists this customer without a reseller relationship."
FLAG_BATCH = 500


@dataclass(frozen=True)
class Listed:
    """A customer as Partner Center lists it, checked like any input."""

    tenant_id: UUID
    company_name: str
    default_domain: str
    resold: bool

    @classmethod
    def read(cls, item: Mapping[str, Any]) -> "Listed":
        profile = item.get("companyProfile") or {}
        return cls(
            tenant_id=UUID(str(profile.get("tenantId") or item["id"])),
            company_name=validation.text(
                str(profile.get("companyName") or ""), ["company_name"], max_length=200
            ),
            default_domain=validation.domain(str(profile.get("domain") or ""), ["domain"]),
            resold=str(item.get("relationshipToPartner", "")).lower() == "reseller",
        )

    def customer_fields(self) -> dict[str, Any]:
        """A new customer record's fields."""
        return {
            "tenant_id": self.tenant_id,
            "company_name": self.company_name,
            "default_domain": self.default_domain,
            "search_text": search_key(self.company_name, self.default_domain),
        }


async def _apply(partner: Partner, page: list[Listed], at: datetime) -> Tally:
    tally = Tally()
    async with atomic():
        customers = {
            c.tenant_id: c
            for c in await Customer.filter(
                tenant_id__in=[listed.tenant_id for listed in page]
            ).select_for_update()
        }
        new = [
            Customer(id=uuid4(), **listed.customer_fields())
            for listed in page
            if listed.tenant_id not in customers
        ]
        await Customer.bulk_create(new)
        changed_customers: set[UUID] = set()
        for listed in page:
            customer = customers.get(listed.tenant_id)
            if customer is not None and (customer.company_name, customer.default_domain) != (
                listed.company_name,
                listed.default_domain,
            ):
                customer.company_name = listed.company_name
                customer.default_domain = listed.default_domain
                await customer.save(update_fields=["company_name", "default_domain"])
                changed_customers.add(customer.id)
        customers |= {c.tenant_id: c for c in new}
        relationships = {
            r.customer_id: r
            for r in await Relationship.filter(
                partner_id=partner.id, customer_id__in=[c.id for c in customers.values()]
            ).select_for_update()
        }
        created: list[Relationship] = []
        for listed in page:
            customer = customers[listed.tenant_id]
            relationship = relationships.get(customer.id)
            if relationship is None:
                created.append(
                    Relationship(
                        id=uuid4(),
                        partner_id=partner.id,
                        customer_id=customer.id,
                        type=RelationshipType.RESELLER if listed.resold else RelationshipType.NONE,
                        established_at=at if listed.resold else None,
                    )
                )
                tally.created += 1
                continue
            outcome = await _reconcile(relationship, listed, at)
            if outcome == "flagged":
                tally.flagged += 1
            elif outcome == "updated" or customer.id in changed_customers:
                tally.updated += 1
            else:
                tally.unchanged += 1
        await Relationship.bulk_create(created)
    return tally


async def _reconcile(relationship: Relationship, listed: Listed, at: datetime) -> str:
    """ "updated", "flagged" or "unchanged": what Partner Center's view did to ours."""
    resold = relationship.type is RelationshipType.RESELLER
    if listed.resold and not resold:
        relationship.type = RelationshipType.RESELLER
        relationship.established_at = at
        relationship.review_reason = None
        await relationship.save(update_fields=["type", "established_at", "review_reason"])
        return "updated"
    if resold and not listed.resold:
        if relationship.review_reason == NOT_RESOLD:
            return "unchanged"
        relationship.review_reason = NOT_RESOLD
        await relationship.save(update_fields=["review_reason"])
        return "flagged"
    if relationship.review_reason is not None:  # listed again as we hold it
        relationship.review_reason = None
        await relationship.save(update_fields=["review_reason"])
        return "updated"
    return "unchanged"


async def _flag_unlisted(partner: Partner, seen: set[UUID]) -> int:
    """Reseller relationships Partner Center did not list at all: flagged, not deleted."""
    held = await Relationship.filter(
        partner_id=partner.id, type=RelationshipType.RESELLER, review_reason__isnull=True
    ).values_list("id", "customer__tenant_id")
    unlisted = [row_id for row_id, tenant_id in held if tenant_id not in seen]
    for start in range(0, len(unlisted), FLAG_BATCH):
        await Relationship.filter(id__in=unlisted[start : start + FLAG_BATCH]).update(
            review_reason=NOT_LISTED
        )
    return len(unlisted)


async def sync_customers(
    partner: Partner,
    client: PartnerCenterClient,
    *,
    on_page: Callable[[str, int, Tally], None] | None = None,
    page_size: int = 500,
) -> Tally:
    """One sync of `partner`'s customers (the partner the client acts for), then of
    its GDAP relationships; the customers' counts (the GDAP ones in the audit log)."""
    run = uuid4()
    started = datetime.now(UTC)
    total = Tally()
    seen: set[UUID] = set()
    number = 0
    async for items in client.customers(run, size=page_size):
        number += 1
        page, failed = read_page(items, Listed.read, lambda listed: listed.tenant_id)
        seen.update(listed.tenant_id for listed in page)
        try:
            tally = await _apply(partner, page, started)
        except IntegrityError:
            # A user's change made the same row meanwhile (an acceptance creating the
            # customer): the page again, now seeing it.
            tally = await _apply(partner, page, started)
        tally.failed += failed
        total += tally
        if on_page is not None:
            on_page("customers", number, tally)
    total.flagged += await _flag_unlisted(partner, seen)
    profiles = await billing_profiles.fill(client, run, seen)
    gdap, gdap_pages = Tally(), 0
    async for items in client.gdap_relationships(run):
        gdap_pages += 1
        relationships, failed = read_page(
            items, gdap_sync.ListedGdap.read, lambda relationship: relationship.graph_id
        )
        tally = await gdap_sync.apply(partner, relationships)
        tally.failed += failed
        gdap += tally
        if on_page is not None:
            on_page("GDAP relationships", gdap_pages, tally)
    await audit.record(
        Actor.system(partner),
        partner_id=partner.id,
        action=AuditAction.CUSTOMERS_SYNCED,
        details={
            **total.as_dict(),
            "pages": number,
            "startedAt": started.isoformat(),
            "gdapRelationships": {**gdap.as_dict(), "pages": gdap_pages},
            "billingProfiles": {"created": profiles.created, "failed": profiles.failed},
        },
    )
    return total


class NotConfigured(Exception):
    """There is no Partner Center to sync from, or no partner it acts for."""


async def sync_configured(
    settings: Settings,
    *,
    on_page: Callable[[str, int, Tally], None] | None = None,
    page_size: int = 500,
) -> Tally:
    """A sync of the partner Partner Center's credentials act for
    (PARTNER_CENTER_TENANT_ID): what `partner-connect sync` and the worker run."""
    client = partner_center.client(settings)
    if client is None:
        raise NotConfigured(
            "Partner Center is not configured (PARTNER_CENTER_URL and its credentials): "
            "there is nothing to sync from."
        )
    partner = await Partner.get_or_none(tenant_id=settings.partner_center_tenant_id)
    if partner is None:
        raise NotConfigured(
            f"No partner has the tenant {settings.partner_center_tenant_id} "
            "(PARTNER_CENTER_TENANT_ID): load it first (partner-connect seed)."
        )
    return await sync_customers(partner, client, on_page=on_page, page_size=page_size)
