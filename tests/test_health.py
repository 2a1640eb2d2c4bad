"""Liveness and readiness: `/healthz` and `/readyz`."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from tests.support import factories
from tests.support.processes import ApiProcess
from tests.support.tokens import claims, hs256

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens there


async def test_healthz(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readyz_with_database_and_redis_up(http: httpx.AsyncClient) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "partnerCenter": "record only",
    }


@pytest.fixture(scope="module")
async def without_redis(migrated: Settings) -> AsyncIterator[httpx.AsyncClient]:
    settings = migrated.model_copy(update={"redis_url": UNREACHABLE_REDIS})
    async with (
        ApiProcess.running(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        yield client


async def test_readyz_without_redis(without_redis: httpx.AsyncClient) -> None:
    response = await without_redis.get("/readyz")
    assert response.status_code == 503, response.text
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "redis": "unavailable",
        "partnerCenter": "record only",
    }


async def test_alive_and_serving_reads_without_redis(
    without_redis: httpx.AsyncClient, settings: Settings
) -> None:
    assert (await without_redis.get("/healthz")).status_code == 200
    partner = await factories.partner(name="Still Here")
    assert settings.jwt_secret
    token = hs256(claims(settings, partner.tenant_id, "GLOBAL_ADMIN"), settings.jwt_secret)
    response = await without_redis.post(
        "/graphql",
        json={"query": "{ viewer { partner { name } } customers { totalCount } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {"viewer": {"partner": {"name": "Still Here"}}, "customers": {"totalCount": 0}}
    }


# ------------------------------------------------------------ the database unreachable

UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:1/unreachable"


def without_database_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"database_url": UNREACHABLE_DATABASE})


@pytest.fixture(scope="module")
async def without_database(migrated: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        ApiProcess.running(without_database_settings(migrated)) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        yield client


async def test_readyz_without_the_database(without_database: httpx.AsyncClient) -> None:
    assert (await without_database.get("/healthz")).status_code == 200
    response = await without_database.get("/readyz")
    assert response.status_code == 503, response.text
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "redis": "ok",
        "partnerCenter": "record only",
    }


async def test_a_database_outage_is_a_masked_error_with_a_request_id(
    settings: Settings, tmp_path: Path
) -> None:
    """docs/behaviour.md, "Errors": unexpected errors are masked and logged with a request id;
    a GraphQL client gets a GraphQL error it can quote."""
    assert settings.jwt_secret
    token = hs256(claims(settings, uuid.uuid4(), "GLOBAL_ADMIN"), settings.jwt_secret)
    log = tmp_path / "api.log"
    async with (
        ApiProcess.running(without_database_settings(settings), log=log) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        response = await client.post(
            "/graphql",
            json={"query": "{ viewer { userId } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
    logged = log.read_text()

    request_id = response.headers.get("x-request-id")
    assert request_id, response.headers
    assert response.headers["content-type"].startswith("application/json"), response.text
    [error] = response.json()["errors"]
    assert request_id in error["message"]
    assert "Traceback" not in response.text
    assert "refused" not in response.text.lower()
    assert request_id in logged, logged
