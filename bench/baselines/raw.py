"""The physical limits: plain Starlette endpoints, each run by uvicorn in its own
process (`uvicorn bench.baselines.raw:list_app`, …), configured by BENCH_* variables.

- `list_app`, POST /customers {"first", "after": [company name, id] | null, "search"}:
  the same page as the service's `customers` list, as JSON, from one hand-written
  asyncpg query in the same order (company name, id); it verifies nothing.
- `jwt_app`, POST /viewer: verifies the bearer token as the service does (PyJWT,
  HS256, audience, required claims) and returns its tenant: `{ viewer { tenantId } }`.
- `insert_app`, POST /invitations: one INSERT into a table like `invitations`.
"""

import base64
import json
import os
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.baselines import page_queries

POOL_SIZE = 10

_PAGE = """
SELECT c.id, c.tenant_id, c.company_name, c.default_domain, r.type,
       b.contact_name, b.contact_email, b.country, g.status, g.granted_at
FROM relationships r
JOIN customers c ON c.id = r.customer_id
LEFT JOIN billing_profiles b ON b.customer_id = c.id
LEFT JOIN LATERAL (
    SELECT d.status, d.granted_at FROM delegated_admin_grants d
    WHERE d.partner_id = r.partner_id AND d.customer_id = r.customer_id
    ORDER BY d.granted_at DESC LIMIT 1
) g ON true
WHERE r.partner_id = $1 {after} {search}
ORDER BY c.company_name, c.id
LIMIT $2
"""


_PAGE_SQL = page_queries(_PAGE)


def global_id(type_name: str, key: object) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def node(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": global_id("Customer", row["id"]),
        "tenantId": str(row["tenant_id"]),
        "companyName": row["company_name"],
        "defaultDomain": row["default_domain"],
        "relationshipToPartner": row["type"],
        "billingProfile": None
        if row["contact_email"] is None
        else {
            "contactName": row["contact_name"],
            "contactEmail": row["contact_email"],
            "address": {"country": row["country"]},
        },
        "delegatedAdmin": None
        if row["status"] is None
        else {"status": row["status"], "grantedAt": row["granted_at"].isoformat()},
    }


def _pool_lifespan(setup: str | None = None):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with asyncpg.create_pool(
            os.environ["BENCH_DATABASE_URL"], min_size=POOL_SIZE, max_size=POOL_SIZE
        ) as pool:
            if setup:
                await pool.execute(setup)
            app.state.pool = pool
            yield

    return lifespan


async def healthz(request: Request) -> Response:
    return Response("ok")


async def customers(request: Request) -> Response:
    body = json.loads(await request.body())
    after = body.get("after")
    search = body.get("search")
    args: list[Any] = [uuid.UUID(os.environ["BENCH_PARTNER_ID"]), int(body.get("first", 50))]
    if after:
        args += [after[0], uuid.UUID(after[1])]
    if search:
        args.append(_like(search))
    rows = await request.app.state.pool.fetch(_PAGE_SQL[(bool(after), bool(search))], *args)
    return JSONResponse({"data": {"customers": {"edges": [{"node": node(r)} for r in rows]}}})


list_app = Starlette(
    routes=[Route("/healthz", healthz), Route("/customers", customers, methods=["POST"])],
    lifespan=_pool_lifespan(),
)


async def viewer(request: Request) -> Response:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer":
            raise jwt.InvalidTokenError("no bearer token")
        claims = jwt.decode(
            token.strip(),
            os.environ["BENCH_JWT_SECRET"],
            algorithms=["HS256"],
            audience=os.environ["BENCH_JWT_AUDIENCE"],
            options={"require": ["exp", "sub", "tid", "aud"]},
        )
    except jwt.PyJWTError as error:
        return JSONResponse({"errors": [{"message": str(error)}]}, status_code=401)
    return JSONResponse({"data": {"viewer": {"tenantId": claims["tid"]}}})


jwt_app = Starlette(routes=[Route("/healthz", healthz), Route("/viewer", viewer, methods=["POST"])])

# A table like `invitations` (its columns, keys and indexes), fixed here so that the
# baseline does not change with the service's migrations.
_INVITATIONS = """
CREATE TABLE IF NOT EXISTS bench_raw_invitations (
    id uuid PRIMARY KEY,
    partner_id uuid NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    kind varchar(32) NOT NULL,
    status varchar(16) NOT NULL,
    customer_id uuid REFERENCES customers (id) ON DELETE SET NULL,
    recipient_email varchar(254),
    indirect_provider_id uuid REFERENCES partners (id) ON DELETE SET NULL,
    channel varchar(32),
    include_delegated_admin boolean NOT NULL DEFAULT true,
    token_salt varchar(32) NOT NULL,
    token_hash varchar(64) NOT NULL UNIQUE,
    language varchar(8) NOT NULL DEFAULT 'en',
    subject varchar(300) NOT NULL,
    body_template text NOT NULL,
    created_by varchar(200) NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz,
    accepted_at timestamptz,
    expires_at timestamptz NOT NULL,
    delivery_method varchar(16),
    send_count int NOT NULL DEFAULT 0,
    delivery_attempts int NOT NULL DEFAULT 0,
    last_delivery_error text
);
CREATE INDEX IF NOT EXISTS bench_raw_invitations_partner
    ON bench_raw_invitations (partner_id, created_at, id);
CREATE INDEX IF NOT EXISTS bench_raw_invitations_status
    ON bench_raw_invitations (status, expires_at);
"""

_INSERT = """
INSERT INTO bench_raw_invitations (id, partner_id, kind, status, recipient_email,
    token_salt, token_hash, subject, body_template, created_by, created_at, expires_at)
VALUES ($1, $2, 'NEW_CUSTOMER', 'DRAFT', $3, $4, $5, $6, $7, 'bench-user', $8, $9)
"""


async def invitations(request: Request) -> Response:
    body = json.loads(await request.body())
    now = datetime.now(UTC)
    invitation_id = uuid.uuid4()
    await request.app.state.pool.execute(
        _INSERT,
        invitation_id,
        uuid.UUID(os.environ["BENCH_PARTNER_ID"]),
        body.get("recipientEmail"),
        secrets.token_hex(16),
        secrets.token_hex(32),
        "Become our customer",
        "Accept here: {url}",
        now,
        now + timedelta(days=30),
    )
    return JSONResponse({"data": {"invitation": {"id": global_id("Invitation", invitation_id)}}})


insert_app = Starlette(
    routes=[Route("/healthz", healthz), Route("/invitations", invitations, methods=["POST"])],
    lifespan=_pool_lifespan(_INVITATIONS),
)
