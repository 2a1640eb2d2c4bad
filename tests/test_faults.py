"""Faults lose nothing: a Redis that the test owns goes away and comes back empty
while the API takes mutations and the worker holds a deferred job; a database the
test owns becomes unavailable and comes back.

The API and the worker run in their own processes, as in production, against those
servers; the shared test Redis and database are never touched.
"""

import asyncio
import contextvars
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from api.db.migrate import migrate
from api.db.relay import relay
from api.devtools.embedded_redis import EmbeddedRedis
from api.http.auth import mint_token
from api.invitations.models import Invitation
from api.partners.models import Partner
from api.permissions import Role
from api.settings import Settings
from tests.support import factories
from tests.support.documents import REQUEST, SEND
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.mail import MailSink
from tests.support.postgres import OwnedPostgres, postgres_programs
from tests.support.processes import ApiProcess
from tests.support.servers import ApiServer
from tests.support.workers import WorkerProcess

WAIT_SECONDS = 30


@pytest.fixture
def owned_redis() -> Iterator[EmbeddedRedis]:
    with EmbeddedRedis() as server:
        yield server


def recipient() -> str:
    return f"admin-{uuid.uuid4().hex[:10]}@faults.example"


async def invite_and_send(gql: GraphQLClient, partner: Partner, to: str) -> str:
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    requested = await gql(REQUEST, {"input": {"recipientEmail": to}}, token=token)
    invitation = requested.ok()["requestResellerRelationship"]["invitation"]
    sent = await gql(SEND, {"input": {"invitationId": invitation["id"]}}, token=token)
    payload = sent.ok()["sendInvitation"]
    assert payload["userErrors"] == [], payload
    return str(invitation["id"])


async def first_attempt_recorded(partner: Partner) -> None:
    async with asyncio.timeout(WAIT_SECONDS):
        attempted = Invitation.filter(partner_id=partner.id, delivery_attempts__gte=1)
        while not await attempted.exists():  # noqa: ASYNC110  # another process's progress
            await asyncio.sleep(0.05)


async def test_the_worker_rides_through_a_redis_restart_and_loses_no_job(
    api: ApiServer, migrated: Settings, mail: MailSink, owned_redis: EmbeddedRedis
) -> None:
    settings = migrated.model_copy(
        update={
            "redis_url": owned_redis.url,
            "redis_prefix": f"pc-faults-{uuid.uuid4().hex[:8]}",
            "outbox_relay_interval_seconds": 1,
            # A refused delivery is retried only after 30 s: a retry in time tells that
            # the job was offered again, not that its back-off ran out.
            "job_retry_base_seconds": 30,
        }
    )
    partner = await factories.partner()
    deferred = recipient()
    mail.refuse(deferred, times=1)
    async with (
        ApiProcess.running(settings) as api,
        WorkerProcess.running(settings) as worker,
        httpx.AsyncClient(base_url=api.url, timeout=30) as http,
    ):
        gql = GraphQLClient(http, settings)
        # A job in Redis when it goes: its first delivery refused, its retry deferred.
        await invite_and_send(gql, partner, deferred)
        await first_attempt_recorded(partner)

        owned_redis.stop_server()
        await worker.wait_until("unavailable")
        during = [recipient() for _ in range(3)]
        for to in during:  # every mutation commits while Redis is down
            await invite_and_send(gql, partner, to)

        owned_redis.start()  # empty: the deferred job is gone with the old server
        await worker.wait_until("ok")
        for to in [deferred, *during]:
            await mail.wait_for(to)
        assert worker.process.returncode is None  # the same process all along

    assert {to: len(mail.to(to)) for to in [deferred, *during]} == dict.fromkeys(
        [deferred, *during], 1
    )
    assert mail.refused[deferred] == 1


async def test_the_same_outbox_row_offered_again_has_one_effect(
    gql: GraphQLClient, api: ApiServer, settings: Settings, mail: MailSink
) -> None:
    """Relayed after its commit, then offered again by two full relays (as after a
    Redis restart) while its job still waits in the queue: one email."""
    partner = await factories.partner()
    to = recipient()
    await invite_and_send(gql, partner, to)
    for _ in range(2):
        await relay(api.services.redis, settings, redis_restarted=True)
    await drain(settings)
    await relay(api.services.redis, settings, redis_restarted=True)  # completed: not offered
    await drain(settings)
    await mail.wait_for(to)
    assert len(mail.to(to)) == 1


@pytest.fixture
async def own_postgres() -> AsyncIterator[OwnedPostgres]:
    """A migrated PostgreSQL of the test's own, in both runs: the embedded run's
    SQLite is a file in the process, and cannot be away while the process runs."""
    if not postgres_programs():
        pytest.skip("PostgreSQL's server programs are not installed (.ci/run installs them)")
    postgres = OwnedPostgres()
    try:
        postgres.start()
        await asyncio.create_task(migrate(postgres.url), context=contextvars.Context())
        yield postgres
    finally:
        postgres.remove()


async def test_a_database_outage_gives_clean_errors_and_recovers_without_restart(
    migrated: Settings, own_postgres: OwnedPostgres, tmp_path: Path
) -> None:
    settings = migrated.model_copy(update={"database_url": own_postgres.url})
    token = mint_token(settings, tenant_id=uuid.uuid4(), roles=["GLOBAL_ADMIN"])
    query = {"query": "{ viewer { tenantId partner { name } } }"}
    headers = {"Authorization": f"Bearer {token}"}
    log = tmp_path / "api.log"
    async with (
        ApiProcess.running(settings, log=log) as server,
        httpx.AsyncClient(base_url=server.url, timeout=60) as http,
    ):
        assert (await http.post("/graphql", json=query, headers=headers)).status_code == 200

        own_postgres.stop()
        during = await http.post("/graphql", json=query, headers=headers)
        ready = await http.get("/readyz")
        alive = await http.get("/healthz")
        own_postgres.start()

        after = await http.post("/graphql", json=query, headers=headers)
        ready_after = await http.get("/readyz")

    assert during.headers["content-type"].startswith("application/json")
    [error] = during.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert during.headers["x-request-id"] in error["message"]
    assert "Traceback" not in during.text
    assert (ready.status_code, ready.json()["database"]) == (503, "unavailable")
    assert alive.status_code == 200
    # The same process, without a restart:
    assert after.status_code == 200, after.text
    assert after.json()["data"]["viewer"]["partner"] is None
    assert ready_after.status_code == 200, ready_after.text
