"""Bearer tokens → principals.

A principal is who is calling: a user (`sub`) of a tenant (`tid`) holding roles.
Tokens are HS256 with `JWT_SECRET`, or RS256 with keys from `JWT_JWKS_URL`.
"""

import asyncio
import time
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jwt

from api.settings import Settings

# A token is a few hundred bytes; one far larger is refused before it is decoded.
MAX_TOKEN_LENGTH = 8192
MAX_USER_ID_LENGTH = 200
MAX_ROLES = 32
MAX_ROLE_LENGTH = 64


class AuthenticationError(Exception):
    """The request carries no usable token (HTTP 401, websocket close 4401).

    `reason` tells clients what to say: "missing" (no token), "expired" (sign in
    again), or "invalid" (not a token of ours)."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Principal:
    user_id: str
    tenant_id: uuid.UUID
    roles: frozenset[str] = field(default_factory=frozenset)
    # When the token stops being valid (seconds since the epoch): a websocket
    # authenticated with it is closed then.
    expires_at: float | None = None


_INVALID = "The token is not valid: "

# The claims a token must or may hold, in words.
_CLAIMS = {
    "exp": "expiry time",
    "iat": "issue time",
    "sub": "user",
    "tid": "tenant",
    "aud": "audience",
    "iss": "issuer",
}


def _why_invalid(error: jwt.PyJWTError) -> str:
    """PyJWT's refusal, in words."""
    if isinstance(error, jwt.MissingRequiredClaimError):
        return _INVALID + f"it has no {_CLAIMS.get(error.claim, 'required claim')}."
    if isinstance(error, jwt.InvalidAudienceError):
        return _INVALID + "it is meant for another service."
    if isinstance(error, jwt.InvalidIssuerError):
        return _INVALID + "it comes from an issuer this service does not trust."
    if isinstance(error, jwt.InvalidSignatureError):
        return _INVALID + "its signature does not match."
    if isinstance(error, jwt.ImmatureSignatureError):
        return "The token is not valid yet."
    if isinstance(error, jwt.InvalidIssuedAtError):
        return _INVALID + "its issue time is wrong."
    return "The token is not valid."


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
            except jwt.PyJWKClientConnectionError as error:
                raise AuthenticationError(
                    "The token could not be checked: the identity provider's keys are out of "
                    "reach. Try again later."
                ) from error
            except jwt.PyJWKClientError as error:
                raise AuthenticationError(_INVALID + "its signing key is not known.") from error
            return signing_key.key
        if algorithm.lower() == "none":
            raise AuthenticationError(_INVALID + "it is not signed.")
        raise AuthenticationError(_INVALID + f"tokens signed with {algorithm} are not accepted.")

    async def verify(self, token: str) -> Principal:
        if len(token) > MAX_TOKEN_LENGTH:
            raise AuthenticationError(
                _INVALID + f"it is longer than {MAX_TOKEN_LENGTH} characters."
            )
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
        except jwt.ExpiredSignatureError as error:
            raise AuthenticationError("The token has expired: sign in again.", "expired") from error
        except jwt.PyJWTError as error:
            raise AuthenticationError(_why_invalid(error)) from error
        return _principal(claims, self._settings.jwt_max_lifetime_seconds)

    async def from_authorization(self, value: str | None) -> Principal:
        if not value:
            raise AuthenticationError(
                "Not signed in: send a token in the Authorization header.", "missing"
            )
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(
                "The Authorization header must be the word Bearer followed by the token."
            )
        return await self.verify(token.strip())


def _is_plain_text(value: str) -> bool:
    """No control, format (bidi), separator or surrogate characters: what goes into
    the audit log and `createdBy` is shown to people as it is."""
    return all(
        ch == " " or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp", "Zs"}
        for ch in value
    )


def _number(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    # PyJWT also takes numeric strings; RFC 7519 says NumericDate is a number.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AuthenticationError(_INVALID + f"its {_CLAIMS[name]} must be a number.")
    return float(value)


def _principal(claims: dict[str, Any], max_lifetime_seconds: float) -> Principal:
    sub, tid, roles = claims["sub"], claims["tid"], claims.get("roles", [])
    if (
        not isinstance(sub, str)
        or not 0 < len(sub) <= MAX_USER_ID_LENGTH
        or not _is_plain_text(sub)
    ):
        raise AuthenticationError(
            _INVALID + f"its user must be plain text of at most {MAX_USER_ID_LENGTH} characters."
        )
    if not isinstance(tid, str):
        raise AuthenticationError(_INVALID + "it does not name a valid tenant.")
    try:
        tenant_id = uuid.UUID(tid)
    except ValueError as error:
        raise AuthenticationError(_INVALID + "it does not name a valid tenant.") from error
    if (
        not isinstance(roles, list)
        or len(roles) > MAX_ROLES
        or not all(
            isinstance(role, str) and 0 < len(role) <= MAX_ROLE_LENGTH and _is_plain_text(role)
            for role in roles
        )
    ):
        raise AuthenticationError(
            _INVALID + f"its roles must be a list of at most {MAX_ROLES} role names."
        )
    expires_at = _number(claims, "exp")
    assert expires_at is not None, "PyJWT requires exp"
    issued_at = _number(claims, "iat")
    lifetime = expires_at - (issued_at if issued_at is not None else time.time())
    if lifetime > max_lifetime_seconds:
        raise AuthenticationError(
            _INVALID + f"it lives longer than the {max_lifetime_seconds:g} seconds allowed."
        )
    return Principal(
        user_id=sub, tenant_id=tenant_id, roles=frozenset(roles), expires_at=expires_at
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
