"""Reading invitations: Query.invitations, Customer.invitations, who sees the link,
and expiry."""

from datetime import UTC, datetime, timedelta

import pytest

from api.customers.models import Customer
from api.invitations.models import Invitation, InvitationStatus
from api.partners.models import Partner, PartnerKind
from api.permissions import Role
from api.relationships.models import RelationshipType
from api.settings import Settings
from tests.support import factories
from tests.support.documents import CANCEL, REQUEST, customer_id, partner_id
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.processes import ApiProcess

GA = Role.GLOBAL_ADMIN
INVITATIONS = """query($first: Int, $after: String, $status: [InvitationStatus!]) {
  invitations(first: $first, after: $after, status: $status) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id status recipientEmail url draft { subject } indirectProvider { name } } }
  }
}"""
CUSTOMER_INVITATIONS = """query($id: ID!) {
  customer(id: $id) {
    companyName
    invitations(first: 10) { totalCount edges { node { id status } } }
  }
}"""


async def request(gql: GraphQLClient, partner: Partner, **input: object) -> dict:
    result = await gql(REQUEST, {"input": input}, token=gql.token(partner.tenant_id, GA))
    invitation = result.ok()["requestResellerRelationship"]["invitation"]
    assert invitation is not None
    return invitation


async def listed(gql: GraphQLClient, partner: Partner, **variables: object) -> dict:
    result = await gql(INVITATIONS, variables, token=gql.token(partner.tenant_id, GA))
    return result.ok()["invitations"]


async def test_invitations_are_listed_newest_first_in_pages(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    emails = [f"n{i}@new.example" for i in range(5)]
    for email in emails:
        await request(gql, partner, recipientEmail=email)
    seen, after = [], None
    while True:
        page = await listed(gql, partner, first=2, after=after)
        assert page["totalCount"] == 5
        seen += [edge["node"]["recipientEmail"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(reversed(emails))


async def test_the_status_filter_counts_an_overdue_invitation_as_expired(
    gql: GraphQLClient,
) -> None:
    partner = await factories.partner()
    draft = await request(gql, partner, recipientEmail="draft@new.example")
    cancelled = await request(gql, partner, recipientEmail="cancelled@new.example")
    overdue = await request(gql, partner, recipientEmail="overdue@new.example")
    await gql(
        CANCEL, {"input": {"invitationId": cancelled["id"]}}, token=gql.token(partner.tenant_id, GA)
    )
    await Invitation.filter(recipient_email="overdue@new.example", partner_id=partner.id).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )

    def ids(page: dict) -> set[str]:
        return {edge["node"]["id"] for edge in page["edges"]}

    assert ids(await listed(gql, partner, status=["DRAFT"])) == {draft["id"]}
    assert ids(await listed(gql, partner, status=["EXPIRED"])) == {overdue["id"]}
    assert ids(await listed(gql, partner, status=["CANCELLED", "DRAFT"])) == {
        draft["id"],
        cancelled["id"],
    }
    assert ids(await listed(gql, partner, status=[])) == set()
    statuses = {e["node"]["id"]: e["node"]["status"] for e in (await listed(gql, partner))["edges"]}
    assert statuses[overdue["id"]] == "EXPIRED"


async def test_the_periodic_job_marks_overdue_invitations_expired(
    gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner()
    await request(gql, partner, recipientEmail="late@new.example")
    await Invitation.filter(partner_id=partner.id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    await drain(settings)  # the expiry job runs when the worker starts
    assert (await Invitation.get(partner_id=partner.id)).status is InvitationStatus.EXPIRED


async def test_invitation_ttl_days_may_be_a_fraction(
    gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner()
    half_a_day = settings.model_copy(update={"invitation_ttl_days": 0.5})
    async with ApiProcess.running(half_a_day) as api:
        response = await gql.http.post(
            f"{api.url}/graphql",
            json={"query": REQUEST, "variables": {"input": {"recipientEmail": "a@new.example"}}},
            headers={"Authorization": f"Bearer {gql.token(partner.tenant_id, GA)}"},
        )
    invitation = response.json()["data"]["requestResellerRelationship"]["invitation"]
    lifetime = datetime.fromisoformat(invitation["expiresAt"]) - datetime.fromisoformat(
        invitation["createdAt"]
    )
    assert abs(lifetime - timedelta(hours=12)) < timedelta(seconds=5)


async def test_the_named_provider_sees_the_invitation_but_not_its_link(
    gql: GraphQLClient,
) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER)
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Reseller")
    await factories.link(provider, reseller)
    invitation = await request(
        gql, reseller, recipientEmail="x@new.example", indirectProviderId=partner_id(provider)
    )
    [edge] = (await listed(gql, provider))["edges"]
    assert edge["node"]["id"] == invitation["id"]
    assert edge["node"]["url"] is None
    assert edge["node"]["draft"] is None
    assert (await listed(gql, reseller))["edges"][0]["node"]["url"] == invitation["url"]
    stranger = await factories.partner()
    assert (await listed(gql, stranger))["totalCount"] == 0


async def known(partner: Partner) -> Customer:
    customer = await factories.customer()
    await factories.relate(partner, customer, RelationshipType.NONE)
    return customer


async def test_a_customer_lists_its_invitations(gql: GraphQLClient) -> None:
    partner, other = await factories.partner(), await factories.partner()
    customer = await known(partner)
    await factories.relate(other, customer, RelationshipType.NONE)
    mine = [await request(gql, partner, customerId=customer_id(customer)) for _ in range(2)]
    await request(gql, other, customerId=customer_id(customer))

    result = await gql(
        CUSTOMER_INVITATIONS, {"id": customer_id(customer)}, token=gql.token(partner.tenant_id, GA)
    )
    invitations = result.ok()["customer"]["invitations"]
    assert invitations["totalCount"] == 2
    assert [edge["node"]["id"] for edge in invitations["edges"]] == [
        invitation["id"] for invitation in reversed(mine)
    ]


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
async def test_customer_invitations_are_hidden_from_roles_without_them(
    gql: GraphQLClient, role: str
) -> None:
    partner = await factories.partner()
    customer = await known(partner)
    await request(gql, partner, customerId=customer_id(customer))
    result = await gql(
        CUSTOMER_INVITATIONS,
        {"id": customer_id(customer)},
        token=gql.token(partner.tenant_id, role),
    )
    assert result.data["customer"]["invitations"] is None
    assert result.data["customer"]["companyName"] == "Contoso"
    [error] = result.errors
    assert error["path"] == ["customer", "invitations"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(INVITATIONS, token=gql.token(partner.tenant_id, role))).codes == ["FORBIDDEN"]
