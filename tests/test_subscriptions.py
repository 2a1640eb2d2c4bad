"""Live events over graphql-transport-ws: authentication, permissions, scoping, and
delivery across API processes through Redis pub/sub."""

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import websockets
from strawberry.relay import from_base64
from websockets.exceptions import ConnectionClosed

from api.customers.models import Customer
from api.jobs import JobContext
from api.partners.models import Partner, PartnerKind
from api.permissions import Role
from api.relationships.models import RelationshipType
from api.removals.revocation import REVOKE_DELEGATED_ADMIN, RevokeDelegatedAdmin
from api.settings import Settings
from tests.support import factories
from tests.support.documents import (
    ACCEPT,
    REMOVE_WITHOUT_GDAP,
    REQUEST,
    customer_id,
    partner_id,
    token_of,
)
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.processes import ApiProcess
from tests.support.servers import ApiServer
from tests.support.statements import recording_statements
from tests.support.websocket import PROTOCOL, Subscriber, subscriber

GA = Role.GLOBAL_ADMIN
ACCEPTED = """subscription {
  invitationAccepted {
    customerTenantId acceptedAt
    invitation { id status acceptedAt customer { companyName relationshipToPartner } }
  }
}"""
RELATIONSHIPS = "subscription { relationshipEvents { kind customerTenantId occurredAt } }"
LISTEN_TIMEOUT = 10


@asynccontextmanager
async def listening(
    api: ApiServer, gql: GraphQLClient, partner: Partner, query: str, role: str = GA
) -> AsyncIterator[Subscriber]:
    """A subscriber that the server has registered for the partner's events."""
    before = api.services.events.listener_count(partner.id)
    async with subscriber(api.ws_url, gql.token(partner.tenant_id, role)) as client:
        await client.subscribe(query)
        async with asyncio.timeout(LISTEN_TIMEOUT):
            await api.services.events.wait_for_listeners(partner.id, before + 1)
        yield client


async def invited_customer(
    gql: GraphQLClient, partner: Partner, provider: Partner | None = None
) -> tuple[Customer, str]:
    customer = await factories.customer()
    await factories.relate(partner, customer, RelationshipType.NONE)
    variables: dict[str, object] = {"customerId": customer_id(customer)}
    if provider is not None:
        variables["indirectProviderId"] = partner_id(provider)
    result = await gql(REQUEST, {"input": variables}, token=gql.token(partner.tenant_id, GA))
    invitation = result.ok()["requestResellerRelationship"]["invitation"]
    return customer, token_of(invitation["url"])


async def accept(gql: GraphQLClient, customer: Customer, token: str, url: str = "") -> None:
    response = await gql.http.post(
        f"{url}/graphql",
        json={"query": ACCEPT, "variables": {"input": {"token": token}}},
        headers={"Authorization": f"Bearer {gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN)}"},
    )
    assert response.json()["data"]["acceptInvitation"]["userErrors"] == []


async def test_no_token_closes_the_socket_with_4401(api: ApiServer) -> None:
    for payload in ({}, {"authorization": "Bearer not-a-token"}):
        async with websockets.connect(api.ws_url, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
            await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
            with pytest.raises(ConnectionClosed) as closed:
                await connection.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4401


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
async def test_a_forbidden_subscription_gets_an_error_and_the_socket_stays_open(
    api: ApiServer, gql: GraphQLClient, role: str
) -> None:
    partner = await factories.partner()
    async with subscriber(api.ws_url, gql.token(partner.tenant_id, role)) as client:
        for query in (ACCEPTED, RELATIONSHIPS):
            operation = await client.subscribe(query)
            message = await client.next()
            assert message["id"] == operation
            assert message["type"] == "error"
            assert message["payload"][0]["extensions"]["code"] == "FORBIDDEN"
        await client.connection.send('{"type": "ping"}')
        assert (await client.receive())["type"] == "pong"


async def test_a_customer_side_principal_cannot_subscribe(
    api: ApiServer, gql: GraphQLClient
) -> None:
    customer = await factories.customer()
    token = gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN)
    async with subscriber(api.ws_url, token) as client:
        await client.subscribe(ACCEPTED)
        message = await client.next()
        assert message["payload"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_inviter_and_the_provider_see_the_acceptance_live(
    api: ApiServer, gql: GraphQLClient, settings: Settings
) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER)
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER)
    await factories.link(provider, reseller)
    customer, token = await invited_customer(gql, reseller, provider)

    async with (
        listening(api, gql, reseller, ACCEPTED, Role.SALES_AGENT) as at_reseller,
        listening(api, gql, provider, ACCEPTED) as at_provider,
        listening(api, gql, reseller, RELATIONSHIPS) as relationships,
    ):
        await accept(gql, customer, token)
        await drain(settings)

        for client in (at_reseller, at_provider):
            event = (await client.next())["payload"]["data"]["invitationAccepted"]
            assert event["customerTenantId"] == str(customer.tenant_id)
            assert event["invitation"]["status"] == "ACCEPTED"
            assert event["invitation"]["customer"]["relationshipToPartner"] == "RESELLER"
        established = (await relationships.next())["payload"]["data"]["relationshipEvents"]
        assert established["kind"] == "ESTABLISHED"
        assert established["customerTenantId"] == str(customer.tenant_id)


async def test_another_partner_receives_nothing(
    api: ApiServer, gql: GraphQLClient, settings: Settings
) -> None:
    partner, other = await factories.partner(), await factories.partner()
    customer, token = await invited_customer(gql, partner)
    own_customer, own_token = await invited_customer(gql, other)

    async with listening(api, gql, other, ACCEPTED) as at_other:
        await accept(gql, customer, token)
        await drain(settings)
        # The other partner's own acceptance comes next; it must be the first it sees.
        await accept(gql, own_customer, own_token)
        await drain(settings)
        event = (await at_other.next())["payload"]["data"]["invitationAccepted"]
        assert event["customerTenantId"] == str(own_customer.tenant_id)


async def test_events_cross_api_processes(
    api: ApiServer, gql: GraphQLClient, settings: Settings
) -> None:
    """A dashboard on this process sees an acceptance made through another API process."""
    partner = await factories.partner()
    customer, token = await invited_customer(gql, partner)

    async with (
        ApiProcess.running(settings) as other_replica,
        listening(api, gql, partner, ACCEPTED) as dashboard,
    ):
        await accept(gql, customer, token, url=other_replica.url)
        await drain(settings)
        event = (await dashboard.next())["payload"]["data"]["invitationAccepted"]
        assert event["customerTenantId"] == str(customer.tenant_id)


async def test_graphiql_sends_the_authorization_header_when_it_subscribes(
    gql: GraphQLClient,
) -> None:
    page = await gql.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "wsConnectionParams" in page.text
    assert 'localStorage.getItem("graphiql:headers")' in page.text


async def test_a_socket_is_closed_when_its_token_expires(
    api: ApiServer, settings: Settings
) -> None:
    from api.http.auth import mint_token

    partner = await factories.partner()
    token = mint_token(settings, tenant_id=partner.tenant_id, roles=[GA], ttl_seconds=2)
    async with subscriber(api.ws_url, token) as client:
        await client.subscribe(ACCEPTED)
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                await client.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_each_relationship_event_carries_the_removal_as_of_that_event(
    api: ApiServer, gql: GraphQLClient, settings: Settings
) -> None:
    """REMOVED says PENDING and no DAP revoked yet, though the worker completed the
    removal before the event reached the subscriber; DELEGATED_ADMIN_REVOKED says
    COMPLETED."""
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    query = (
        "subscription { relationshipEvents { kind removal { status delegatedAdminRevoked "
        "completedAt } } }"
    )
    async with listening(api, gql, partner, query) as events:
        result = await gql(
            REMOVE_WITHOUT_GDAP,
            {"input": {"customerId": customer_id(customer), "attestationAccepted": True}},
            token=gql.token(partner.tenant_id, GA),
        )
        removal_id = uuid.UUID(
            from_base64(result.ok()["removeResellerRelationship"]["removal"]["id"])[1]
        )
        # The revocation completes before any event is published.
        job = JobContext(
            settings=settings, redis=api.services.redis, attempt=1, max_tries=settings.job_max_tries
        )
        await REVOKE_DELEGATED_ADMIN.run(job, RevokeDelegatedAdmin(removal_id=removal_id))
        await drain(settings)
        seen = [(await events.next())["payload"]["data"]["relationshipEvents"] for _ in range(2)]
    by_kind = {event["kind"]: event["removal"] for event in seen}
    assert by_kind["REMOVED"] == {
        "status": "PENDING", "delegatedAdminRevoked": False, "completedAt": None
    }  # fmt: skip
    assert by_kind["DELEGATED_ADMIN_REVOKED"]["status"] == "COMPLETED"
    assert by_kind["DELEGATED_ADMIN_REVOKED"]["delegatedAdminRevoked"] is True
    assert by_kind["DELEGATED_ADMIN_REVOKED"]["completedAt"] is not None


async def test_many_subscribers_of_a_partner_cost_the_reads_of_one(
    api: ApiServer, gql: GraphQLClient, settings: Settings
) -> None:
    """Every subscriber of a partner gets the same event from this process, and what
    they read for it (the invitation, its customer) is read once for all of them."""
    partner = await factories.partner()
    customer, token = await invited_customer(gql, partner)
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(listening(api, gql, partner, ACCEPTED))
            for _ in range(10)
        ]
        await accept(gql, customer, token)
        with recording_statements() as sent:
            await drain(settings)
            events = [(await client.next())["payload"]["data"] for client in clients]
    for event in events:
        seen = event["invitationAccepted"]["invitation"]["customer"]
        assert seen["companyName"] == customer.company_name
    invitation_reads = [
        sql for sql in sent if 'FROM "invitations"' in sql and '"indirect_provider_id"=' in sql
    ]
    customer_reads = [
        sql for sql in sent if 'FROM "relationships" LEFT OUTER JOIN "customers"' in sql
    ]
    assert len(invitation_reads) == 1, invitation_reads
    assert len(customer_reads) == 1, customer_reads
