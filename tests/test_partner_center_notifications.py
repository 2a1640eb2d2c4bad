"""Notifications from Partner Center (its webhooks): only what Partner Center signed is
applied, once however often it is delivered (docs/behaviour.md, "Notifications from
Partner Center")."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api.audit.models import AuditAction, AuditEvent
from api.customers.models import Customer
from api.devtools.certificates import Signer
from api.devtools.partner_center import Customer as Listed
from api.devtools.partner_center import GdapRelationship as GraphGdap
from api.integrations.partner_center_notifications import address_key
from api.partners.models import Partner
from api.relationships.models import (
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    GdapRelationship,
    GdapStatus,
    PartnerCenterNotification,
    Relationship,
    RelationshipType,
)
from api.relationships.notifications import (
    NOT_CONFIRMED,
    RECEIVED,
    STALE,
    UNANSWERED,
    UNCONFIRMABLE,
)
from api.settings import Settings
from api.webhooks.models import WebhookEventType
from tests.support import factories
from tests.support.jobs import drain
from tests.support.partner_center import Running
from tests.support.partner_center_notifications import (
    SIGNER,
    PartnerCenterNotifier,
    authority,
    issued,
    notifying,
)
from tests.support.processes import environment, partner_connect
from tests.support.servers import ApiServer
from tests.support.webhook_receiver import Receiver, receiving
from tests.test_webhooks import subscribe

PARTNER_CENTER = "https://api.partnercenter.microsoft.com/v1"


@pytest.fixture(scope="module")
async def notifier(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[PartnerCenterNotifier]:
    async with notifying(Path(tmp_path_factory.mktemp("partner-center"))) as running:
        yield running


@pytest.fixture(scope="module")
def trusting(settings: Settings, notifier: PartnerCenterNotifier) -> Settings:
    """The API's settings, trusting the test's Partner Center as Microsoft's is trusted."""
    return settings.model_copy(
        update={
            "partner_center_notification_certificate_urls": [notifier.url + "/cert/"],
            "partner_center_notification_issuer_urls": [notifier.url + "/issuers/"],
            "partner_center_notification_ca_file": str(notifier.ca_file),
            "webhook_allow_http": True,
            "webhook_allow_private_targets": True,
            "webhook_retry_delays_seconds": [0.05],
        }
    )


@pytest.fixture(scope="module")
async def api_trusting(api: ApiServer, trusting: Settings) -> AsyncIterator[ApiServer]:
    async with ApiServer.alongside(trusting) as server:
        yield server


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiving() as running:
        yield running


def endpoint(api: ApiServer, partner: Partner) -> str:
    """The partner's address, as `partner_center_notifications.address` gives it."""
    key = address_key(api.settings, partner.tenant_id)
    return f"{api.url}/webhooks/partner-center/{partner.tenant_id}/{key}"


async def outcome(partner: Partner) -> list[str]:
    """What became of the partner's notifications, as its audit log says."""
    entries = await AuditEvent.filter(
        partner_id=partner.id, action=AuditAction.PARTNER_CENTER_NOTIFIED
    ).order_by("occurred_at")
    return [e.details["outcome"] for e in entries]


def listing(
    stand_in: Running,
    customer: Customer,
    *,
    relationship_to_partner: str = "reseller",
    allow_delegated_access: bool = True,
) -> None:
    """Partner Center lists `customer` as the stand-in's partner's (and knows no other)."""
    stand_in.state.strict = True
    tenant = str(customer.tenant_id)
    stand_in.state.customers[tenant] = Listed(
        tenant, customer.company_name, relationship_to_partner, allow_delegated_access
    )


def customer_uri(customer: Customer) -> str:
    return f"{PARTNER_CENTER}/customers/{customer.tenant_id}"


async def test_dap_ended_by_the_customer_is_revoked_once(
    api_trusting: ApiServer,
    notifier: PartnerCenterNotifier,
    trusting: Settings,
    stand_in: Running,
    receiver: Receiver,
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    listing(stand_in, customer, allow_delegated_access=False)
    await subscribe(partner, receiver, trusting, WebhookEventType.DAP_ADMIN_RELATIONSHIP_TERMINATED)
    body = notifier.body("dap-admin-relationship-terminated", customer_uri(customer))

    first = await notifier.send(endpoint(api_trusting, partner), body)
    again = await notifier.send(endpoint(api_trusting, partner), body)
    await drain(stand_in.settings(trusting))

    assert (first.status_code, first.json()) == (200, {"outcome": RECEIVED})
    assert (again.status_code, again.json()) == (
        200,
        {"outcome": "Already received: nothing changed."},
    )
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.REVOKED
    assert await PartnerCenterNotification.filter(partner_id=partner.id).count() == 1
    entries = await AuditEvent.filter(
        partner_id=partner.id, action=AuditAction.PARTNER_CENTER_NOTIFIED
    )
    assert [e.details["outcome"] for e in entries] == ["Delegated admin privileges ended."]
    assert [r.body for r in receiver.received if "dap-admin" in r.body] == [
        receiver.received[0].body
    ]
    assert len(receiver.received) == 1
    # Partner Center was asked once, as this partner.
    assert [c.path for c in stand_in.state.calls] == [f"/v1/customers/{customer.tenant_id}"]
    # The reseller relationship itself stays: only DAP ended.
    relationship = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
    assert relationship.type is RelationshipType.RESELLER


async def test_concurrent_redeliveries_have_one_effect(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier
) -> None:
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    body = notifier.body("dap-admin-relationship-terminated-by-microsoft", customer_uri(customer))

    answers = await asyncio.gather(
        *(notifier.send(endpoint(api_trusting, partner), body) for _ in range(5))
    )

    outcomes = sorted(answer.json()["outcome"] for answer in answers)
    assert outcomes == ["Already received: nothing changed."] * 4 + [RECEIVED]
    assert await PartnerCenterNotification.filter(partner_id=partner.id).count() == 1


async def test_a_customer_accepting_through_microsoft_becomes_a_reseller_relationship(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier, trusting: Settings, stand_in: Running
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    customer = await factories.customer("Tailspin Toys")
    await factories.relate(partner, customer, RelationshipType.NONE)
    listing(stand_in, customer)
    # Partner Center lists this one without a reseller relationship: not confirmed.
    declined = await factories.customer("Declined")
    await factories.relate(partner, declined, RelationshipType.NONE)
    listing(stand_in, declined, relationship_to_partner="none")

    for accepted in (customer, declined):
        answer = await notifier.send(
            endpoint(api_trusting, partner),
            notifier.body("reseller-relationship-accepted-by-customer", customer_uri(accepted)),
        )
        assert answer.json() == {"outcome": RECEIVED}
    await drain(stand_in.settings(trusting))

    assert sorted(await outcome(partner)) == sorted(
        ["Reseller relationship established.", NOT_CONFIRMED]
    )
    relationship = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
    assert relationship.type is RelationshipType.RESELLER
    assert relationship.established_at is not None
    relationship = await Relationship.get(partner_id=partner.id, customer_id=declined.id)
    assert relationship.type is RelationshipType.NONE


async def test_gdap_status_follows_partner_centers_notifications(
    api_trusting: ApiServer,
    notifier: PartnerCenterNotifier,
    trusting: Settings,
    stand_in: Running,
    receiver: Receiver,
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    customer = await factories.customer()
    await factories.relate(partner, customer)
    gdap = await factories.gdap(partner, customer, "Helpdesk")
    graph_id = f"{uuid.uuid4()}-{uuid.uuid4()}"
    await GdapRelationship.filter(id=gdap.id).update(graph_id=graph_id)
    stand_in.state.gdap_relationships.append(
        GraphGdap(str(customer.tenant_id), "Helpdesk", status="expired", id=graph_id)
    )
    await subscribe(
        partner, receiver, trusting, WebhookEventType.GRANULAR_ADMIN_RELATIONSHIP_EXPIRED
    )
    uri = f"https://graph.microsoft.com/v1.0/tenantRelationships/delegatedAdminRelationships/{graph_id}"

    expired = await notifier.send(
        endpoint(api_trusting, partner),
        notifier.body("granular-admin-relationship-expired", uri, resource_name="GDAP"),
    )
    await drain(stand_in.settings(trusting))

    assert expired.json() == {"outcome": RECEIVED}
    assert await outcome(partner) == ["GDAP relationship now EXPIRED."]
    await gdap.refresh_from_db()
    assert gdap.status is GdapStatus.EXPIRED
    [delivered] = receiver.received
    assert '"type":"granular-admin-relationship-expired"' in delivered.body
    assert graph_id in delivered.body


async def test_a_notification_for_no_partner_of_ours_is_not_found(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier
) -> None:
    customer = await factories.customer()
    body = notifier.body("dap-admin-relationship-terminated", customer_uri(customer))
    tenant = uuid.uuid4()
    address = f"{api_trusting.url}/webhooks/partner-center/{tenant}"
    answer = await notifier.send(f"{address}/{address_key(api_trusting.settings, tenant)}", body)
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_address_without_the_partners_key_is_not_found_and_fetches_nothing(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier
) -> None:
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    body = notifier.body("dap-admin-relationship-terminated", customer_uri(customer))
    other = await factories.partner(name="Litware")
    address = f"{api_trusting.url}/webhooks/partner-center/{partner.tenant_id}"
    fetched_before = len(notifier.fetches)

    for wrong in (
        address,
        f"{address}/{address_key(api_trusting.settings, other.tenant_id)}",
        endpoint(api_trusting, partner)[:-1],
    ):
        answer = await notifier.send(wrong, body)
        assert answer.status_code == 404, wrong
        assert answer.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    assert len(notifier.fetches) == fetched_before
    assert not await PartnerCenterNotification.exists(partner_id=partner.id)


def _forgeries(
    notifier: PartnerCenterNotifier, body: bytes
) -> dict[str, tuple[bytes, dict[str, str]]]:
    """Each way a request may fail to be Partner Center's, with the body it sends."""
    good = notifier.headers(body)
    stranger = authority("Someone Else")
    impostor = issued(stranger, SIGNER)
    wrong_name = issued(notifier.root, "attacker.example")
    genuine = notifier.signer.certificate
    return {
        "no signature": (body, {k: v for k, v in good.items() if k != "Authorization"}),
        "another scheme": (body, {**good, "Authorization": "Bearer " + good["Authorization"][10:]}),
        "not base64": (body, {**good, "Authorization": "Signature !!!"}),
        "another algorithm": (body, {**good, "X-MS-Signature-Algorithm": "rsa-sha1"}),
        "the body changed after signing": (body.replace(b"terminated", b"approved"), good),
        "signed by another key": (body, notifier.headers(body, signer=impostor)),
        "a certificate of another authority": (
            body,
            notifier.headers(
                body,
                signer=impostor,
                certificate_url=notifier.serve("/cert/impostor.cer", impostor.certificate),
            ),
        ),
        "a certificate for another host": (
            body,
            notifier.headers(
                body,
                signer=wrong_name,
                certificate_url=notifier.serve("/cert/wrong-name.cer", wrong_name.certificate),
            ),
        ),
        # The genuine certificate, served where it may not be fetched from: only the
        # allowed addresses keep these out.
        "a certificate address not allowed": (
            body,
            notifier.headers(body, certificate_url=notifier.serve("/elsewhere/pc.cer", genuine)),
        ),
        "an address climbing out of the allowed one": (
            body,
            notifier.headers(
                body,
                certificate_url=notifier.serve("/elsewhere/up.cer", genuine).replace(
                    "/elsewhere/", "/cert/../elsewhere/"
                ),
            ),
        ),
        # A server resolves %2e%2e as "..": the allowed prefix is compared decoded.
        "an address climbing out percent-encoded": (
            body,
            notifier.headers(
                body,
                certificate_url=notifier.serve("/elsewhere/encoded.cer", genuine).replace(
                    "/elsewhere/", "/cert/%2e%2E/elsewhere/"
                ),
            ),
        ),
        "no certificate address": (
            body,
            {k: v for k, v in good.items() if k != "X-MS-Certificate-Url"},
        ),
    }


async def test_anything_partner_center_did_not_sign_changes_nothing(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier
) -> None:
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    body = notifier.body("dap-admin-relationship-terminated", customer_uri(customer))
    fetched_before = list(notifier.fetches)

    for why, (sent, headers) in _forgeries(notifier, body).items():
        answer = await notifier.send(endpoint(api_trusting, partner), sent, headers)
        assert answer.status_code == 401, why
        assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", why

    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.ACTIVE
    assert not await PartnerCenterNotification.exists(partner_id=partner.id)
    assert not await AuditEvent.exists(
        partner_id=partner.id, action=AuditAction.PARTNER_CENTER_NOTIFIED
    )
    # Nothing is fetched from an address outside the allowed ones.
    assert not [
        path for path in notifier.fetches[len(fetched_before) :] if not path.startswith("/cert/")
    ]
    # And the genuine notification still works afterwards.
    answer = await notifier.send(endpoint(api_trusting, partner), body)
    assert answer.json() == {"outcome": RECEIVED}


async def test_a_garbage_body_with_a_valid_signature_is_refused(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier
) -> None:
    partner = await factories.partner()
    body = b'{"EventName": 12}'
    answer = await notifier.send(endpoint(api_trusting, partner), body)
    assert answer.status_code == 401
    assert not await PartnerCenterNotification.exists(partner_id=partner.id)


async def test_an_event_partner_connect_does_not_act_on_is_acknowledged(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier
) -> None:
    partner = await factories.partner()
    answer = await notifier.send(
        endpoint(api_trusting, partner),
        notifier.body("test-created", "http://localhost:16722/v1/webhooks/registration/test"),
    )
    assert answer.json() == {"outcome": "Not an event Partner Connect acts on."}
    async with httpx.AsyncClient() as client:
        refused = await client.get(endpoint(api_trusting, partner))
    assert refused.status_code == 405


async def test_a_customer_no_sync_has_seen_yet_is_fetched_from_partner_center(
    api_trusting: ApiServer,
    notifier: PartnerCenterNotifier,
    trusting: Settings,
    stand_in: Running,
    receiver: Receiver,
) -> None:
    configured = stand_in.settings(trusting)
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    tenant = str(uuid.uuid4())
    stand_in.state.strict = True
    stand_in.state.customers[tenant] = Listed(tenant, "Wide World Importers")
    missing = str(uuid.uuid4())  # accepted, then left Partner Center's list
    await subscribe(
        partner,
        receiver,
        configured,
        WebhookEventType.RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER,
    )
    uri = f"{PARTNER_CENTER}/customers/{{}}"
    body = notifier.body("reseller-relationship-accepted-by-customer", uri.format(tenant))

    first = await notifier.send(endpoint(api_trusting, partner), body)
    again = await notifier.send(endpoint(api_trusting, partner), body)
    gone = await notifier.send(
        endpoint(api_trusting, partner),
        notifier.body("reseller-relationship-accepted-by-customer", uri.format(missing)),
    )
    await drain(configured)

    assert first.json() == {"outcome": RECEIVED}
    assert again.json() == {"outcome": "Already received: nothing changed."}
    assert gone.json() == {"outcome": RECEIVED}
    assert sorted(await outcome(partner)) == sorted(
        ["Reseller relationship established.", NOT_CONFIRMED]
    )
    customer = await Customer.get(tenant_id=uuid.UUID(tenant))
    assert (customer.company_name, customer.default_domain) == (
        "Wide World Importers",
        f"{tenant[:8]}.onmicrosoft.com",
    )
    relationship = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
    assert relationship.type is RelationshipType.RESELLER
    assert not await Customer.exists(tenant_id=uuid.UUID(missing))
    fetches = [c for c in stand_in.state.calls if c.method == "GET"]
    assert sorted(c.path for c in fetches) == sorted(
        f"/v1/customers/{t}" for t in (tenant, missing)
    )
    assert all("ms-correlationid" in c.headers and "ms-requestid" in c.headers for c in fetches)
    accepted = [r for r in receiver.received if "reseller-relationship-accepted" in r.body]
    assert len(accepted) == 1
    assert tenant in accepted[0].body


async def test_without_the_partners_credentials_nothing_is_applied(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier, trusting: Settings, stand_in: Running
) -> None:
    """Partner Center's credentials act for one partner: another's notifications can be
    confirmed by no one, so they are recorded and audited, never applied."""
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    body = notifier.body("dap-admin-relationship-terminated", customer_uri(customer))

    answer = await notifier.send(endpoint(api_trusting, partner), body)
    await drain(stand_in.settings(trusting))

    assert answer.json() == {"outcome": RECEIVED}
    assert await outcome(partner) == [UNCONFIRMABLE]
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.ACTIVE
    assert stand_in.state.calls == []


async def test_when_partner_center_never_answers_nothing_is_applied_and_it_is_said(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier, trusting: Settings, stand_in: Running
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    listing(stand_in, customer, allow_delegated_access=False)
    stand_in.state.always_fail = 503
    body = notifier.body("dap-admin-relationship-terminated", customer_uri(customer))

    await notifier.send(endpoint(api_trusting, partner), body)
    await drain(stand_in.settings(trusting).model_copy(update={"job_max_tries": 2}))

    assert await outcome(partner) == [UNANSWERED]
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.ACTIVE
    assert len(stand_in.state.calls) == 2


async def test_a_notification_older_than_the_kept_ones_is_refused_as_a_possible_replay(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier, trusting: Settings
) -> None:
    """Received notifications are kept 30 days to recognise redeliveries; a signed one
    about an older change could be a replay whose record is gone, so it changes
    nothing, and Partner Center is told so (200: retrying would not help)."""
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    days = trusting.partner_center_notification_retention_days
    old = datetime.now(UTC) - timedelta(days=days, minutes=1)
    body = notifier.body(
        "dap-admin-relationship-terminated", customer_uri(customer), changed_at=old
    )

    answer = await notifier.send(endpoint(api_trusting, partner), body)

    assert (answer.status_code, answer.json()) == (200, {"outcome": STALE})
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.ACTIVE
    assert not await PartnerCenterNotification.exists(partner_id=partner.id)

    recent = notifier.body(
        "dap-admin-relationship-terminated",
        customer_uri(customer),
        changed_at=old + timedelta(minutes=2),
    )
    answer = await notifier.send(endpoint(api_trusting, partner), recent)
    assert answer.json() == {"outcome": RECEIVED}


async def test_a_notification_posted_to_another_partners_address_changes_nothing_for_either(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier, trusting: Settings, stand_in: Running
) -> None:
    """Partner Center names the customer, never the partner: a partner that receives
    signed notifications about its own customers could post them to another's
    address. Partner Center, asked with the addressed partner's credentials, decides."""
    rightful = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    other = await factories.partner(name="Litware")
    customer = await factories.customer("Tailspin Toys")
    await factories.relate(rightful, customer, RelationshipType.NONE)
    await factories.relate(other, customer, RelationshipType.NONE)
    served = await factories.customer("Served by both")
    await factories.relate(rightful, served, dap=True)
    await factories.relate(other, served, dap=True)
    listing(stand_in, customer)
    listing(stand_in, served, allow_delegated_access=False)
    accepted = notifier.body("reseller-relationship-accepted-by-customer", customer_uri(customer))
    ended = notifier.body("dap-admin-relationship-terminated", customer_uri(served))

    for body in (accepted, ended):
        answer = await notifier.send(endpoint(api_trusting, other), body)
        assert answer.status_code == 200
    await drain(stand_in.settings(trusting))

    for partner in (rightful, other):
        relationship = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
        assert relationship.type is RelationshipType.NONE
        grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=served.id)
        assert grant.status is DelegatedAdminStatus.ACTIVE
    # The rightful partner's own copies are not refused as already received.
    for body in (accepted, ended):
        answer = await notifier.send(endpoint(api_trusting, rightful), body)
        assert answer.json() != {"outcome": "Already received: nothing changed."}
    await drain(stand_in.settings(trusting))
    relationship = await Relationship.get(partner_id=rightful.id, customer_id=customer.id)
    assert relationship.type is RelationshipType.RESELLER
    grant = await DelegatedAdminGrant.get(partner_id=rightful.id, customer_id=served.id)
    assert grant.status is DelegatedAdminStatus.REVOKED
    relationship = await Relationship.get(partner_id=other.id, customer_id=customer.id)
    assert relationship.type is RelationshipType.NONE


async def test_the_address_a_partner_registers_is_printed_by_the_cli(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier, trusting: Settings
) -> None:
    partner = await factories.partner()
    served_here = trusting.model_copy(update={"public_base_url": api_trusting.url})
    ran = await partner_connect(
        "notification-address", "--tenant", str(partner.tenant_id), env=environment(served_here)
    )
    assert ran.returncode == 0, ran.stderr
    printed = ran.stdout.strip()
    answer = await notifier.send(
        printed, notifier.body("test-created", "https://api.partnercenter.microsoft.com/v1/x")
    )
    assert answer.json() == {"outcome": "Not an event Partner Connect acts on."}

    refused = await partner_connect(
        "notification-address", "--tenant", "not-a-tenant", env=environment(served_here)
    )
    assert refused.returncode == 2
    assert "tenant id" in refused.stderr
    secretless = served_here.model_copy(update={"jwt_secret": None, "invitation_secret": None})
    unkeyed = await partner_connect(
        "notification-address", "--tenant", str(partner.tenant_id), env=environment(secretless)
    )
    assert unkeyed.returncode == 2
    assert "PARTNER_CENTER_NOTIFICATION_SECRET" in unkeyed.stderr


async def test_a_flood_naming_many_allowed_addresses_fetches_a_bounded_few(
    trusting: Settings, notifier: PartnerCenterNotifier
) -> None:
    """Anyone may name an allowed certificate address: fetches are bounded per minute,
    and an address that gave no certificate is not asked again for a while."""
    bounded = trusting.model_copy(
        update={"partner_center_notification_certificate_fetches_per_minute": 5}
    )
    partner = await factories.partner()
    customer = await factories.customer()
    body = notifier.body("dap-admin-relationship-terminated", customer_uri(customer))
    forged = [
        notifier.headers(body, certificate_url=f"{notifier.url}/cert/forged-{n}.cer")
        for n in range(50)
    ]

    async with ApiServer.alongside(bounded) as api:
        genuine = await notifier.send(endpoint(api, partner), body)
        before = len(notifier.fetches)
        for _ in range(2):
            answers = await asyncio.gather(
                *(notifier.send(endpoint(api, partner), body, headers) for headers in forged)
            )
            assert {answer.status_code for answer in answers} == {401}
        # The certificate already fetched still serves.
        again = await notifier.send(
            endpoint(api, partner),
            notifier.body("dap-admin-relationship-terminated", customer_uri(customer), x=1),
        )

    assert genuine.json() == {"outcome": RECEIVED}
    assert again.json() == {"outcome": RECEIVED}
    assert len(notifier.fetches) - before == 4


async def test_a_signer_of_an_intermediate_ca_is_trusted_through_its_issuers_address(
    api_trusting: ApiServer, notifier: PartnerCenterNotifier
) -> None:
    """Microsoft's signing certificate comes from an issuing CA under a trusted root:
    the issuing CA's certificate is fetched from the address the signer names (AIA),
    from an allowed address only, once."""
    partner = await factories.partner()
    issuing = authority("Test Partner Center Issuing CA", issuer=notifier.root)
    issuer_url = notifier.serve("/issuers/issuing-ca.crt", issuing.certificate)
    signer = issued(issuing, SIGNER, issuer_url=issuer_url)
    elsewhere = issued(
        issuing, SIGNER, issuer_url=notifier.serve("/elsewhere/issuing.crt", issuing.certificate)
    )
    before = len(notifier.fetches)

    async def send(n: int, by: Signer, name: str) -> httpx.Response:
        body = notifier.body("test-created", "https://api.partnercenter.microsoft.com/v1/x", n=n)
        url = notifier.serve(f"/cert/{name}.cer", by.certificate)
        return await notifier.send(
            endpoint(api_trusting, partner),
            body,
            notifier.headers(body, signer=by, certificate_url=url),
        )

    answers = [await send(n, signer, "issued") for n in range(2)]
    refused = await send(2, elsewhere, "elsewhere")

    assert [a.status_code for a in answers] == [200, 200]
    assert refused.status_code == 401
    assert notifier.fetches[before:] == [
        "/cert/issued.cer",
        "/issuers/issuing-ca.crt",
        "/cert/elsewhere.cer",
    ]
