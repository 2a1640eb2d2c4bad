"""Removing a reseller relationship: attestation, DAP revocation by the worker, GDAP
kept, no notice to anyone (docs/behaviour.md, "Removing a reseller relationship")."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from api.audit.models import AuditAction, AuditEvent
from api.customers.models import Customer
from api.jobs import JobContext
from api.partners.models import Partner, PartnerKind
from api.permissions import Role
from api.relationships.models import (
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    GdapStatus,
    Relationship,
    RelationshipType,
)
from api.removals.attestation import BUILT_IN, LEGAL_NOTICE
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.removals.revocation import REVOKE_DELEGATED_ADMIN, RevokeDelegatedAdmin
from api.settings import Settings
from tests.support import factories
from tests.support.documents import CUSTOMER, REMOVE, customer_id
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.mail import MailSink
from tests.support.partner_center import REMOVE_DAP, REMOVE_RELATIONSHIP, Running, bodies, serving
from tests.support.processes import ApiProcess
from tests.support.servers import ApiServer
from tests.support.websocket import subscriber

GA = Role.GLOBAL_ADMIN
REMOVALS = """query($first: Int, $after: String) {
  relationshipRemovals(first: $first, after: $after) {
    totalCount
    edges { cursor node { id customerName status delegatedAdminRevoked completedAt
      gdapRelationshipsRetained { displayName status } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture
async def partner_center() -> AsyncIterator[Running]:
    async with serving() as stand_in:
        yield stand_in


@pytest.fixture
def worker_settings(settings: Settings, partner_center: Running) -> Settings:
    return partner_center.settings(settings)


async def connected(
    partner_center: Running, kind: PartnerKind = PartnerKind.DIRECT_BILL
) -> Partner:
    """The partner the Partner Center credentials act for."""
    return await factories.partner(kind, tenant_id=uuid.UUID(partner_center.state.tenant_id))


async def resold(partner: Partner, name: str = "Contoso", *, gdap: bool = True) -> Customer:
    customer = await factories.customer(name)
    await factories.relate(partner, customer, dap=True)
    if gdap:
        await factories.gdap(partner, customer, "Helpdesk")
    return customer


async def remove(
    gql: GraphQLClient,
    partner: Partner,
    customer: Customer,
    *,
    attest: bool = True,
    **extra: object,
) -> dict:
    result = await gql(
        REMOVE,
        {"input": {"customerId": customer_id(customer), "attestationAccepted": attest, **extra}},
        token=gql.token(partner.tenant_id, GA, sub="remover"),
    )
    return result.ok()["removeResellerRelationship"]


async def test_removal_needs_the_attestation_and_changes_nothing_without_it(
    gql: GraphQLClient,
) -> None:
    partner = await factories.partner()
    customer = await resold(partner)

    payload = await remove(gql, partner, customer, attest=False)

    assert payload["removal"] is None
    assert payload["userErrors"][0]["code"] == "ATTESTATION_REQUIRED"
    assert payload["userErrors"][0]["field"] == ["attestationAccepted"]
    assert await Relationship.exists(partner_id=partner.id, customer_id=customer.id)
    assert not await RelationshipRemoval.exists(partner_id=partner.id)
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.ACTIVE


async def test_removal_takes_the_customer_off_the_list_and_revokes_dap_only(
    gql: GraphQLClient,
    worker_settings: Settings,
    partner_center: Running,
    mail: MailSink,
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner)
    messages_before = len(mail.messages)

    payload = await remove(gql, partner, customer, reason="Customer moved to another partner")

    removal = payload["removal"]
    assert payload["userErrors"] == []
    assert removal["status"] == "PENDING"
    assert removal["delegatedAdminRevoked"] is False
    assert removal["customerName"] == "Contoso"
    assert removal["requestedBy"] == "remover"
    assert removal["legalNotice"] == LEGAL_NOTICE
    assert [g["displayName"] for g in removal["gdapRelationshipsRetained"]] == ["Helpdesk"]
    # At once: out of the list, DAP on its way out.
    gone = await gql(
        CUSTOMER, {"id": customer_id(customer)}, token=gql.token(partner.tenant_id, GA)
    )
    assert gone.ok()["customer"] is None
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.REVOKING
    audit = await AuditEvent.get(partner_id=partner.id, action=AuditAction.RELATIONSHIP_REMOVED)
    assert audit.details["attestation"] == {
        "accepted": True,
        "version": BUILT_IN["en"].version,
        "language": "en",
        "text": BUILT_IN["en"].text,
    }
    assert audit.details["reason"] == "Customer moved to another partner"

    await drain(worker_settings)

    # DAP first, then the relationship: the documented calls, one each.
    dap, relationship = partner_center.state.calls
    assert [(c.method, c.path, c.body, c.status) for c in (dap, relationship)] == [
        ("PATCH", f"/v1/customers/{customer.tenant_id}", REMOVE_DAP, 200),
        ("PATCH", f"/v1/customers/{customer.tenant_id}", REMOVE_RELATIONSHIP, 200),
    ]
    row = await RelationshipRemoval.get(partner_id=partner.id)
    for call in (dap, relationship):
        assert call.headers["authorization"].startswith("Bearer ")
        # One correlation id for the removal, one request id per call.
        assert call.headers["ms-correlationid"] == str(row.id)
    assert dap.headers["ms-requestid"] != relationship.headers["ms-requestid"]
    stand_in = partner_center.state.customers[str(customer.tenant_id)]
    assert (stand_in.relationship_to_partner, stand_in.allow_delegated_access) == ("none", False)
    await grant.refresh_from_db()
    assert grant.status is DelegatedAdminStatus.REVOKED
    assert grant.revoked_at is not None
    listed = (await gql(REMOVALS, token=gql.token(partner.tenant_id, GA))).ok()
    [edge] = listed["relationshipRemovals"]["edges"]
    assert edge["node"]["status"] == "COMPLETED"
    assert edge["node"]["delegatedAdminRevoked"] is True
    assert edge["node"]["completedAt"] is not None
    # GDAP is untouched, and reported with its live status.
    assert edge["node"]["gdapRelationshipsRetained"] == [
        {"displayName": "Helpdesk", "status": "ACTIVE"}
    ]
    assert await AuditEvent.exists(
        partner_id=partner.id, action=AuditAction.DELEGATED_ADMIN_REVOKED
    )
    # No notice of any kind.
    assert len(mail.messages) == messages_before


async def test_relationship_events_report_the_removal_then_the_revocation(
    api: ApiServer, gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner, gdap=False)
    query = """subscription {
      relationshipEvents { kind customerTenantId removal { status delegatedAdminRevoked } }
    }"""
    async with subscriber(api.ws_url, gql.token(partner.tenant_id, GA)) as dashboard:
        await dashboard.subscribe(query)
        async with asyncio.timeout(10):
            await api.services.events.wait_for_listeners(partner.id)
        await remove(gql, partner, customer)
        await drain(worker_settings)
        events = {}
        for _ in range(2):
            event = (await dashboard.next())["payload"]["data"]["relationshipEvents"]
            assert event["customerTenantId"] == str(customer.tenant_id)
            events[event["kind"]] = event["removal"]
    assert set(events) == {"REMOVED", "DELEGATED_ADMIN_REVOKED"}
    assert events["DELEGATED_ADMIN_REVOKED"] == {
        "status": "COMPLETED",
        "delegatedAdminRevoked": True,
    }


async def test_running_the_job_twice_changes_nothing_the_second_time(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner)
    await remove(gql, partner, customer)
    await drain(worker_settings)
    row = await RelationshipRemoval.get(partner_id=partner.id)
    completed_at = row.completed_at

    job = JobContext(
        settings=worker_settings, redis=None, attempt=2, max_tries=worker_settings.job_max_tries
    )  # type: ignore[arg-type]
    await REVOKE_DELEGATED_ADMIN.run(job, RevokeDelegatedAdmin(removal_id=row.id))

    await row.refresh_from_db()
    assert row.completed_at == completed_at
    assert len(partner_center.state.calls) == 2
    assert (
        await AuditEvent.filter(
            partner_id=partner.id, action=AuditAction.DELEGATED_ADMIN_REVOKED
        ).count()
        == 1
    )


async def test_revocation_is_retried_then_fails_visibly(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner)
    partner_center.state.always_fail = 503
    await remove(gql, partner, customer)

    await drain(worker_settings)

    # Each try stops at the first call (DAP); the relationship is never asked.
    assert (
        bodies(partner_center, customer.tenant_id) == [REMOVE_DAP] * worker_settings.job_max_tries
    )
    listed = (await gql(REMOVALS, token=gql.token(partner.tenant_id, GA))).ok()
    node = listed["relationshipRemovals"]["edges"][0]["node"]
    assert (node["status"], node["delegatedAdminRevoked"]) == ("FAILED", False)
    row = await RelationshipRemoval.get(partner_id=partner.id)
    assert "503" in (row.last_error or "")
    failed = (await failed_view(gql, partner, customer))["customer"]["failedRemoval"]
    assert failed["error"]["code"] == "PARTNER_CENTER_UNAVAILABLE"


async def test_a_transient_revocation_failure_is_retried(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner)
    partner_center.state.fail_next = [503, 502]
    await remove(gql, partner, customer)

    await drain(worker_settings)

    calls = partner_center.state.calls
    assert [(c.body, c.status) for c in calls] == [
        (REMOVE_DAP, 503),
        (REMOVE_DAP, 502),
        (REMOVE_DAP, 200),
        (REMOVE_RELATIONSHIP, 200),
    ]
    # The retries of one call carry its request id, so Partner Center can de-duplicate.
    assert len({c.headers["ms-requestid"] for c in calls[:3]}) == 1
    assert len({c.headers["ms-correlationid"] for c in calls}) == 1
    row = await RelationshipRemoval.get(partner_id=partner.id)
    assert (row.status, row.delegated_admin_revoked, row.attempts) == (
        RemovalStatus.COMPLETED,
        True,
        3,
    )


async def test_removing_with_redis_down_still_revokes_dap_later(
    gql: GraphQLClient, settings: Settings, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner)
    unreachable = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    variables = {"input": {"customerId": customer_id(customer), "attestationAccepted": True}}

    async with ApiProcess.running(unreachable) as isolated:
        response = await gql.http.post(
            f"{isolated.url}/graphql",
            json={"query": REMOVE, "variables": variables},
            headers={"Authorization": f"Bearer {gql.token(partner.tenant_id, GA)}"},
        )
    assert response.json()["data"]["removeResellerRelationship"]["removal"]["status"] == "PENDING"

    await drain(worker_settings)

    row = await RelationshipRemoval.get(partner_id=partner.id)
    assert (row.status, row.delegated_admin_revoked) == (RemovalStatus.COMPLETED, True)
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.REVOKED
    assert bodies(partner_center, customer.tenant_id) == [REMOVE_DAP, REMOVE_RELATIONSHIP]


@pytest.mark.parametrize("first", ["reseller", "provider"])
async def test_two_tier_removal_leaves_the_other_tier_in_place(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running, first: str
) -> None:
    # The removing partner is the one Partner Center's credentials act for.
    if first == "reseller":
        reseller = await connected(partner_center, PartnerKind.INDIRECT_RESELLER)
        provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER)
    else:
        provider = await connected(partner_center, PartnerKind.INDIRECT_PROVIDER)
        reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER)
    await factories.link(provider, reseller)
    customer = await factories.customer()
    await factories.relate(provider, customer, dap=True)
    await factories.relate(reseller, customer, dap=True, indirect_provider=provider)
    removing, staying = (reseller, provider) if first == "reseller" else (provider, reseller)

    assert (await remove(gql, removing, customer))["userErrors"] == []
    await drain(worker_settings)

    assert not await Relationship.exists(partner_id=removing.id, customer_id=customer.id)
    kept = await Relationship.get(partner_id=staying.id, customer_id=customer.id)
    assert kept.type is RelationshipType.RESELLER
    grant = await DelegatedAdminGrant.get(partner_id=staying.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.ACTIVE
    view = (
        await gql(CUSTOMER, {"id": customer_id(customer)}, token=gql.token(staying.tenant_id, GA))
    ).ok()["customer"]
    # The tier link shows only while both relationships exist.
    assert view["indirectProvider"] is None
    assert view["indirectReseller"] is None
    assert bodies(partner_center, customer.tenant_id) == [REMOVE_DAP, REMOVE_RELATIONSHIP]


async def test_only_a_reseller_relationship_can_be_removed(gql: GraphQLClient) -> None:
    partner, other = await factories.partner(), await factories.partner()
    known = await factories.customer()
    await factories.relate(partner, known, RelationshipType.NONE)
    foreign = await resold(other)

    none = await remove(gql, partner, known)
    assert (none["userErrors"][0]["code"], none["userErrors"][0]["field"]) == (
        "NO_RESELLER_RELATIONSHIP",
        ["customerId"],
    )
    hidden = await remove(gql, partner, foreign)
    assert hidden["userErrors"][0]["code"] == "NOT_FOUND"
    assert await Relationship.exists(partner_id=other.id, customer_id=foreign.id)


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
async def test_roles_without_removal_rights(gql: GraphQLClient, role: str) -> None:
    partner = await factories.partner()
    customer = await resold(partner)
    token = gql.token(partner.tenant_id, role)
    result = await gql(
        REMOVE,
        {"input": {"customerId": customer_id(customer), "attestationAccepted": True}},
        token=token,
    )
    assert result.codes == ["FORBIDDEN"]
    assert (await gql(REMOVALS, token=token)).codes == ["FORBIDDEN"]
    assert await Relationship.exists(partner_id=partner.id, customer_id=customer.id)


async def test_removals_are_listed_newest_first_in_pages(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    names = [f"Customer {i}" for i in range(5)]
    for name in names:
        await remove(gql, partner, await resold(partner, name, gdap=False))
    token = gql.token(partner.tenant_id, GA)
    seen, after = [], None
    while True:
        page = (await gql(REMOVALS, {"first": 2, "after": after}, token=token)).ok()
        connection = page["relationshipRemovals"]
        assert connection["totalCount"] == 5
        seen += [edge["node"]["customerName"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == list(reversed(names))


async def test_a_sales_agent_removes_but_reads_no_gdap_data(gql: GraphQLClient) -> None:
    """GDAP relationships are admin relationship data wherever they appear: a sales
    agent, who may remove, is refused them in the payload and in the list alike."""
    partner = await factories.partner()
    customer = await resold(partner)
    agent = gql.token(partner.tenant_id, Role.SALES_AGENT)
    variables = {"input": {"customerId": customer_id(customer), "attestationAccepted": True}}

    result = await gql(REMOVE, variables, token=agent)
    assert result.codes == ["FORBIDDEN"]
    assert result.errors[0]["path"] == [
        "removeResellerRelationship", "removal", "gdapRelationshipsRetained"
    ]  # fmt: skip
    assert await RelationshipRemoval.exists(partner_id=partner.id)  # the removal happened
    assert result.data["removeResellerRelationship"]["removal"]["gdapRelationshipsRetained"] is None
    listed = await gql(REMOVALS, token=agent)
    assert listed.codes == ["FORBIDDEN"]
    # The refusal stands at its field; the rest of the list is there.
    assert listed.errors[0]["path"] == [
        "relationshipRemovals", "edges", 0, "node", "gdapRelationshipsRetained"
    ]  # fmt: skip
    [edge] = listed.data["relationshipRemovals"]["edges"]
    assert edge["node"]["customerName"] == "Contoso"
    assert edge["node"]["gdapRelationshipsRetained"] is None


async def test_gdap_status_is_reported_live(gql: GraphQLClient) -> None:
    from api.relationships.models import GdapRelationship

    partner = await factories.partner()
    customer = await resold(partner)
    await remove(gql, partner, customer)
    await GdapRelationship.filter(customer_id=customer.id).update(status=GdapStatus.TERMINATED)
    listed = (await gql(REMOVALS, token=gql.token(partner.tenant_id, GA))).ok()
    retained = listed["relationshipRemovals"]["edges"][0]["node"]["gdapRelationshipsRetained"]
    assert retained == [{"displayName": "Helpdesk", "status": "TERMINATED"}]


async def test_a_revocation_that_times_out_is_retried_then_fails_visibly(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner)
    partner_center.state.hold = True  # Microsoft never answers
    await remove(gql, partner, customer)

    await drain(worker_settings.model_copy(update={"job_timeout_seconds": 0.3}))

    row = await RelationshipRemoval.get(partner_id=partner.id)
    assert (row.status, row.attempts) == (RemovalStatus.FAILED, worker_settings.job_max_tries)
    assert "TimeoutError" in (row.last_error or "")
    # Each try asked for DAP and gave up waiting.
    assert (
        bodies(partner_center, customer.tenant_id) == [REMOVE_DAP] * worker_settings.job_max_tries
    )


async def test_a_grant_given_again_before_the_revocation_runs_is_kept(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    from tests.support.documents import ACCEPT, REQUEST, token_of

    partner = await connected(partner_center)
    customer = await resold(partner)
    admin = gql.token(partner.tenant_id, GA)
    await remove(gql, partner, customer)
    # Before the worker runs, the customer accepts a new invitation from the partner
    # (with the record Partner Connect keeps of it).
    requested = await gql(REQUEST, {"input": {"recipientEmail": "it@c.example"}}, token=admin)
    url = requested.ok()["requestResellerRelationship"]["invitation"]["url"]
    accepted = await gql(
        ACCEPT,
        {"input": {"token": token_of(url)}},
        token=gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN),
    )
    assert accepted.ok()["acceptInvitation"]["userErrors"] == []

    await drain(worker_settings)

    # Neither call: they would take the new relationship and grant away.
    assert partner_center.state.calls == []
    grants = await DelegatedAdminGrant.filter(
        partner_id=partner.id, customer_id=customer.id
    ).order_by("granted_at")
    assert [g.status for g in grants] == [DelegatedAdminStatus.REVOKED, DelegatedAdminStatus.ACTIVE]
    removal = await RelationshipRemoval.get(partner_id=partner.id)
    assert (removal.status, removal.delegated_admin_revoked) == (RemovalStatus.COMPLETED, False)


FAILED_REMOVAL = """query($id: ID!) {
  customer(id: $id) {
    companyName relationshipToPartner acquisitionChannel relationshipEstablishedAt
    failedRemoval { id status error { code message } }
  }
}"""
RETRY = """mutation($input: RetryRemovalInput!) {
  retryRemoval(input: $input) {
    removal { id status attestationLanguage error { code } }
    userErrors { field code message }
  }
}"""


async def failed_view(gql: GraphQLClient, partner: Partner, customer: Customer) -> dict:
    token = gql.token(partner.tenant_id, Role.SALES_AGENT)
    return (await gql(FAILED_REMOVAL, {"id": customer_id(customer)}, token=token)).ok()


async def retry(gql: GraphQLClient, partner: Partner, removal_id: str, **input: object) -> dict:
    result = await gql(
        RETRY,
        {"input": {"removalId": removal_id, "attestationAccepted": True, **input}},
        token=gql.token(partner.tenant_id, Role.SALES_AGENT),
    )
    return result.ok()["retryRemoval"]


async def test_a_refusal_is_not_retried_and_puts_the_customer_back_marked(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner)
    relationship = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
    partner_center.state.always_fail = 403  # a business error: asking again changes nothing
    removal_id = (await remove(gql, partner, customer))["removal"]["id"]

    await drain(worker_settings)

    assert bodies(partner_center, customer.tenant_id) == [REMOVE_DAP]  # once, not 5 times
    row = await RelationshipRemoval.get(partner_id=partner.id)
    assert (row.status, row.attempts) == (RemovalStatus.FAILED, 1)
    assert "403" in (row.last_error or "")
    view = (await failed_view(gql, partner, customer))["customer"]
    # Back in the list as it was, marked with the removal that failed and why, in words.
    assert view["relationshipToPartner"] == "RESELLER"
    assert view["relationshipEstablishedAt"] == relationship.established_at.isoformat()
    failed = view["failedRemoval"]
    assert (failed["id"], failed["status"], failed["error"]["code"]) == (
        removal_id,
        "FAILED",
        "REFUSED_BY_PARTNER_CENTER",
    )
    assert failed["error"]["message"] == (
        "Partner Center refused to end the relationship, so it was not removed there."
    )
    audit = await AuditEvent.get(
        partner_id=partner.id, action=AuditAction.RELATIONSHIP_REMOVAL_FAILED
    )
    assert audit.details["error"] == "REFUSED_BY_PARTNER_CENTER"


async def test_a_request_timeout_from_partner_center_is_retried(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center)
    customer = await resold(partner)
    partner_center.state.fail_next = [408]
    await remove(gql, partner, customer)

    await drain(worker_settings)

    assert [c.status for c in partner_center.state.calls] == [408, 200, 200]
    row = await RelationshipRemoval.get(partner_id=partner.id)
    assert row.status is RemovalStatus.COMPLETED


async def test_a_removal_partner_center_does_not_act_for_fails_at_once_saying_why(
    api: ApiServer, gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await factories.partner()  # not the partner of PARTNER_CENTER_TENANT_ID
    customer = await resold(partner, gdap=False)
    query = """subscription {
      relationshipEvents { kind removal { status error { code } } }
    }"""
    async with subscriber(api.ws_url, gql.token(partner.tenant_id, GA)) as dashboard:
        await dashboard.subscribe(query)
        async with asyncio.timeout(10):
            await api.services.events.wait_for_listeners(partner.id)
        await remove(gql, partner, customer)
        await drain(worker_settings)
        events = {}  # published by separate jobs: in either order
        for _ in range(2):
            event = (await dashboard.next())["payload"]["data"]["relationshipEvents"]
            events[event["kind"]] = event["removal"]
    assert events == {
        "REMOVED": {"status": "PENDING", "error": None},
        "REMOVAL_FAILED": {"status": "FAILED", "error": {"code": "OTHER_PARTNER_ACCOUNT"}},
    }

    assert partner_center.state.calls == []
    row = await RelationshipRemoval.get(partner_id=partner.id)
    assert (row.status, row.attempts) == (RemovalStatus.FAILED, 1)
    failed = (await failed_view(gql, partner, customer))["customer"]["failedRemoval"]
    assert failed["error"]["code"] == "OTHER_PARTNER_ACCOUNT"


async def test_a_failed_removal_is_tried_again_with_the_attestation(
    gql: GraphQLClient, worker_settings: Settings, partner_center: Running
) -> None:
    partner = await connected(partner_center, PartnerKind.INDIRECT_RESELLER)
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER)
    await factories.link(provider, partner)
    customer = await factories.customer()
    await factories.relate(provider, customer, dap=True)
    await factories.relate(partner, customer, dap=True, indirect_provider=provider)
    partner_center.state.always_fail = 400
    removal_id = (await remove(gql, partner, customer))["removal"]["id"]
    await drain(worker_settings)
    # Put back as it was, with the provider it was established with.
    restored = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
    assert restored.indirect_provider_id == provider.id
    first_try = partner_center.state.calls[0].headers["ms-requestid"]
    partner_center.state.always_fail = None

    refused = await retry(gql, partner, removal_id, attestationAccepted=False)
    assert refused["userErrors"][0]["code"] == "ATTESTATION_REQUIRED"
    assert (await RelationshipRemoval.get(partner_id=partner.id)).status is RemovalStatus.FAILED
    helpdesk = await gql(
        RETRY,
        {"input": {"removalId": removal_id, "attestationAccepted": True}},
        token=gql.token(partner.tenant_id, Role.HELPDESK_AGENT),
    )
    assert helpdesk.codes == ["FORBIDDEN"]

    retried = await retry(gql, partner, removal_id, attestationLanguage="ja")
    assert retried == {
        "removal": {
            "id": removal_id,
            "status": "PENDING",
            "attestationLanguage": "ja",
            "error": None,
        },
        "userErrors": [],
    }
    # Out of the list again at once, as for the first request.
    assert (await failed_view(gql, partner, customer))["customer"] is None
    await drain(worker_settings)

    row = await RelationshipRemoval.get(partner_id=partner.id)
    assert (row.status, row.delegated_admin_revoked) == (RemovalStatus.COMPLETED, True)
    assert row.relationship_indirect_provider_id == provider.id
    grant = await DelegatedAdminGrant.get(partner_id=partner.id, customer_id=customer.id)
    assert grant.status is DelegatedAdminStatus.REVOKED
    dap, relationship = partner_center.state.calls[1:]
    assert (dap.body, relationship.body) == (REMOVE_DAP, REMOVE_RELATIONSHIP)
    # A new request, not a retry of the refused one.
    assert dap.headers["ms-requestid"] != first_try
    audit = await AuditEvent.get(
        partner_id=partner.id, action=AuditAction.RELATIONSHIP_REMOVAL_RETRIED
    )
    assert audit.details["attestation"]["language"] == "ja"
    again = await retry(gql, partner, removal_id)
    assert again["userErrors"][0]["code"] == "CONFLICT"
