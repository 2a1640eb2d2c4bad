"""The data set: one partner's customers, each with a reseller relationship, a billing
profile (contact name, email, address country) and an active DAP grant — loaded with
COPY, the search text computed by the app's own `search_key`.

Names are "<word> <word> <6-digit number>", so the list order (company name, id) is
not the insertion order, and a customer's number matches that customer alone."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from api.customers.models import search_key

FIRST_WORDS = (
    "Alpine", "Blue Yonder", "Coho", "Contoso", "Fabrikam", "Fourth Coffee", "Humongous",
    "Lamna", "Litware", "Lucerne", "Margie's", "Northwind", "Proseware", "Relecloud",
    "Tailspin", "Trey", "Wide World", "Wingtip", "Woodgrove", "Adatum",
)  # fmt: skip
SECOND_WORDS = (
    "Airlines", "Bank", "Foods", "Holdings", "Insurance", "Labs", "Media", "Motors",
    "Publishing", "Research", "Systems", "Toys", "Traders", "Travel", "Winery",
)  # fmt: skip
COUNTRIES = ("JP", "US", "GB", "DE", "FR", "AU", "CA", "IN")
# The customer a 1-match `search` looks for (present at every list size).
SEARCH_INDEX = 421
SEARCH_TERM = f"{SEARCH_INDEX:06d}"
CHUNK = 20_000


@dataclass(frozen=True)
class Partner:
    id: uuid.UUID
    tenant_id: uuid.UUID


@dataclass(frozen=True)
class Row:
    """A customer of the list, as the keyset sees it."""

    company_name: str
    id: uuid.UUID
    number: str


def company_name(index: int) -> str:
    mixed = (index * 2654435761) % 2**32
    first = FIRST_WORDS[mixed % len(FIRST_WORDS)]
    second = SECOND_WORDS[(mixed // len(FIRST_WORDS)) % len(SECOND_WORDS)]
    return f"{first} {second} {index:06d}"


# The bench partner's tenant: the one the stand-in Partner Center's credentials act for.
BENCH_PARTNER_TENANT = uuid.UUID("b3e1c0de-0000-4000-8000-00000000be7c")


async def create_partner(connection: asyncpg.Connection) -> Partner:
    partner = Partner(id=uuid.uuid4(), tenant_id=BENCH_PARTNER_TENANT)
    await connection.execute(
        "INSERT INTO partners (id, tenant_id, name, partner_id, kind, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        partner.id,
        partner.tenant_id,
        "Bench Partner",
        "4899990",
        "DIRECT_BILL",
        datetime.now(UTC),
    )
    return partner


async def add_customers(
    connection: asyncpg.Connection, partner: Partner, start: int, stop: int
) -> None:
    """Customers number `start` to `stop - 1`, with everything the list shows."""
    now = datetime.now(UTC)
    for chunk_start in range(start, stop, CHUNK):
        indexes = range(chunk_start, min(stop, chunk_start + CHUNK))
        customers, profiles, relationships, grants = [], [], [], []
        for index in indexes:
            customer_id = uuid.uuid4()
            name = company_name(index)
            slug = name.split()[0].lower().replace("'", "")
            domain = f"{slug}{index}.onmicrosoft.com"
            established = now - timedelta(days=index % 900, minutes=index % 1440)
            customers.append(
                (customer_id, uuid.uuid4(), name, domain, search_key(name, domain), established)
            )
            profiles.append(
                (
                    uuid.uuid4(),
                    customer_id,
                    f"Contact {index}",
                    f"billing{index}@{slug}.example",
                    COUNTRIES[index % len(COUNTRIES)],
                )
            )
            relationships.append(
                (uuid.uuid4(), partner.id, customer_id, "RESELLER", established, established)
            )
            grants.append((uuid.uuid4(), partner.id, customer_id, "ACTIVE", established))
        await connection.copy_records_to_table(
            "customers",
            records=customers,
            columns=[
                "id",
                "tenant_id",
                "company_name",
                "default_domain",
                "search_text",
                "created_at",
            ],
        )
        await connection.copy_records_to_table(
            "billing_profiles",
            records=profiles,
            columns=["id", "customer_id", "contact_name", "contact_email", "country"],
        )
        await connection.copy_records_to_table(
            "relationships",
            records=relationships,
            columns=["id", "partner_id", "customer_id", "type", "established_at", "created_at"],
        )
        await connection.copy_records_to_table(
            "delegated_admin_grants",
            records=grants,
            columns=["id", "partner_id", "customer_id", "status", "granted_at"],
        )
    # As a database in service would be: statistics current, visibility map set.
    for table in ("customers", "billing_profiles", "relationships", "delegated_admin_grants"):
        await connection.execute(f"VACUUM ANALYZE {table}")


async def count(connection: asyncpg.Connection, partner: Partner) -> int:
    return int(
        await connection.fetchval(
            "SELECT count(*) FROM relationships WHERE partner_id = $1", partner.id
        )
    )


async def row_at(connection: asyncpg.Connection, partner: Partner, rank: int) -> Row:
    """The customer at position `rank` (0-based) of the list's order."""
    record = await connection.fetchrow(
        "SELECT c.company_name, c.id FROM relationships r JOIN customers c "
        "ON c.id = r.customer_id WHERE r.partner_id = $1 "
        "ORDER BY c.company_name, c.id OFFSET $2 LIMIT 1",
        partner.id,
        rank,
    )
    assert record is not None, rank
    return Row(record["company_name"], record["id"], record["company_name"].rsplit(" ", 1)[1])


async def reseller_customers(
    connection: asyncpg.Connection, partner: Partner, limit: int
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(customer id, tenant id) of customers with a reseller relationship and an active
    DAP grant, from the end of the list (the list pages read its start)."""
    records = await connection.fetch(
        "SELECT c.id, c.tenant_id FROM relationships r JOIN customers c ON c.id = r.customer_id "
        "WHERE r.partner_id = $1 AND r.type = 'RESELLER' AND EXISTS (SELECT 1 FROM "
        "delegated_admin_grants g WHERE g.partner_id = r.partner_id AND "
        "g.customer_id = c.id AND g.status = 'ACTIVE') "
        "ORDER BY c.company_name DESC, c.id DESC LIMIT $2",
        partner.id,
        limit,
    )
    return [(record["id"], record["tenant_id"]) for record in records]
