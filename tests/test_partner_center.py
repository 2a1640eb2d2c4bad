"""Our Partner Center client against the stand-in (api/devtools/partner_center.py): real
HTTPS, real MSAL, only Microsoft faked. Tokens, 401s, 429s, 5xx, the headers, the
removal's two documented calls, and "already gone" counting as done."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from arq import Retry
from pydantic import ValidationError

from api.customers.models import Customer
from api.db.outbox import OutboxJob
from api.devtools.partner_center import Customer as StandInCustomer
from api.integrations import partner_center
from api.integrations.partner_center import Call, PartnerCenterClient, PartnerCenterError
from api.integrations.partner_center_notifications import Notification
from api.jobs import RetryLater
from api.partners.models import Partner
from api.permissions import Role
from api.relationships.models import DelegatedAdminGrant, DelegatedAdminStatus
from api.relationships.notifications import receive
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.removals.revocation import REVOKE_DELEGATED_ADMIN
from api.settings import Settings
from tests.support import factories
from tests.support.documents import REMOVE, customer_id
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.partner_center import REMOVE_DAP, REMOVE_RELATIONSHIP, Running, bodies
from tests.support.processes import ApiProcess
from tests.support.servers import ApiServer
from tests.support.workers import WorkerProcess
from workers.jobs import arq_function


def a_call(name: str = "test") -> Call:
    operation = uuid.uuid4()
    return Call(operation, partner_center.request_id(operation, name))


async def connected(stand_in: Running) -> Partner:
    return await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))


async def resold(partner: Partner) -> Customer:
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    return customer


async def remove(gql: GraphQLClient, partner: Partner, customer: Customer) -> None:
    result = await gql(
        REMOVE,
        {"input": {"customerId": customer_id(customer), "attestationAccepted": True}},
        token=gql.token(partner.tenant_id, Role.GLOBAL_ADMIN),
    )
    assert result.ok()["removeResellerRelationship"]["userErrors"] == []


# ------------------------------------------------------------------------------ tokens


async def test_one_token_from_the_refresh_token_grant_serves_many_calls(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    for _ in range(20):
        await client.remove_delegated_admin(uuid.uuid4(), a_call())

    assert [call.status for call in stand_in.state.calls] == [200] * 20
    [request] = stand_in.state.token_requests
    assert request["grant_type"] == "refresh_token"
    assert request["refresh_token"] == "0"  # the configured one
    assert "https://api.partnercenter.microsoft.com/.default" in request["scope"].split()
    assert len({call.headers["authorization"] for call in stand_in.state.calls}) == 1


async def test_a_401_renews_the_token_once_and_the_call_succeeds(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    customer = uuid.uuid4()
    await client.remove_delegated_admin(customer, a_call())
    stand_in.state.expire_tokens()  # Partner Center stops taking the token MSAL cached

    await client.remove_reseller_relationship(customer, a_call())

    assert [call.status for call in stand_in.state.calls] == [200, 401, 200]
    first, refused, renewed = (call.headers["authorization"] for call in stand_in.state.calls)
    assert first == refused != renewed
    # Renewed from MSAL's cache: with the refresh token Entra ID rotated, not the setting.
    assert [request["refresh_token"] for request in stand_in.state.token_requests] == ["0", "1"]


async def test_a_second_401_fails_the_attempt(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    stand_in.state.reject_tokens = True

    with pytest.raises(PartnerCenterError, match="401"):
        await client.remove_delegated_admin(uuid.uuid4(), a_call())

    assert [call.status for call in stand_in.state.calls] == [401, 401]
    assert len(stand_in.state.token_requests) == 2


async def test_a_refused_refresh_token_is_an_error_that_says_so(
    settings: Settings, stand_in: Running
) -> None:
    configured = stand_in.settings(settings).model_copy(
        update={"partner_center_refresh_token": "not-the-one"}
    )
    pc = PartnerCenterClient(configured)
    try:
        with pytest.raises(PartnerCenterError, match="invalid_grant"):
            await pc.remove_delegated_admin(uuid.uuid4(), a_call())
    finally:
        await pc.aclose()
    assert stand_in.state.calls == []


async def test_the_authority_must_be_https() -> None:
    with pytest.raises(ValidationError, match="https"):
        Settings(partner_center_authority_url="http://127.0.0.1:1")


@pytest.mark.parametrize(
    "given",
    [
        {"partner_center_url": "https://api.partnercenter.microsoft.com"},
        {"partner_center_client_id": "app", "partner_center_client_secret": "secret"},
    ],
)
def test_half_a_configuration_is_refused_at_start_up(given: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="PARTNER_CENTER_REFRESH_TOKEN"):
        Settings(**given)  # type: ignore[arg-type]


# ----------------------------------------------------------------- headers and failures


async def test_every_call_says_its_operation_and_request(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    call = a_call("remove-delegated-admin")
    stand_in.state.fail_next = [503]
    with pytest.raises(PartnerCenterError, match="503"):
        await client.remove_delegated_admin(uuid.uuid4(), call)
    await client.remove_delegated_admin(uuid.uuid4(), call)  # its retry

    failed, retried = stand_in.state.calls
    for recorded in (failed, retried):
        assert recorded.headers["ms-correlationid"] == str(call.correlation_id)
        assert recorded.headers["ms-requestid"] == str(call.request_id)
        assert recorded.headers["accept"] == "application/json"


async def test_a_request_id_is_kept_for_a_retry_and_new_for_a_new_request(
    api: ApiServer, settings: Settings, stand_in: Running
) -> None:
    """Two fetches of the same customer (two acceptances Partner Center notified),
    the first answered 503 once, then 404, the second answered: the 503's retry is the
    same request, the fetch after the 404 answer a new one (docs: MS-RequestId is reset
    after a response, success or business failure)."""
    partner = await connected(stand_in)
    tenant = uuid.uuid4()
    configured = stand_in.settings(settings)

    async def notified(minutes_ago: int) -> None:
        accepted = Notification(
            event_name="reseller-relationship-accepted-by-customer",
            resource_uri=f"https://api.partnercenter.microsoft.com/v1/customers/{tenant}",
            changed_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
        )
        await receive(partner, accepted, configured, digest=uuid.uuid4().hex)
        await drain(configured)

    stand_in.state.fail_next = [503]
    await notified(2)
    stand_in.state.customers[str(tenant)] = StandInCustomer(str(tenant), "Wide World Importers")
    await notified(1)

    unavailable, retried, answered = stand_in.state.calls
    assert [c.status for c in stand_in.state.calls] == [503, 404, 200]
    assert unavailable.headers["ms-requestid"] == retried.headers["ms-requestid"]
    assert answered.headers["ms-requestid"] != retried.headers["ms-requestid"]
    assert await Customer.exists(tenant_id=tenant)


async def test_a_429_says_when_to_come_back(client: PartnerCenterClient, stand_in: Running) -> None:
    stand_in.state.throttle = ["7", None, "100000"]
    waits = []
    for _ in range(3):
        with pytest.raises(RetryLater) as raised:
            await client.remove_delegated_admin(uuid.uuid4(), a_call())
        waits.append(raised.value.seconds)
    # Its Retry-After; the default without one; bounded above.
    assert waits == [7, partner_center.RETRY_AFTER_DEFAULT_SECONDS, 600]


async def test_a_429_defers_the_job_by_its_retry_after(
    gql: GraphQLClient, settings: Settings, stand_in: Running
) -> None:
    configured = stand_in.settings(settings)
    partner = await connected(stand_in)
    customer = await resold(partner)
    await remove(gql, partner, customer)
    removal = await RelationshipRemoval.get(partner_id=partner.id)
    [row] = [
        row
        for row in await OutboxJob.filter(function=REVOKE_DELEGATED_ADMIN.name, completed_at=None)
        if row.kwargs == {"removal_id": str(removal.id)}
    ]
    stand_in.state.throttle = ["42"]

    job = arq_function(REVOKE_DELEGATED_ADMIN, configured)
    with pytest.raises(Retry) as retry:
        await job.coroutine({"settings": configured, "redis": None, "job_try": 1}, str(row.id))

    assert retry.value.defer_score == 42_000  # arq's defer, in milliseconds
    await removal.refresh_from_db()
    assert removal.status is RemovalStatus.PENDING
    assert "429" in (removal.last_error or "")
    # The job queued at the commit runs it to the end.
    await drain(configured)
    await removal.refresh_from_db()
    assert removal.status is RemovalStatus.COMPLETED
    assert [c.status for c in stand_in.state.calls] == [429, 200, 200]


async def test_a_timeout_is_an_error_for_the_job_to_retry(
    settings: Settings, stand_in: Running
) -> None:
    stand_in.state.hold = True
    # Partner Center is slower than our patience.
    pc = PartnerCenterClient(stand_in.settings(settings), timeout=0.2)
    try:
        with pytest.raises(PartnerCenterError, match="timed out"):
            await pc.remove_delegated_admin(uuid.uuid4(), a_call())
    finally:
        await pc.aclose()


# -------------------------------------------------------------------------- removals


async def test_a_removal_sends_the_two_documented_calls_in_order(
    gql: GraphQLClient, settings: Settings, stand_in: Running
) -> None:
    partner = await connected(stand_in)
    customers = [await resold(partner) for _ in range(3)]
    for customer in customers:
        await remove(gql, partner, customer)

    await drain(stand_in.settings(settings))

    for customer in customers:
        assert bodies(stand_in, customer.tenant_id) == [REMOVE_DAP, REMOVE_RELATIONSHIP]
    assert {(c.method, c.path) for c in stand_in.state.calls} == {
        ("PATCH", f"/v1/customers/{customer.tenant_id}") for customer in customers
    }
    # Six calls, one token: the worker's client is the process's.
    assert len(stand_in.state.token_requests) == 1


@pytest.mark.parametrize("gone", ["relationship", "DAP"])
async def test_what_is_already_gone_in_partner_center_counts_as_done(
    gql: GraphQLClient, settings: Settings, stand_in: Running, gone: str
) -> None:
    partner = await connected(stand_in)
    customer = await resold(partner)
    tenant = str(customer.tenant_id)
    stand_in.state.customers[tenant] = StandInCustomer(
        tenant,
        relationship_to_partner="none" if gone == "relationship" else "reseller",
        allow_delegated_access=False,
    )
    await remove(gql, partner, customer)

    await drain(stand_in.settings(settings))

    removal = await RelationshipRemoval.get(partner_id=partner.id)
    assert (removal.status, removal.delegated_admin_revoked) == (RemovalStatus.COMPLETED, True)
    assert bodies(stand_in, customer.tenant_id) == [REMOVE_DAP, REMOVE_RELATIONSHIP]
    # Without the relationship, Partner Center answers error 3000 to both.
    expected = [400, 400] if gone == "relationship" else [200, 200]
    assert [c.status for c in stand_in.state.calls] == expected


async def test_a_customer_partner_center_does_not_know_counts_as_done(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    stand_in.state.strict = True
    customer = uuid.uuid4()
    await client.remove_delegated_admin(customer, a_call())
    await client.remove_reseller_relationship(customer, a_call())
    assert [c.status for c in stand_in.state.calls] == [404, 404]


async def test_calls_made_again_after_they_succeeded_succeed(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    customer = uuid.uuid4()
    for _ in range(2):  # say, a job that ran again after its commit was lost
        await client.remove_delegated_admin(customer, a_call())
        await client.remove_reseller_relationship(customer, a_call())
    assert [c.status for c in stand_in.state.calls] == [200, 200, 400, 400]


async def test_a_removal_by_another_partner_is_not_sent_as_the_configured_one(
    gql: GraphQLClient, settings: Settings, stand_in: Running
) -> None:
    other = await factories.partner()  # not the partner the credentials act for
    customer = await resold(other)
    await remove(gql, other, customer)

    await drain(stand_in.settings(settings))

    assert stand_in.state.calls == []
    removal = await RelationshipRemoval.get(partner_id=other.id)
    assert removal.status is RemovalStatus.FAILED
    assert "acts for partner tenant" in (removal.last_error or "")
    grant = await DelegatedAdminGrant.get(partner_id=other.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.REVOKING


async def test_the_customer_list_comes_in_pages_linked_by_continuation_tokens(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    tenants = sorted(str(uuid.uuid4()) for _ in range(5))
    for tenant in tenants:
        stand_in.state.customers[tenant] = StandInCustomer(tenant)

    pages = [page async for page in client.customers(uuid.uuid4(), size=2)]

    assert [[item["id"] for item in page] for page in pages] == [
        tenants[0:2],
        tenants[2:4],
        tenants[4:],
    ]
    first, *following = stand_in.state.calls
    assert "ms-continuationtoken" not in first.headers
    assert all(call.headers["ms-continuationtoken"] for call in following)
    assert len({call.headers["ms-requestid"] for call in stand_in.state.calls}) == 3


# ------------------------------------------------------------------ record-only mode


async def test_readyz_says_whether_removals_reach_partner_center(
    migrated: Settings, stand_in: Running, tmp_path: Path
) -> None:
    for configured, log in ((stand_in.settings(migrated), None), (migrated, tmp_path / "api.log")):
        async with (
            ApiProcess.running(configured, log=log) as server,
            httpx.AsyncClient(base_url=server.url, timeout=30) as http,
        ):
            response = await http.get("/readyz")
        assert response.status_code == 200, response.text
        expected = "configured" if configured.partner_center_configured else "record only"
        assert response.json()["partnerCenter"] == expected
    assert stand_in.state.token_requests == []  # /readyz does not call Microsoft
    assert log is not None
    [line] = [line for line in log.read_text().splitlines() if "only recorded" in line]
    assert "PARTNER_CENTER_URL unset" in line


async def test_the_workers_readyz_says_so_too(migrated: Settings, stand_in: Running) -> None:
    for configured, expected in (
        (migrated, "record only"),
        (stand_in.settings(migrated), "configured"),
    ):
        # A queue of its own: this worker must run no other test's jobs.
        own = configured.model_copy(update={"redis_prefix": f"pc-readyz-{uuid.uuid4().hex[:8]}"})
        async with WorkerProcess.running(own) as worker:
            readiness = await worker.readiness()
        assert readiness["status"] == "ok", readiness
        assert readiness["partnerCenter"] == expected
