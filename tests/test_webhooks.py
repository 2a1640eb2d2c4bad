"""Outgoing webhooks: subscriptions of a partner's own systems, events delivered
signed (Standard Webhooks) through the outbox, retried, and endpoints that may not
be reached refused (docs/behaviour.md, "Webhooks")."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks import Webhook, WebhookVerificationError
from strawberry.relay import GlobalID

from api.actors import Actor
from api.audit.models import AuditAction, AuditEvent
from api.customers.models import Customer
from api.devtools import certificates
from api.integrations import webhooks as endpoint
from api.invitations.expiry import expire_invitations
from api.invitations.models import Invitation
from api.jobs import JobContext
from api.partners.models import Partner
from api.permissions import Role
from api.settings import Settings
from api.webhooks import subscriptions
from api.webhooks.delivery import DELIVER_WEBHOOK, DeliverWebhook
from api.webhooks.models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEventType,
    WebhookSubscription,
)
from tests.support import factories
from tests.support.documents import REMOVE_WITHOUT_GDAP, SEND, customer_id, token_of
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.webhook_receiver import Received, Receiver, receiving
from tests.test_invitations import accept, invite, known_customer

GA, AA, SA = Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT
Event = WebhookEventType

CREATE = """
mutation($input: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) {
    subscription { id url events description enabled }
    secret
    userErrors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdateWebhookSubscriptionInput!) {
  updateWebhookSubscription(input: $input) {
    subscription { id url events description enabled disabledReason consecutiveFailures }
    userErrors { field message code }
  }
}"""
DELETE = """
mutation($input: WebhookSubscriptionIdInput!) {
  deleteWebhookSubscription(input: $input) { deletedSubscriptionId userErrors { field code } }
}"""
ROTATE = """
mutation($input: WebhookSubscriptionIdInput!) {
  rotateWebhookSecret(input: $input) { secret userErrors { field code } }
}"""
SUBSCRIPTIONS = """
query { webhookSubscriptions { totalCount edges { node { id url events enabled } } } }"""
DELIVERIES = """
query($subscription: ID, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(subscriptionId: $subscription, status: $status, first: $first, after: $after) {
    edges { node { webhookId eventType status attempts responseStatus lastError nextAttemptAt
      deliveredAt subscription { id } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture
def worker_settings(settings: Settings) -> Settings:
    """The worker's: receivers of the tests listen on 127.0.0.1 over plain http."""
    return settings.model_copy(
        update={
            "webhook_allow_http": True,
            "webhook_allow_private_targets": True,
            "webhook_retry_delays_seconds": [0.05, 0.05, 0.05],
            "webhook_disable_after_failures": 2,
        }
    )


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as running:
        yield running


def admin(partner: Partner) -> Actor:
    return Actor(
        user_id="admin-1", tenant_id=partner.tenant_id, roles=frozenset({GA}), partner=partner
    )


async def subscribe(
    partner: Partner, receiver: Receiver, settings: Settings, *events: WebhookEventType
) -> tuple[WebhookSubscription, str]:
    """A subscription made by the same operation the mutation calls, with the worker's
    settings (the API's refuse the tests' loopback receivers, as they should)."""
    return await subscriptions.create(
        admin(partner),
        subscriptions.Endpoint(url=receiver.endpoint, events=list(events or Event)),
        settings=settings,
    )


async def resold(partner: Partner, name: str = "Contoso") -> Customer:
    customer = await factories.customer(name)
    await factories.relate(partner, customer, dap=True)
    return customer


async def remove(gql: GraphQLClient, partner: Partner, customer: Customer) -> None:
    result = await gql(
        REMOVE_WITHOUT_GDAP,
        {"input": {"customerId": customer_id(customer), "attestationAccepted": True}},
        token=gql.token(partner.tenant_id, GA, sub="remover"),
    )
    assert result.ok()["removeResellerRelationship"]["userErrors"] == []


def verified(request: Received, secret: str) -> dict:
    """The payload, once the receiver has checked its signature as Standard Webhooks
    receivers do."""
    payload: dict = Webhook(secret).verify(request.body, request.headers)
    return payload


def node(subscription: WebhookSubscription) -> str:
    return str(GlobalID("WebhookSubscription", str(subscription.id)))


# ------------------------------------------------------------------ subscriptions


async def test_a_subscription_shows_its_secret_once(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    token = gql.token(partner.tenant_id, AA)
    created = (
        await gql(
            CREATE,
            {
                "input": {
                    "url": "https://93.184.215.14/partner-connect",
                    "events": ["RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER", "INVITATION_SENT"],
                    "description": "PSA tickets",
                }
            },
            token=token,
        )
    ).ok()["createWebhookSubscription"]

    assert created["userErrors"] == []
    assert created["secret"].startswith("whsec_")
    assert created["subscription"]["events"] == [
        "RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER",
        "INVITATION_SENT",
    ]
    listed = (await gql(SUBSCRIPTIONS, token=token)).ok()["webhookSubscriptions"]
    assert listed["totalCount"] == 1
    assert created["secret"] not in json.dumps(listed)
    # The secret signs; it is not in the audit log.
    entry = await AuditEvent.get(
        partner_id=partner.id, action=AuditAction.WEBHOOK_SUBSCRIPTION_CREATED
    )
    assert created["secret"] not in json.dumps(entry.details)
    assert entry.details["url"] == "https://93.184.215.14/partner-connect"

    rotated = (
        await gql(ROTATE, {"input": {"id": created["subscription"]["id"]}}, token=token)
    ).ok()["rotateWebhookSecret"]
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]


async def test_only_admins_manage_webhooks(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    token = gql.token(partner.tenant_id, SA)
    result = await gql(
        CREATE,
        {"input": {"url": "https://93.184.215.14/", "events": ["INVITATION_SENT"]}},
        token=token,
    )
    assert result.codes == ["FORBIDDEN"]
    assert (await gql(SUBSCRIPTIONS, token=token)).codes == ["FORBIDDEN"]
    assert not await WebhookSubscription.exists(partner_id=partner.id)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://93.184.215.14/hook", "https://"),
        ("ftp://93.184.215.14/hook", "https://"),
        ("not an address", "https://"),
        ("https://127.0.0.1/hook", "private, loopback or link-local"),
        ("https://localhost:8443/hook", "private, loopback or link-local"),
        ("https://10.1.2.3/hook", "private, loopback or link-local"),
        ("https://192.168.0.10/hook", "private, loopback or link-local"),
        ("https://169.254.169.254/latest/meta-data", "private, loopback or link-local"),
        ("https://[::1]/hook", "private, loopback or link-local"),
        ("https://[::ffff:127.0.0.1]/hook", "private, loopback or link-local"),
        ("https://0.0.0.0/hook", "private, loopback or link-local"),
        ("https://user:secret@93.184.215.14/hook", "user name or password"),
        ("https://no-such-host.invalid/hook", "could not be found"),
        ("https://93.184.215.14/" + "a" * 2000, "at most 2000 characters"),
    ],
)
async def test_endpoints_we_may_not_send_to_are_refused(
    gql: GraphQLClient, url: str, why: str
) -> None:
    partner = await factories.partner()
    result = await gql(
        CREATE,
        {"input": {"url": url, "events": ["INVITATION_SENT"]}},
        token=gql.token(partner.tenant_id, GA),
    )
    payload = result.ok()["createWebhookSubscription"]
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID", ["url"])
    assert why in error["message"]
    assert payload["secret"] is None
    assert not await WebhookSubscription.exists(partner_id=partner.id)


async def test_a_subscription_needs_an_event_and_a_partner_has_at_most_twenty(
    gql: GraphQLClient,
) -> None:
    partner = await factories.partner()
    token = gql.token(partner.tenant_id, GA)

    async def create(events: list[str]) -> dict:
        result = await gql(
            CREATE, {"input": {"url": "https://93.184.215.14/", "events": events}}, token=token
        )
        return result.ok()["createWebhookSubscription"]

    [none] = (await create([]))["userErrors"]
    assert (none["code"], none["field"]) == ("INVALID", ["events"])
    for _ in range(subscriptions.MAX_SUBSCRIPTIONS):
        assert (await create(["INVITATION_SENT"]))["userErrors"] == []
    [limit] = (await create(["INVITATION_SENT"]))["userErrors"]
    assert limit["code"] == "LIMIT_REACHED"
    assert await WebhookSubscription.filter(partner_id=partner.id).count() == 20


async def test_deliveries_of_what_is_no_subscription_id_are_refused_as_invalid(
    gql: GraphQLClient,
) -> None:
    """Found by tests/test_fuzz.py: a bad id here was an internal error."""
    token = gql.token((await factories.partner()).tenant_id, GA)
    result = await gql(DELIVERIES, {"subscription": ""}, token=token)
    assert result.codes == ["INVALID"]
    assert result.errors[0]["extensions"]["field"] == ["subscriptionId"]


async def test_another_partners_subscription_is_unknown(gql: GraphQLClient) -> None:
    owner, other = await factories.partner(), await factories.partner()
    subscription, _ = await subscriptions.create(
        admin(owner),
        subscriptions.Endpoint(url="https://93.184.215.14/", events=[Event.INVITATION_SENT]),
        settings=gql.settings,
    )
    node_id = node(subscription)
    token = gql.token(other.tenant_id, GA)
    for document, name in (
        (UPDATE, "updateWebhookSubscription"),
        (DELETE, "deleteWebhookSubscription"),
        (ROTATE, "rotateWebhookSecret"),
    ):
        variables: dict = {"input": {"id": node_id}}
        if document is UPDATE:
            variables["input"]["enabled"] = False
        [error] = (await gql(document, variables, token=token)).ok()[name]["userErrors"]
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["id"])
    await subscription.refresh_from_db()
    assert subscription.enabled


# ------------------------------------------------------------------ delivery


async def test_each_event_reaches_a_healthy_receiver_once_signed(
    gql: GraphQLClient, worker_settings: Settings, receiver: Receiver
) -> None:
    partner = await factories.partner()
    customer = await resold(partner)
    subscription, secret = await subscribe(partner, receiver, worker_settings)

    await remove(gql, partner, customer)
    await drain(worker_settings)

    types = [verified(request, secret)["type"] for request in receiver.received]
    assert sorted(types) == ["dap-admin-relationship-terminated", "reseller-relationship-removed"]
    ids = {request.headers["webhook-id"] for request in receiver.received}
    assert len(ids) == 2
    removed = next(
        verified(r, secret) for r in receiver.received if "relationship-removed" in r.body
    )
    assert removed["data"]["customerTenantId"] == str(customer.tenant_id)
    assert removed["data"]["customerName"] == "Contoso"
    # A signature made with another secret, or over another body, does not verify.
    request = receiver.received[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(subscriptions.endpoint.new_secret()).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body.replace("Contoso", "Fabrikam"), request.headers)

    # The same delivery's job run again (the outbox relayed twice) sends nothing.
    delivery = await WebhookDelivery.filter(subscription_id=subscription.id).first()
    assert delivery is not None
    job = JobContext(settings=worker_settings, redis=None, attempt=1, max_tries=4)  # type: ignore[arg-type]
    await DELIVER_WEBHOOK.run(job, DeliverWebhook(delivery_id=delivery.id))
    assert len(receiver.received) == 2

    listed = (await gql(DELIVERIES, token=gql.token(partner.tenant_id, AA))).ok()[
        "webhookDeliveries"
    ]["edges"]
    assert {
        (e["node"]["status"], e["node"]["attempts"], e["node"]["responseStatus"]) for e in listed
    } == {("DELIVERED", 1, 200)}
    assert {e["node"]["webhookId"] for e in listed} == ids


async def test_a_failing_receiver_gets_the_same_delivery_again_until_it_takes_it(
    gql: GraphQLClient, worker_settings: Settings, receiver: Receiver
) -> None:
    partner = await factories.partner()
    customer = await resold(partner)
    await subscribe(partner, receiver, worker_settings, Event.RESELLER_RELATIONSHIP_REMOVED)
    receiver.statuses = [500, 503]

    await remove(gql, partner, customer)
    await drain(worker_settings)

    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    delivery = await WebhookDelivery.get(partner_id=partner.id)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        WebhookDeliveryStatus.DELIVERED,
        3,
        200,
    )
    assert delivery.last_error is None


async def test_a_receiver_that_keeps_failing_ends_failed_and_is_disabled(
    gql: GraphQLClient, worker_settings: Settings, receiver: Receiver
) -> None:
    partner = await factories.partner()
    first, second, third = [await resold(partner, name) for name in ("A", "B", "C")]
    subscription, _ = await subscribe(
        partner, receiver, worker_settings, Event.RESELLER_RELATIONSHIP_REMOVED
    )
    receiver.always = 500

    await remove(gql, partner, first)
    await remove(gql, partner, second)
    await drain(worker_settings)

    tries = len(worker_settings.webhook_retry_delays_seconds) + 1
    assert len(receiver.received) == 2 * tries
    failed = await WebhookDelivery.filter(subscription_id=subscription.id)
    assert {(d.status, d.attempts, d.response_status) for d in failed} == {
        (WebhookDeliveryStatus.FAILED, tries, 500)
    }
    assert {d.next_attempt_at for d in failed} == {None}
    await subscription.refresh_from_db()
    assert (subscription.enabled, subscription.consecutive_failures) == (False, 2)
    assert subscription.disabled_reason == "Disabled after 2 deliveries in a row failed."
    entry = await AuditEvent.get(
        partner_id=partner.id, action=AuditAction.WEBHOOK_SUBSCRIPTION_DISABLED
    )
    assert entry.details["subscriptionId"] == str(subscription.id)

    # Disabled: a later event is not delivered; turned on again, the next one is.
    await remove(gql, partner, third)
    await drain(worker_settings)
    assert len(receiver.received) == 2 * tries
    token = gql.token(partner.tenant_id, GA)
    node_id = node(subscription)
    enabled = (await gql(UPDATE, {"input": {"id": node_id, "enabled": True}}, token=token)).ok()[
        "updateWebhookSubscription"
    ]["subscription"]
    assert (enabled["enabled"], enabled["disabledReason"], enabled["consecutiveFailures"]) == (
        True,
        None,
        0,
    )


async def test_redirects_are_not_followed(
    gql: GraphQLClient, worker_settings: Settings, receiver: Receiver
) -> None:
    partner = await factories.partner()
    customer = await resold(partner)
    await subscribe(partner, receiver, worker_settings, Event.RESELLER_RELATIONSHIP_REMOVED)
    receiver.redirect_to = receiver.url + "/elsewhere"

    await remove(gql, partner, customer)
    await drain(worker_settings)

    assert receiver.with_path("/elsewhere") == []
    delivery = await WebhookDelivery.get(partner_id=partner.id)
    assert (delivery.status, delivery.response_status) == (WebhookDeliveryStatus.FAILED, 307)
    assert delivery.last_error == "The endpoint answered 307."


async def test_the_address_is_checked_again_before_each_delivery(
    gql: GraphQLClient, worker_settings: Settings, settings: Settings, receiver: Receiver
) -> None:
    """An endpoint allowed once (or a name that resolves elsewhere later) is checked
    by the worker as it sends, under the worker's own settings."""
    partner = await factories.partner()
    customer = await resold(partner)
    await subscribe(partner, receiver, worker_settings, Event.RESELLER_RELATIONSHIP_REMOVED)

    await remove(gql, partner, customer)
    strict = worker_settings.model_copy(update={"webhook_allow_private_targets": False})
    await drain(strict)

    assert receiver.received == []
    delivery = await WebhookDelivery.get(partner_id=partner.id)
    assert delivery.status is WebhookDeliveryStatus.FAILED
    assert "private, loopback or link-local" in (delivery.last_error or "")


async def test_after_a_rotation_both_secrets_verify_for_a_day(
    gql: GraphQLClient, worker_settings: Settings, receiver: Receiver
) -> None:
    partner = await factories.partner()
    customer = await resold(partner)
    subscription, old = await subscribe(
        partner, receiver, worker_settings, Event.RESELLER_RELATIONSHIP_REMOVED
    )
    _, new = await subscriptions.rotate_secret(admin(partner), subscription.id)

    await remove(gql, partner, customer)
    await drain(worker_settings)

    [request] = receiver.received
    assert verified(request, old) == verified(request, new)
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    # Once the day is over, only the new secret signs.
    await WebhookSubscription.filter(id=subscription.id).update(
        previous_secret_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    await subscription.refresh_from_db()
    assert subscriptions.signing_secrets(subscription, datetime.now(UTC)) == [new]


async def test_a_deleted_subscription_gets_nothing_more(
    gql: GraphQLClient, worker_settings: Settings, receiver: Receiver
) -> None:
    partner = await factories.partner()
    customer = await resold(partner)
    subscription, _ = await subscribe(partner, receiver, worker_settings)
    await remove(gql, partner, customer)  # deliveries wait in the outbox
    node_id = node(subscription)
    deleted = (
        await gql(DELETE, {"input": {"id": node_id}}, token=gql.token(partner.tenant_id, GA))
    ).ok()["deleteWebhookSubscription"]
    assert deleted == {"deletedSubscriptionId": node_id, "userErrors": []}

    await drain(worker_settings)

    assert receiver.received == []
    assert not await WebhookDelivery.exists(partner_id=partner.id)


# ------------------------------------------------------------------ events


async def test_invitation_events_reach_the_partners_systems(
    gql: GraphQLClient, worker_settings: Settings, receiver: Receiver
) -> None:

    partner = await factories.partner()
    _, secret = await subscribe(partner, receiver, worker_settings)
    customer = await known_customer(partner)
    invitation = await invite(gql, partner, customerId=customer_id(customer))
    sent = await gql(
        SEND,
        {"input": {"invitationId": invitation["id"], "delivery": "MANUAL"}},
        token=gql.token(partner.tenant_id, GA),
    )
    assert sent.ok()["sendInvitation"]["userErrors"] == []
    assert (await accept(gql, customer.tenant_id, token_of(invitation["url"])))["userErrors"] == []
    other = await known_customer(partner, "Northwind")
    expiring = await invite(gql, partner, customerId=customer_id(other))
    await Invitation.filter(id=GlobalID.from_id(expiring["id"]).node_id).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert await expire_invitations() >= 1
    await drain(worker_settings)

    events = {verified(r, secret)["type"]: verified(r, secret)["data"] for r in receiver.received}
    assert set(events) == {
        "invitation-sent",
        "reseller-relationship-accepted-by-customer",
        "invitation-expired",
    }
    assert events["invitation-sent"]["deliveryMethod"] == "MANUAL"
    accepted = events["reseller-relationship-accepted-by-customer"]
    assert accepted["customerTenantId"] == str(customer.tenant_id)
    assert accepted["delegatedAdminGranted"] is True
    assert events["invitation-expired"]["customerTenantId"] == str(other.tenant_id)


async def test_a_delivery_connects_only_to_the_address_it_checked(
    worker_settings: Settings, receiver: Receiver
) -> None:
    """DNS rebinding: a name whose answer changes between a check and the connection
    could lead inside. The delivery resolves the name once, as it connects, and connects
    to that checked address only: here a stand-in for DNS says where partner.example is,
    the system's resolver (which knows no such name) is never asked, and the same answer
    is refused where private addresses are not allowed."""
    host, port = "partner.example", receiver.url.rsplit(":", 1)[1]
    url = f"http://{host}:{port}/hooks"
    asked: list[tuple[str, int]] = []

    async def dns(name: str, port: int) -> list[str]:
        asked.append((name, port))
        return ["127.0.0.1"]

    status = await endpoint.post(
        url, "{}", {"content-type": "application/json"}, worker_settings, resolver=dns
    )

    assert status == 200
    assert asked == [(host, int(port))]
    [received] = receiver.received
    assert received.headers["host"] == f"{host}:{port}"

    strict = worker_settings.model_copy(update={"webhook_allow_private_targets": False})
    with pytest.raises(endpoint.TargetRefused, match="private, loopback or link-local"):
        await endpoint.post(url, "{}", {}, strict, resolver=dns)
    assert len(receiver.received) == 1


async def test_over_https_the_checked_address_is_verified_as_the_endpoints_name(
    worker_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connecting to the address it checked, the delivery still verifies the
    certificate against, and names in SNI, the endpoint's host: a certificate for
    another name is refused."""
    ca = certificates.authority("Webhook test CA")
    ca_file, _ = certificates.write(tmp_path, "ca", ca)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # trusted as a public CA would be

    async def dns(name: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    for name, delivered in (("partner.example", True), ("elsewhere.example", False)):
        cert_file, key_file = certificates.write(tmp_path, name, certificates.issued(ca, name))
        async with receiving(ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)) as tls:
            url = f"https://partner.example:{tls.url.rsplit(':', 1)[1]}/hooks"
            if delivered:
                assert await endpoint.post(url, "{}", {}, worker_settings, resolver=dns) == 200
                assert len(tls.received) == 1
            else:
                with pytest.raises(endpoint.NotDelivered):
                    await endpoint.post(url, "{}", {}, worker_settings, resolver=dns)
                assert tls.received == []


async def test_a_delivery_sends_any_address_as_httpx_would_and_tries_each_address(
    worker_settings: Settings, receiver: Receiver
) -> None:
    """An internationalised name goes out IDNA-encoded and a path percent-encoded; an
    address that refuses the connection gives way to the host's next one."""
    port = int(receiver.url.rsplit(":", 1)[1])
    asked: list[str] = []

    async def dns(name: str, port: int) -> list[str]:
        asked.append(name)
        return ["127.0.0.2", "127.0.0.1"]  # nothing listens on the first

    url = f"http://bücher.example:{port}/hooks/é?v=ü"
    assert await endpoint.post(url, "{}", {}, worker_settings, resolver=dns) == 200

    assert asked == ["xn--bcher-kva.example"]
    [received] = receiver.received
    assert received.path == "/hooks/é"
    assert received.headers["host"] == f"xn--bcher-kva.example:{port}"


async def test_a_name_that_never_resolves_is_given_up_in_the_delivery_timeout(
    worker_settings: Settings,
) -> None:
    async def silent(name: str, port: int) -> list[str]:
        await asyncio.Event().wait()  # a DNS server that never answers
        raise AssertionError("unreachable")

    quick = worker_settings.model_copy(update={"webhook_timeout_seconds": 0.2})
    with pytest.raises(endpoint.NotDelivered, match="did not answer in time"):
        await endpoint.post("https://partner.example/hooks", "{}", {}, quick, resolver=silent)


async def test_an_address_that_does_not_parse_is_refused_not_crashed_on(
    worker_settings: Settings,
) -> None:
    with pytest.raises(endpoint.TargetRefused, match="not a web address"):
        await endpoint.post("https://[::1/hooks", "{}", {}, worker_settings)
