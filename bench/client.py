"""The suite's own GraphQL calls (set-up and checks, never the measured load): tokens,
and the invitation steps the live and email figures need."""

import asyncio
import uuid
from typing import Any

import httpx
from strawberry import relay

from api.http.auth import mint_token
from api.settings import Settings

REQUEST = """mutation Request($input: RequestResellerRelationshipInput!) {
  requestResellerRelationship(input: $input) { invitation { id url } userErrors { code message } }
}"""
SEND = """mutation Send($input: SendInvitationInput!) {
  sendInvitation(input: $input) { invitation { id status } userErrors { code message } }
}"""
ACCEPT = """mutation Accept($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { customerTenantId userErrors { code message } }
}"""
REMOVE = """mutation Remove($input: RemoveResellerRelationshipInput!) {
  removeResellerRelationship(input: $input) { removal { id status } userErrors { code message } }
}"""


class CallFailed(RuntimeError):
    pass


def token(settings: Settings, tenant_id: uuid.UUID | str, role: str) -> str:
    return mint_token(settings, tenant_id=tenant_id, roles=[role], subject=f"bench-{role.lower()}")


def node_key(global_id: str) -> str:
    """The primary key inside a global id."""
    return relay.GlobalID.from_id(global_id).node_id


def customer_id(key: uuid.UUID | str) -> str:
    return relay.to_base64("Customer", str(key))


class GraphQL:
    def __init__(self, url: str, settings: Settings, default_token: str) -> None:
        self.url = url.rstrip("/") + "/graphql"
        self.settings = settings
        self.default_token = default_token
        self.http = httpx.AsyncClient(
            timeout=120, limits=httpx.Limits(max_connections=32, max_keepalive_connections=32)
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def raw(
        self, body: dict[str, Any], bearer: str | None = None, url: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {bearer or self.default_token}"}
        return await self.http.post(url or self.url, json=body, headers=headers)

    async def call(
        self, query: str, variables: dict[str, Any] | None = None, bearer: str | None = None
    ) -> dict[str, Any]:
        """The data of a call that must succeed: no HTTP error, no GraphQL error, no
        user error."""
        response = await self.raw({"query": query, "variables": variables or {}}, bearer)
        if response.status_code != 200:
            raise CallFailed(f"HTTP {response.status_code}: {response.text[:500]}")
        body = response.json()
        if body.get("errors"):
            raise CallFailed(f"GraphQL errors: {body['errors']}")
        data: dict[str, Any] = body["data"]
        for payload in data.values():
            if isinstance(payload, dict) and payload.get("userErrors"):
                raise CallFailed(f"user errors: {payload['userErrors']}")
        return data

    async def invite(self, recipient: str, delivery: str) -> tuple[str, str]:
        """A new customer's invitation, requested and sent: (global id, token)."""
        requested = await self.call(REQUEST, {"input": {"recipientEmail": recipient}})
        invitation = requested["requestResellerRelationship"]["invitation"]
        await self.call(SEND, {"input": {"invitationId": invitation["id"], "delivery": delivery}})
        return invitation["id"], invitation["url"].rsplit("/", 1)[1]

    async def accept(self, invitation_token: str, tenant: uuid.UUID) -> None:
        company = {
            "companyName": f"Accepted {tenant.hex[:8]}",
            "defaultDomain": f"accepted{tenant.hex[:8]}.onmicrosoft.com",
            "contactEmail": f"it@{tenant.hex[:8]}.example",
            "country": "JP",
        }
        await self.call(
            ACCEPT,
            {"input": {"token": invitation_token, "company": company}},
            bearer=token(self.settings, tenant, "CUSTOMER_ADMIN"),
        )

    async def remove(self, key: uuid.UUID) -> None:
        await self.call(
            REMOVE, {"input": {"customerId": customer_id(key), "attestationAccepted": True}}
        )


async def gather_limited(limit: int, *coroutines: Any) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(coroutine: Any) -> Any:
        async with gate:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines))
