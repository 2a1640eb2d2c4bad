"""The customer list as the database plans it. On PostgreSQL a page is read in keyset
order from the (company_name, id) index rather than by sorting every customer of the
partner, and a search can use the trigram index instead of reading every customer.
SQLite (the embedded default, for small books) reads the partner's relationships by
their index and sorts those.

The planner picks by statistics, and a test database is small enough for a full sort
to be cheapest; so sorting (or a sequential read) is discouraged for the query, and
the plan must manage without: it can only if the index is usable."""

import re
import uuid

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from api.customers.models import Customer, search_key
from api.relationships.customer_list import CUSTOMER_ORDER, search_customers
from tests.support import factories


async def plan(query: QuerySet, *, discourage: tuple[str, ...]) -> str:
    sql = query.sql(params_inline=True)
    async with in_transaction() as connection:
        assert isinstance(connection, BaseDBAsyncClient)
        if connection.capabilities.dialect == "postgres":
            for setting in discourage:
                await connection.execute_script(f"SET LOCAL {setting} = off")
            rows = await connection.execute_query_dict(f"EXPLAIN {sql}")
            return "\n".join(row["QUERY PLAN"] for row in rows)
        rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(row["detail"] for row in rows)


def dialect() -> str:
    return connections.get("default").capabilities.dialect


async def test_a_page_is_read_in_keyset_order_from_the_index(api: object) -> None:
    partner = await factories.partner()
    for name in ("Contoso", "Fabrikam", "Adatum"):
        await factories.relate(partner, await factories.customer(name))
    first_page = search_customers(partner, None).order_by(*CUSTOMER_ORDER.order_by).limit(51)
    found = await plan(first_page, discourage=("enable_sort",))
    if dialect() == "postgres":
        assert "Sort Key" not in found, found
        assert "idx_customers_company" in found, found
    else:
        assert "SEARCH relationships USING INDEX" in found, found
        assert "(partner_id=?)" in found, found


async def test_a_search_can_use_the_trigram_index(api: object) -> None:
    await factories.customer("Woodgrove Bank")
    # The condition exactly as the list writes it (the ORM casts, escapes, wraps in %).
    searching = Customer.filter(search_text__contains=search_key("woodgrove"))
    found = await plan(searching, discourage=("enable_seqscan",))
    if dialect() == "postgres":
        assert "customers_search_text_trigram" in found, found
    else:
        assert found == "SCAN customers", found


async def test_a_page_after_a_cursor_seeks_to_it_in_the_index(api: object) -> None:
    partner = await factories.partner()
    for name in ("Contoso", "Fabrikam", "Adatum"):
        await factories.relate(partner, await factories.customer(name))
    after = CUSTOMER_ORDER.after(("Contoso", uuid.UUID(int=0)))
    page = search_customers(partner, None).filter(after).order_by(*CUSTOMER_ORDER.order_by)
    found = await plan(page.limit(51), discourage=("enable_sort", "enable_seqscan"))
    if dialect() == "postgres":
        # The index scan starts at the cursor instead of filtering every row before it.
        assert re.search(r"Index Cond: \(\(?\(?company_name\)?(::text)? >= 'Contoso'", found), found
        assert "Sort Key" not in found, found
    else:
        assert "(partner_id=?)" in found, found
