"""A relationship's whole life, and what happens when things go wrong at the same time:
a worker killed half-way, removal racing an order or an acceptance."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from api.audit.models import AuditAction
from api.customers.models import Customer
from api.orders.models import Order
from api.partners.models import Partner
from api.permissions import Role
from api.relationships.models import (
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    Relationship,
    RelationshipType,
)
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.settings import Settings
from tests.support import factories
from tests.support.documents import (
    ACCEPT,
    AUDIT,
    PLACE_ORDER,
    REMOVE,
    REMOVE_WITHOUT_GDAP,
    REQUEST,
    SEND,
    customer_id,
    token_of,
)
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.partner_center import REMOVE_DAP, REMOVE_RELATIONSHIP, Running, bodies, serving
from tests.support.processes import CLI, ROOT, environment, free_port, stop
from tests.support.servers import ApiServer
from tests.support.websocket import subscriber

GA = Role.GLOBAL_ADMIN
ARQ = str(ROOT / ".venv" / "bin" / "arq") if (ROOT / ".venv/bin/arq").exists() else "arq"


@pytest.fixture
async def partner_center() -> AsyncIterator[Running]:
    async with serving() as stand_in:
        yield stand_in


async def mutate(gql: GraphQLClient, document: str, bearer: str, **input: object) -> dict:
    data = (await gql(document, {"input": input}, token=bearer)).ok()
    [payload] = data.values()
    return payload


async def resold(partner: Partner) -> Customer:
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    return customer


async def test_the_audit_trail_tells_the_whole_story(
    gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, RelationshipType.NONE)
    agent = gql.token(partner.tenant_id, Role.SALES_AGENT, sub="sales@partner")
    admin = gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN, sub="admin@customer")

    requested = await mutate(gql, REQUEST, agent, customerId=customer_id(customer))
    invitation = requested["invitation"]
    await mutate(gql, SEND, agent, invitationId=invitation["id"], delivery="MANUAL")
    await mutate(gql, ACCEPT, admin, token=token_of(invitation["url"]))
    await mutate(
        gql,
        PLACE_ORDER,
        agent,
        customerId=customer_id(customer),
        offerId="CFQ7TTC0LH18:0001",
        quantity=5,
    )
    await mutate(
        gql, REMOVE_WITHOUT_GDAP, agent, customerId=customer_id(customer), attestationAccepted=True
    )
    await drain(settings)

    result = await gql(AUDIT, token=gql.token(partner.tenant_id, GA))
    story = [
        (node["action"], node["actorUserId"])
        for node in (edge["node"] for edge in result.ok()["auditEvents"]["edges"])
    ]
    assert story == [
        (AuditAction.DELEGATED_ADMIN_REVOKED.value, "partner-connect-worker"),
        (AuditAction.RELATIONSHIP_REMOVED.value, "sales@partner"),
        (AuditAction.ORDER_PLACED.value, "sales@partner"),
        (AuditAction.INVITATION_ACCEPTED.value, "admin@customer"),
        (AuditAction.INVITATION_SENT.value, "sales@partner"),
        (AuditAction.RELATIONSHIP_REQUESTED.value, "sales@partner"),
    ]
    for edge in result.ok()["auditEvents"]["edges"]:
        assert edge["node"]["customerTenantId"] == str(customer.tenant_id)


async def test_a_removed_customer_can_be_invited_again(
    gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner()
    customer = await resold(partner)
    admin = gql.token(partner.tenant_id, GA)
    await mutate(gql, REMOVE, admin, customerId=customer_id(customer), attestationAccepted=True)
    await drain(settings)

    # It has left the list: invited again as a new customer, by email; it accepts with
    # the record Partner Connect keeps of it.
    again = await mutate(gql, REQUEST, admin, recipientEmail="it@contoso.example")
    customer_admin = gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN)
    accepted = await mutate(gql, ACCEPT, customer_admin, token=token_of(again["invitation"]["url"]))
    assert accepted == {"customerTenantId": str(customer.tenant_id), "userErrors": []}

    relationship = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
    assert relationship.type is RelationshipType.RESELLER
    grants = await DelegatedAdminGrant.filter(
        partner_id=partner.id, customer_id=customer.id
    ).order_by("granted_at")
    assert [grant.status for grant in grants] == [
        DelegatedAdminStatus.REVOKED,
        DelegatedAdminStatus.ACTIVE,
    ]
    removal = await RelationshipRemoval.get(partner_id=partner.id, customer_id=customer.id)
    assert removal.status is RemovalStatus.COMPLETED


WORKER_COMMANDS = {
    "partner-connect worker": lambda: [str(CLI), "worker", "--health-port", str(free_port())],
    "the arq runner": lambda: [ARQ, "workers.WorkerSettings"],
}


@pytest.mark.parametrize("command", WORKER_COMMANDS.values(), ids=WORKER_COMMANDS.keys())
async def test_a_worker_killed_mid_revocation_completes_after_restart(
    api: ApiServer,
    gql: GraphQLClient,
    settings: Settings,
    partner_center: Running,
    tmp_path: Path,
    command: Callable[[], list[str]],
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(partner_center.state.tenant_id))
    customer = await resold(partner)
    worker_settings = partner_center.settings(settings).model_copy(
        update={"job_timeout_seconds": 2}
    )
    env = environment(worker_settings)

    log = tmp_path / "workers.log"

    async def start_worker() -> asyncio.subprocess.Process:
        with log.open("ab") as output:  # the child keeps its own copy of the descriptor
            return await asyncio.create_subprocess_exec(
                *command(), cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=output
            )

    async def stop_worker(process: asyncio.subprocess.Process) -> None:
        if not await stop(process):
            raise AssertionError(f"the worker did not stop:\n{log.read_text()[-4000:]}")

    # Earlier tests' pending jobs are done first, so the worker below runs only ours.
    await drain(settings)
    # Microsoft revokes DAP, but the worker dies before hearing so.
    partner_center.state.hold = True
    await mutate(
        gql, REMOVE, gql.token(partner.tenant_id, GA),
        customerId=customer_id(customer), attestationAccepted=True,
    )  # fmt: skip
    worker = await start_worker()
    try:
        async with asyncio.timeout(30):
            await partner_center.state.called.wait()
    finally:
        worker.kill()
        await worker.wait()

    removal = await RelationshipRemoval.get(partner_id=partner.id)
    assert removal.status is RemovalStatus.PENDING
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.REVOKING

    partner_center.state.hold = False
    query = "subscription { relationshipEvents { kind removal { status } } }"
    async with subscriber(api.ws_url, gql.token(partner.tenant_id, GA)) as dashboard:
        await dashboard.subscribe(query)
        async with asyncio.timeout(10):
            await api.services.events.wait_for_listeners(partner.id)
        restarted = await start_worker()
        try:
            # arq hands the dead worker's job to another once its lease lapses.
            async with asyncio.timeout(60):
                while True:
                    event = (await dashboard.next())["payload"]["data"]["relationshipEvents"]
                    if event["kind"] == "DELEGATED_ADMIN_REVOKED":
                        break
        finally:
            await stop_worker(restarted)

    await removal.refresh_from_db()
    await grant.refresh_from_db()
    assert (removal.status, removal.delegated_admin_revoked) == (RemovalStatus.COMPLETED, True)
    assert grant.status is DelegatedAdminStatus.REVOKED
    # The DAP call was repeated, harmlessly, with the request id of the first.
    assert bodies(partner_center, customer.tenant_id) == [
        REMOVE_DAP, REMOVE_DAP, REMOVE_RELATIONSHIP
    ]  # fmt: skip
    first, again, _ = partner_center.state.calls
    assert first.headers["ms-requestid"] == again.headers["ms-requestid"]
    audit = await gql(
        AUDIT, {"action": "DELEGATED_ADMIN_REVOKED"}, token=gql.token(partner.tenant_id, GA)
    )
    assert len(audit.ok()["auditEvents"]["edges"]) == 1


async def test_removal_racing_an_order_ends_consistently(
    gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner()
    token = gql.token(partner.tenant_id, GA)
    for _ in range(5):
        customer = await resold(partner)
        removed, ordered = await asyncio.gather(
            mutate(gql, REMOVE, token, customerId=customer_id(customer), attestationAccepted=True),
            mutate(
                gql,
                PLACE_ORDER,
                token,
                customerId=customer_id(customer),
                offerId="OFFER-1",
                quantity=1,
            ),
        )
        assert removed["userErrors"] == []
        if ordered["userErrors"]:
            # The removal committed first: the customer was already gone.
            assert ordered["userErrors"][0]["code"] in ("NOT_FOUND", "NO_RESELLER_RELATIONSHIP")
        else:
            # The order committed first (its `customer` field, read after the commit,
            # may already be null: the removal may have committed since).
            assert await Order.exists(customer_id=customer.id, placed_by_id=partner.id)
        assert not await Relationship.exists(partner_id=partner.id, customer_id=customer.id)


async def test_removal_racing_an_acceptance_ends_consistently(
    gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner()
    token = gql.token(partner.tenant_id, GA)
    for _ in range(4):
        customer = await resold(partner)
        invitation = (await mutate(gql, REQUEST, token, recipientEmail="it@c.example"))[
            "invitation"
        ]
        customer_admin = gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN)
        removed, accepted = await asyncio.gather(
            mutate(gql, REMOVE, token, customerId=customer_id(customer), attestationAccepted=True),
            mutate(gql, ACCEPT, customer_admin, token=token_of(invitation["url"])),
        )
        assert removed["userErrors"] == []
        # Before the removal commits, the partner still resells: nothing to accept.
        assert [e["code"] for e in accepted["userErrors"]] in ([], ["ALREADY_RESELLER"])
        await drain(settings)
        # Whichever committed last wins, and the DAP state agrees with the list.
        listed = await Relationship.exists(partner_id=partner.id, customer_id=customer.id)
        latest = (
            await DelegatedAdminGrant.filter(partner_id=partner.id, customer_id=customer.id)
            .order_by("-granted_at")
            .first()
        )
        assert latest is not None
        assert (latest.status is DelegatedAdminStatus.ACTIVE) == listed
        removal = await RelationshipRemoval.get(customer_id=customer.id)
        assert removal.status is RemovalStatus.COMPLETED
