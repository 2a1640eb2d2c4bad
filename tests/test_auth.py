"""Authentication (docs/behaviour.md, "Principals and roles"): bearer tokens over HTTP, HS256 with
JWT_SECRET and RS256 with keys from an identity provider's JWKS URL."""

import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import pytest

from api.settings import Settings
from tests.support import factories
from tests.support.processes import ApiProcess
from tests.support.tokens import IdentityProvider, claims, hs256, rsa_key

VIEWER = "{ viewer { userId tenantId roles partner { name } } }"
OTHER_SECRET = "another-secret-" + "y" * 40
ISSUER = "https://login.example.test/common/v2.0"


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].lower().startswith("bearer")
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["message"]


async def post_viewer(http: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await http.post("/graphql", json={"query": VIEWER}, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signed(**overrides: Any) -> Callable[[Settings, uuid.UUID], dict[str, str]]:
    """Headers with an HS256 token signed with the right secret, claims overridden."""

    def build(settings: Settings, tenant_id: uuid.UUID) -> dict[str, str]:
        assert settings.jwt_secret
        payload = claims(settings, tenant_id, "GLOBAL_ADMIN", **overrides)
        return bearer(hs256(payload, settings.jwt_secret))

    return build


def raw(value: str | None) -> Callable[[Settings, uuid.UUID], dict[str, str]]:
    return lambda settings, tenant_id: {} if value is None else {"Authorization": value}


def other_secret(settings: Settings, tenant_id: uuid.UUID) -> dict[str, str]:
    return bearer(hs256(claims(settings, tenant_id, "GLOBAL_ADMIN"), OTHER_SECRET))


def unsigned(settings: Settings, tenant_id: uuid.UUID) -> dict[str, str]:
    return bearer(jwt.encode(claims(settings, tenant_id, "GLOBAL_ADMIN"), None, algorithm="none"))


BAD_CREDENTIALS = {
    "no Authorization header": raw(None),
    "empty Authorization header": raw(""),
    "Basic scheme": raw("Basic dXNlcjpwYXNzd29yZA=="),
    "Bearer without a token": raw("Bearer"),
    "Bearer with garbage": raw("Bearer not.a.jwt"),
    "bad signature": other_secret,
    "unsigned (alg none)": unsigned,
    "expired": signed(exp=int(time.time()) - 60),
    "wrong audience": signed(aud="another-api"),
    "no audience": signed(aud=None),
    "no expiry": signed(exp=None),
    "no subject": signed(sub=None),
    "no tenant": signed(tid=None),
    "tid is not a UUID": signed(tid="contoso.onmicrosoft.com"),
    "tid is a number": signed(tid=12345),
    "sub with a NUL": signed(sub="user\x00one"),
    "sub with an escape sequence": signed(sub="user\x1b[31mred"),
    "sub with a line separator": signed(sub="user\u2028two"),
    "sub with a bidi override": signed(sub="admin\u202egnp.exe"),
    "sub too long": signed(sub="u" * 201),
    "roles not a list": signed(roles="GLOBAL_ADMIN"),
    "a role with a newline": signed(roles=["GLOBAL_ADMIN\n"]),
    "too many roles": signed(roles=["GLOBAL_ADMIN"] * 33),
    "exp a numeric string": signed(exp=str(int(time.time()) + 600)),
    "exp a boolean": signed(exp=True),
    "lives longer than allowed": signed(exp=int(time.time()) + 2 * 24 * 3600),
    "no iat, lives longer than allowed": signed(iat=None, exp=int(time.time()) + 2 * 24 * 3600),
    "a token over 8 KiB": signed(padding="x" * 9000),
}


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS.values(), ids=BAD_CREDENTIALS.keys())
async def test_a_request_without_a_valid_token_is_refused(
    http: httpx.AsyncClient, settings: Settings, credentials: Callable[..., dict[str, str]]
) -> None:
    partner = await factories.partner()
    assert_unauthenticated(await post_viewer(http, credentials(settings, partner.tenant_id)))


async def test_a_valid_token_is_accepted(http: httpx.AsyncClient, settings: Settings) -> None:
    partner = await factories.partner(name="Northwind")
    response = await post_viewer(http, signed()(settings, partner.tenant_id))
    assert response.status_code == 200, response.text
    viewer = response.json()["data"]["viewer"]
    assert viewer["tenantId"] == str(partner.tenant_id)
    assert viewer["partner"] == {"name": "Northwind"}


async def test_graphiql_is_served_without_a_token(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_a_query_over_get_still_needs_a_token(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql", params={"query": VIEWER}, headers={"Accept": "application/json"}
    )
    assert_unauthenticated(response)


# ------------------------------------------------- an identity provider (RS256 + issuer)


@pytest.fixture(scope="module")
def identity_provider() -> IdentityProvider:
    return IdentityProvider()


@pytest.fixture(scope="module")
async def idp_settings(
    migrated: Settings, identity_provider: IdentityProvider
) -> AsyncIterator[Settings]:
    with identity_provider.serving() as jwks_url:
        yield migrated.model_copy(update={"jwt_jwks_url": jwks_url, "jwt_issuer": ISSUER})


@pytest.fixture(scope="module")
async def idp_http(idp_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An API that trusts the identity provider's keys and requires its issuer."""
    async with (
        ApiProcess.running(idp_settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        yield client


TokenFor = Callable[[IdentityProvider, Settings, uuid.UUID], str]


def idp_signed(**overrides: Any) -> TokenFor:
    return lambda idp, settings, tenant_id: idp.sign(
        claims(settings, tenant_id, "GLOBAL_ADMIN", **overrides)
    )


def secret_signed(**overrides: Any) -> TokenFor:
    def build(idp: IdentityProvider, settings: Settings, tenant_id: uuid.UUID) -> str:
        assert settings.jwt_secret
        return hs256(claims(settings, tenant_id, "GLOBAL_ADMIN", **overrides), settings.jwt_secret)

    return build


def foreign_key(kid: str | None) -> TokenFor:
    """RS256 signed by a key the identity provider never published."""

    def build(idp: IdentityProvider, settings: Settings, tenant_id: uuid.UUID) -> str:
        return idp.sign(claims(settings, tenant_id, "GLOBAL_ADMIN"), key=rsa_key(), kid=kid)

    return build


ACCEPTED_BY_IDP_API = {
    "RS256 from the identity provider": idp_signed(),
    "HS256 with the configured issuer": secret_signed(),
}

REFUSED_BY_IDP_API = {
    "RS256 signed by another key under the published kid": foreign_key(None),
    "RS256 signed by another key under an unknown kid": foreign_key("unknown-key"),
    "RS256 from another issuer": idp_signed(iss="https://evil.example.test/"),
    "RS256 without an issuer": idp_signed(iss=None),
    "RS256 for another audience": idp_signed(aud="another-api"),
    "RS256 expired": idp_signed(exp=int(time.time()) - 60),
    "HS256 from another issuer": secret_signed(iss="https://evil.example.test/"),
    "HS256 without an issuer": secret_signed(iss=None),
}


@pytest.mark.parametrize("token", ACCEPTED_BY_IDP_API.values(), ids=ACCEPTED_BY_IDP_API.keys())
async def test_identity_provider_tokens_are_accepted(
    idp_http: httpx.AsyncClient,
    idp_settings: Settings,
    identity_provider: IdentityProvider,
    token: TokenFor,
) -> None:
    partner = await factories.partner(name="Adatum")
    response = await post_viewer(
        idp_http, bearer(token(identity_provider, idp_settings, partner.tenant_id))
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"] == {
        "userId": "user-1",
        "tenantId": str(partner.tenant_id),
        "roles": ["GLOBAL_ADMIN"],
        "partner": {"name": "Adatum"},
    }


@pytest.mark.parametrize("token", REFUSED_BY_IDP_API.values(), ids=REFUSED_BY_IDP_API.keys())
async def test_tokens_the_identity_provider_did_not_issue_are_refused(
    idp_http: httpx.AsyncClient,
    idp_settings: Settings,
    identity_provider: IdentityProvider,
    token: TokenFor,
) -> None:
    partner = await factories.partner()
    response = await post_viewer(
        idp_http, bearer(token(identity_provider, idp_settings, partner.tenant_id))
    )
    assert_unauthenticated(response)


@pytest.mark.parametrize(
    ("credentials", "reason"),
    [
        (raw(None), "missing"),
        (signed(exp=int(time.time()) - 60), "expired"),
        (raw("Bearer not.a.jwt"), "invalid"),
        (other_secret, "invalid"),
    ],
    ids=["missing", "expired", "garbage", "bad signature"],
)
async def test_a_refusal_says_why_so_clients_can_word_it(
    http: httpx.AsyncClient,
    settings: Settings,
    credentials: Callable[..., dict[str, str]],
    reason: str,
) -> None:
    """A sign-in form tells an expired token from a garbage one."""
    partner = await factories.partner()
    response = await post_viewer(http, credentials(settings, partner.tenant_id))
    assert_unauthenticated(response)
    assert response.json()["errors"][0]["extensions"]["reason"] == reason
