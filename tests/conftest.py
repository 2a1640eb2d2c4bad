"""Test fixtures: a real database, a real Redis and a real uvicorn over HTTP.

By default the suite needs no server: SQLite in a temporary file and an embedded
Redis. With TEST_DATABASE_URL (a PostgreSQL server URL) and TEST_REDIS_URL set, the
same tests run on those servers, in a database and a key namespace of their own.
"""

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from api.db.migrate import migrate
from api.devtools.embedded_redis import EmbeddedRedis
from api.integrations.partner_center import PartnerCenterClient
from api.settings import Settings
from tests.support.graphql import GraphQLClient
from tests.support.logs import record_everything, secrets_in
from tests.support.mail import MailSink
from tests.support.partner_center import Running
from tests.support.partner_center import serving as serving_partner_center
from tests.support.servers import ApiServer

TEST_SECRET = "test-secret-" + "x" * 40
LOG = record_everything()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No log line of the whole run holds a token, an invitation link or a secret."""
    leaks = secrets_in(LOG.lines, [TEST_SECRET])
    if leaks:
        print("\nSecrets in the log of this run:", *leaks[:10], sep="\n  ")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        with tempfile.TemporaryDirectory(prefix="partner-connect-test-") as directory:
            yield f"sqlite://{Path(directory) / 'test.sqlite3'}"
        return
    name = f"pc_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = _with_database(server_url, "postgres").replace("postgres://", "postgresql://", 1)
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(server_url, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    with EmbeddedRedis() as embedded:
        yield embedded.url


@pytest.fixture(scope="session")
async def mail() -> AsyncIterator[MailSink]:
    sink = MailSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str, mail: MailSink) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        smtp_url=mail.url,
        redis_prefix=f"pc-test-{uuid.uuid4().hex[:8]}",
        jwt_secret=TEST_SECRET,
        public_base_url="https://connect.example.test",
        job_retry_base_seconds=0.05,
        job_max_tries=3,
    )


@pytest.fixture(scope="session")
async def migrated(settings: Settings) -> Settings:
    await migrate(settings.database_url)
    return settings


@pytest.fixture(scope="session")
async def api(migrated: Settings) -> AsyncIterator[ApiServer]:
    async with ApiServer.running(migrated) as server:
        yield server


@pytest.fixture
async def http(api: ApiServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api.url, timeout=30) as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient, settings: Settings) -> GraphQLClient:
    return GraphQLClient(http, settings)


@pytest.fixture
async def stand_in() -> AsyncIterator[Running]:
    """The stand-in Partner Center (and Entra ID), over HTTPS."""
    async with serving_partner_center() as running:
        yield running


@pytest.fixture
async def client(settings: Settings, stand_in: Running) -> AsyncIterator[PartnerCenterClient]:
    """Our Partner Center client, pointed at the stand-in."""
    pc = PartnerCenterClient(stand_in.settings(settings))
    yield pc
    await pc.aclose()
