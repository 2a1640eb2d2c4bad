"""Talking GraphQL to the server over HTTP, as a client would."""

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from api.http.auth import mint_token
from api.settings import Settings


@dataclass
class Result:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def codes(self) -> list[str | None]:
        return [error.get("extensions", {}).get("code") for error in self.errors]

    def ok(self) -> Any:
        assert self.status == 200, self.body
        assert not self.errors, self.errors
        return self.data


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.settings = settings

    def token(
        self, tenant_id: uuid.UUID | str, *roles: str, sub: str = "user-1", ttl_seconds: int = 3600
    ) -> str:
        return mint_token(
            self.settings, tenant_id=tenant_id, roles=roles, subject=sub, ttl_seconds=ttl_seconds
        )

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None
    ) -> Result:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        return Result(status=response.status_code, body=response.json())
