"""Bearer tokens → principals.

A principal is who is calling: a user (`sub`) of a tenant (`tid`) holding roles.
Tokens are HS256 with `JWT_SECRET`, or RS256 with keys from `JWT_JWKS_URL`.
"""

import asyncio
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jwt

from api.settings import Settings


class AuthenticationError(Exception):
    """The request carries no usable token (HTTP 401, websocket close 4401)."""


@dataclass(frozen=True)
class Principal:
    user_id: str
    tenant_id: uuid.UUID
    roles: frozenset[str] = field(default_factory=frozenset)
    # When the token stops being valid (seconds since the epoch): a websocket
    # authenticated with it is closed then.
    expires_at: float | None = None


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @cached_property
    def _jwks(self) -> jwt.PyJWKClient | None:
        url = self._settings.jwt_jwks_url
        return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600) if url else None

    async def _key(self, token: str, algorithm: str) -> Any:
        if algorithm == "HS256" and self._settings.jwt_secret:
            return self._settings.jwt_secret
        if algorithm == "RS256" and self._jwks is not None:
            jwks = self._jwks
            try:
                # PyJWKClient fetches over blocking urllib (then caches): keep it off the loop.
                signing_key = await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)
            except jwt.PyJWKClientError as error:
                raise AuthenticationError(f"signing key not found: {error}") from error
            return signing_key.key
        raise AuthenticationError(f"tokens signed with {algorithm} are not accepted")

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            key = await self._key(token, str(header.get("alg")))
            claims = jwt.decode(
                token,
                key,
                algorithms=["HS256", "RS256"],
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": ["exp", "sub", "tid", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"invalid token: {error}") from error
        return _principal(claims)

    async def from_authorization(self, value: str | None) -> Principal:
        if not value:
            raise AuthenticationError("missing Authorization header")
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
        return await self.verify(token.strip())


def _principal(claims: dict[str, Any]) -> Principal:
    sub, tid, roles = claims["sub"], claims["tid"], claims.get("roles", [])
    if not isinstance(sub, str) or not sub or len(sub) > 200:
        raise AuthenticationError("invalid token: bad 'sub' claim")
    try:
        tenant_id = uuid.UUID(str(tid))
    except ValueError as error:
        raise AuthenticationError("invalid token: 'tid' is not a tenant id") from error
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise AuthenticationError("invalid token: 'roles' must be a list of strings")
    return Principal(
        user_id=sub, tenant_id=tenant_id, roles=frozenset(roles), expires_at=float(claims["exp"])
    )


def mint_token(
    settings: Settings,
    *,
    tenant_id: uuid.UUID | str,
    roles: Iterable[str],
    subject: str = "dev-user",
    ttl_seconds: int = 8 * 3600,
) -> str:
    """An HS256 token signed with `JWT_SECRET` (development and tests)."""
    if not settings.jwt_secret:
        raise RuntimeError("JWT_SECRET is not set")
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "tid": str(tenant_id),
        "roles": list(roles),
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
