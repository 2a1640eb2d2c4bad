"""Latency and SQL statements of the customer list, per page size."""

import asyncio
import logging
import uuid

from api.customers.models import BillingProfile, Customer
from api.http.auth import mint_token
from api.partners.models import Partner, PartnerKind
from api.relationships.models import (
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    GdapRelationship,
    GdapStatus,
    Relationship,
    RelationshipType,
)
from bench.harness import peak_memory_mib, running_app, summary, timed

CUSTOMERS = 1000
RUNS = 30
QUERY = """query($first: Int, $after: String) {
  customers(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id tenantId companyName defaultDomain relationshipToPartner canTransact
      billingProfile { contactEmail address { country } }
      delegatedAdmin { status } gdapRelationships { displayName }
      indirectProvider { name } indirectReseller { name }
    } }
  }
}"""


class StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "connection" not in message:
            self.count += 1


async def populate() -> Partner:
    from datetime import UTC, datetime, timedelta

    partner = await Partner.create(
        tenant_id=uuid.uuid4(), name="Bench", partner_id="4899999", kind=PartnerKind.DIRECT_BILL
    )
    now = datetime.now(UTC)
    customers = [
        Customer(
            tenant_id=uuid.uuid4(),
            company_name=f"Customer {i:05d}",
            default_domain=f"c{i}.onmicrosoft.com",
        )
        for i in range(CUSTOMERS)
    ]
    for customer in customers:
        customer.search_text = f"{customer.company_name} {customer.default_domain}".casefold()
    await Customer.bulk_create(customers)
    await BillingProfile.bulk_create(
        [
            BillingProfile(customer_id=c.id, contact_email=f"b@c{i}.example", country="JP")
            for i, c in enumerate(customers)
        ]
    )
    await Relationship.bulk_create(
        [
            Relationship(
                partner_id=partner.id,
                customer_id=c.id,
                type=RelationshipType.RESELLER,
                established_at=now,
            )
            for c in customers
        ]
    )
    await DelegatedAdminGrant.bulk_create(
        [
            DelegatedAdminGrant(
                partner_id=partner.id,
                customer_id=c.id,
                status=DelegatedAdminStatus.ACTIVE,
                granted_at=now,
            )
            for c in customers
        ]
    )
    ends_at = now + timedelta(days=90)
    await GdapRelationship.bulk_create(
        [
            GdapRelationship(
                partner_id=partner.id,
                customer_id=c.id,
                display_name="Helpdesk",
                status=GdapStatus.ACTIVE,
                roles=[],
                ends_at=ends_at,
            )
            for c in customers
        ]
    )
    return partner


async def main() -> None:
    async with running_app() as (client, settings):
        partner = await populate()
        token = mint_token(settings, tenant_id=partner.tenant_id, roles=["GLOBAL_ADMIN"])
        headers = {"Authorization": f"Bearer {token}"}

        async def page(first: int, after: str | None = None) -> dict:
            response = await client.post(
                "/graphql",
                json={"query": QUERY, "variables": {"first": first, "after": after}},
                headers=headers,
            )
            body = response.json()
            assert "errors" not in body, body
            return body["data"]["customers"]

        counter = StatementCounter()
        db_log = logging.getLogger("tortoise.db_client")
        db_log.setLevel(logging.DEBUG)
        db_log.addHandler(counter)
        print(f"customers(first: N) with every field, {CUSTOMERS} customers, {RUNS} runs each")
        for first in (10, 50, 100):
            counter.count = 0
            await page(first)
            statements = counter.count
            samples = await timed(lambda first=first: page(first), RUNS)
            print(f"  N={first:3d}  {statements} SQL statements  {summary(samples)}")

        async def walk() -> None:
            after = None
            while True:
                connection = await page(100, after)
                if not connection["pageInfo"]["hasNextPage"]:
                    return
                after = connection["pageInfo"]["endCursor"]

        print(f"  full keyset walk, 100 per page:  {summary(await timed(walk, 5))}")
        print(f"  peak memory of the process: {peak_memory_mib():.1f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
