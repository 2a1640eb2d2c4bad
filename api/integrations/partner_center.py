"""Revoking DAP in Microsoft's systems.

With `PARTNER_CENTER_URL` set, the revocation is a call to that endpoint; without
it (development, demos) the revocation is only recorded here. The call is
idempotent: revoking privileges that are already gone succeeds.
"""

import logging
from uuid import UUID

import httpx

from api.settings import Settings

logger = logging.getLogger("api.removals")

TIMEOUT_SECONDS = 30


class RevocationFailed(Exception):
    pass


async def revoke(settings: Settings, *, partner_tenant_id: UUID, customer_tenant_id: UUID) -> None:
    if not settings.partner_center_url:
        logger.info(
            "PARTNER_CENTER_URL unset: DAP of %s over %s recorded as revoked only",
            partner_tenant_id,
            customer_tenant_id,
        )
        return
    url = (
        f"{settings.partner_center_url.rstrip('/')}/v1/customers/{customer_tenant_id}"
        f"/delegatedAdmin/{partner_tenant_id}"
    )
    token = settings.partner_center_token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
        response = await client.delete(url, headers=headers)
    # 404: nothing left to revoke, e.g. a retry after a revocation that succeeded.
    if response.status_code not in (200, 202, 204, 404):
        raise RevocationFailed(f"partner center answered {response.status_code}")
