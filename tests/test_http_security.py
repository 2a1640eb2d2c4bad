"""What browsers are told: security headers on every HTML page, and which other
origins may call the API (ALLOWED_ORIGINS, for HTTP and websockets alike)."""

from collections.abc import AsyncIterator

import httpx
import pytest

from api.settings import Settings
from tests.support.processes import ApiProcess

DASHBOARD = "https://dashboard.example.test"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/", 200), ("/graphql", 200), ("/invitations/not-a-real-token-0123456789", 404)],
    ids=["dashboard", "GraphiQL", "invitation page"],
)
async def test_html_pages_carry_security_headers(
    http: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await http.get(path, headers={"Accept": "text/html"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.fixture(scope="module")
async def with_origins(migrated: Settings) -> AsyncIterator[httpx.AsyncClient]:
    settings = migrated.model_copy(update={"allowed_origins": [DASHBOARD]})
    async with (
        ApiProcess.running(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        yield client


async def preflight(client: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await client.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


async def test_an_allowed_origin_may_call_the_api(with_origins: httpx.AsyncClient) -> None:
    response = await preflight(with_origins, DASHBOARD)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == DASHBOARD
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers


async def test_another_origin_gets_no_allowance(with_origins: httpx.AsyncClient) -> None:
    response = await preflight(with_origins, "https://attacker.example.test")
    assert "access-control-allow-origin" not in response.headers
    answer = await with_origins.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Origin": "https://attacker.example.test"},
    )
    assert "access-control-allow-origin" not in answer.headers
