"""A plain Strawberry schema over the same tables: the customer list with the fields
the benchmark asks for, no permission extensions, DataLoaders for the billing profile
and the DAP grant (one query each per page), hand-written asyncpg queries. The token
is verified (PyJWT) and the partner found from its tenant, in the page's query.

    uvicorn bench.baselines.plain_strawberry:app
"""

import base64
import json
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import asyncpg
import jwt
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from bench.baselines import page_queries

POOL_SIZE = 10

_PAGE = """
SELECT c.id, c.tenant_id, c.company_name, c.default_domain, r.type
FROM relationships r JOIN customers c ON c.id = r.customer_id
WHERE r.partner_id = (SELECT id FROM partners WHERE tenant_id = $1) {after} {search}
ORDER BY c.company_name, c.id
LIMIT $2
"""


_PAGE_SQL = page_queries(_PAGE)


@strawberry.enum
class RelationshipToPartner(Enum):
    NONE = "NONE"
    RESELLER = "RESELLER"


@strawberry.enum
class DelegatedAdminStatus(Enum):
    ACTIVE = "ACTIVE"
    REVOKING = "REVOKING"
    REVOKED = "REVOKED"


@strawberry.type
class Address:
    country: str


@strawberry.type
class BillingProfile:
    contact_name: str | None
    contact_email: str
    address: Address | None


@strawberry.type
class DelegatedAdminGrant:
    status: DelegatedAdminStatus
    granted_at: datetime


@dataclass
class Loaders:
    billing: DataLoader[uuid.UUID, BillingProfile | None]
    grants: DataLoader[uuid.UUID, DelegatedAdminGrant | None]


@dataclass
class Context:
    pool: asyncpg.Pool
    partner_tenant: uuid.UUID
    loaders: Loaders


@strawberry.type
class Customer:
    id: strawberry.ID
    tenant_id: str
    company_name: str
    default_domain: str
    relationship_to_partner: RelationshipToPartner
    key: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def billing_profile(self, info: Info[Context, None]) -> BillingProfile | None:
        return await info.context.loaders.billing.load(self.key)

    @strawberry.field
    async def delegated_admin(self, info: Info[Context, None]) -> DelegatedAdminGrant | None:
        return await info.context.loaders.grants.load(self.key)


@strawberry.type
class CustomerEdge:
    cursor: str
    node: Customer


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class CustomerConnection:
    edges: list[CustomerEdge]
    page_info: PageInfo


def cursor(name: str, key: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(json.dumps([name, str(key)]).encode()).decode()


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@strawberry.type
class Query:
    @strawberry.field
    async def customers(
        self,
        info: Info[Context, None],
        first: int | None = 50,
        after: str | None = None,
        search: str | None = None,
    ) -> CustomerConnection:
        size = 50 if first is None else first
        args: list[Any] = [info.context.partner_tenant, size + 1]
        if after:
            name, key = json.loads(base64.urlsafe_b64decode(after.encode()))
            args += [name, uuid.UUID(key)]
        if search:
            args.append(_like(search))
        rows = await info.context.pool.fetch(_PAGE_SQL[(bool(after), bool(search))], *args)
        edges = [
            CustomerEdge(
                cursor=cursor(row["company_name"], row["id"]),
                node=Customer(
                    id=strawberry.ID(base64.b64encode(f"Customer:{row['id']}".encode()).decode()),
                    tenant_id=str(row["tenant_id"]),
                    company_name=row["company_name"],
                    default_domain=row["default_domain"],
                    relationship_to_partner=RelationshipToPartner(row["type"]),
                    key=row["id"],
                ),
            )
            for row in rows[:size]
        ]
        return CustomerConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None
            ),
        )


schema = strawberry.Schema(query=Query)


def _loaders(pool: asyncpg.Pool, partner_tenant: uuid.UUID) -> Loaders:
    async def billing(keys: Sequence[uuid.UUID]) -> list[BillingProfile | None]:
        rows = await pool.fetch(
            "SELECT customer_id, contact_name, contact_email, country FROM billing_profiles "
            "WHERE customer_id = ANY($1::uuid[])",
            list(keys),
        )
        found = {
            row["customer_id"]: BillingProfile(
                contact_name=row["contact_name"],
                contact_email=row["contact_email"],
                address=Address(country=row["country"]),
            )
            for row in rows
        }
        return [found.get(key) for key in keys]

    async def grants(keys: Sequence[uuid.UUID]) -> list[DelegatedAdminGrant | None]:
        rows = await pool.fetch(
            "SELECT DISTINCT ON (d.customer_id) d.customer_id, d.status, d.granted_at "
            "FROM delegated_admin_grants d JOIN partners p ON p.id = d.partner_id "
            "WHERE p.tenant_id = $1 AND d.customer_id = ANY($2::uuid[]) "
            "ORDER BY d.customer_id, d.granted_at DESC",
            partner_tenant,
            list(keys),
        )
        found = {
            row["customer_id"]: DelegatedAdminGrant(
                status=DelegatedAdminStatus(row["status"]), granted_at=row["granted_at"]
            )
            for row in rows
        }
        return [found.get(key) for key in keys]

    return Loaders(billing=DataLoader(load_fn=billing), grants=DataLoader(load_fn=grants))


class View(GraphQL[Context, None]):
    async def get_context(self, request: Any, response: Any) -> Context:
        _, _, token = request.headers.get("authorization", "").partition(" ")
        claims = jwt.decode(
            token.strip(),
            os.environ["BENCH_JWT_SECRET"],
            algorithms=["HS256"],
            audience=os.environ["BENCH_JWT_AUDIENCE"],
            options={"require": ["exp", "sub", "tid", "aud"]},
        )
        tenant = uuid.UUID(claims["tid"])
        pool = request.app.state.pool
        return Context(pool=pool, partner_tenant=tenant, loaders=_loaders(pool, tenant))


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    async with asyncpg.create_pool(
        os.environ["BENCH_DATABASE_URL"], min_size=POOL_SIZE, max_size=POOL_SIZE
    ) as pool:
        app.state.pool = pool
        yield


async def healthz(request: Request) -> Response:
    return Response("ok")


app = Starlette(
    routes=[
        Route("/healthz", healthz),
        Route("/graphql", View(schema, graphql_ide=None), methods=["POST"]),
    ],
    lifespan=lifespan,
)
