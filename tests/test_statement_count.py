"""The customer list costs a constant number of SQL statements whatever the page size:
every per-customer field is batched (pages of up to 100)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.customers.models import BillingProfile, Customer
from api.partners.models import Partner, PartnerKind
from api.relationships.models import (
    AcquisitionChannel,
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    GdapRelationship,
    GdapStatus,
    Relationship,
    RelationshipType,
)
from tests.support import factories
from tests.support.graphql import GraphQLClient
from tests.support.servers import ApiServer
from tests.support.statements import recording_statements

EVERY_FIELD = """
query($first: Int!) {
  customers(first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id tenantId companyName defaultDomain relationshipToPartner
        relationshipEstablishedAt acquisitionChannel canTransact
        indirectProvider { id name partnerId kind }
        indirectReseller { id name partnerId kind }
        billingProfile {
          contactName contactEmail phone culture language
          address { line1 line2 city region postalCode country }
        }
        delegatedAdmin { status grantedAt revokedAt }
        gdapRelationships { id displayName status roles createdAt endsAt }
      }
    }
  }
}
"""
BOOK_SIZE = 100


@pytest.fixture(scope="module")
async def two_tier_book(api: ApiServer) -> dict[str, Partner]:
    """A linked provider and reseller that both hold a reseller relationship, a DAP
    grant and a GDAP relationship with each of 100 customers (the reseller's records
    the provider), every customer with a billing profile."""
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Provider")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Reseller")
    await factories.link(provider, reseller)
    customers = [
        Customer(
            id=uuid.uuid4(),
            tenant_id=uuid.uuid4(),
            company_name=f"Customer {index:03d}",
            default_domain=f"customer{index:03d}.onmicrosoft.com",
        )
        for index in range(BOOK_SIZE)
    ]
    await Customer.bulk_create(customers)
    await BillingProfile.bulk_create(
        [
            BillingProfile(customer_id=c.id, contact_email="billing@example.com", country="JP")
            for c in customers
        ]
    )
    now = datetime.now(UTC)
    tiers = [(reseller, provider), (provider, None)]
    await Relationship.bulk_create(
        [
            Relationship(
                partner_id=partner.id,
                customer_id=c.id,
                type=RelationshipType.RESELLER,
                channel=AcquisitionChannel.INDIRECT_PROVIDER,
                established_at=now,
                indirect_provider_id=indirect_provider and indirect_provider.id,
            )
            for partner, indirect_provider in tiers
            for c in customers
        ]
    )
    await DelegatedAdminGrant.bulk_create(
        [
            DelegatedAdminGrant(
                partner_id=partner.id,
                customer_id=c.id,
                status=DelegatedAdminStatus.ACTIVE,
                granted_at=now,
            )
            for partner, _ in tiers
            for c in customers
        ]
    )
    await GdapRelationship.bulk_create(
        [
            GdapRelationship(
                partner_id=partner.id,
                customer_id=c.id,
                display_name="Helpdesk",
                status=GdapStatus.ACTIVE,
                roles=["Helpdesk Administrator"],
                created_at=now,
                ends_at=now + timedelta(days=365),
            )
            for partner, _ in tiers
            for c in customers
        ]
    )
    return {"reseller": reseller, "provider": provider}


def assert_fully_resolved(node: dict[str, Any], viewer: str) -> None:
    other_tier = "indirectProvider" if viewer == "reseller" else "indirectReseller"
    absent_tier = "indirectReseller" if viewer == "reseller" else "indirectProvider"
    assert node[other_tier]["name"] == ("Provider" if viewer == "reseller" else "Reseller")
    assert node[absent_tier] is None
    assert node["billingProfile"]["address"]["country"] == "JP"
    assert node["delegatedAdmin"]["status"] == "ACTIVE"
    assert [gdap["displayName"] for gdap in node["gdapRelationships"]] == ["Helpdesk"]
    assert node["canTransact"] is (viewer == "provider")


@pytest.mark.parametrize("viewer", ["reseller", "provider"])
async def test_statements_do_not_grow_with_the_page(
    gql: GraphQLClient, two_tier_book: dict[str, Partner], viewer: str
) -> None:
    token = gql.token(two_tier_book[viewer].tenant_id, "GLOBAL_ADMIN")
    # The API remembers the token's partner after its first request: count pages alike.
    (await gql("{ viewer { tenantId } }", token=token)).ok()
    statements: dict[int, list[str]] = {}
    for first in (10, BOOK_SIZE):
        with recording_statements() as statements[first]:
            result = await gql(EVERY_FIELD, {"first": first}, token=token)
        edges = result.ok()["customers"]["edges"]
        assert len(edges) == first
        for edge in edges:
            assert_fully_resolved(edge["node"], viewer)
    assert len(statements[10]) == len(statements[BOOK_SIZE]), "\n".join(
        f"first={first}:\n  " + "\n  ".join(sql) for first, sql in statements.items()
    )


async def test_a_page_loads_only_what_is_selected_and_the_role_may_read(
    gql: GraphQLClient, two_tier_book: dict[str, Partner]
) -> None:
    """A page loads per-customer fields for all its customers at once, before they
    resolve: only those the query selects (through fragments too) and the role reads."""
    partner = two_tier_book["provider"]

    async def statements(selection: str, role: str = "GLOBAL_ADMIN") -> list[str]:
        query = (
            f"query {{ customers(first: 10) {{ edges {{ node {{ companyName {selection} }} }} }} }}"
        )
        if "...Billing" in selection:
            query += " fragment Billing on Customer { billingProfile { contactEmail } }"
        with recording_statements() as sent:
            result = await gql(query, token=gql.token(partner.tenant_id, role))
        assert result.status == 200, result.body
        return sent

    def billing_loads(sent: list[str]) -> int:
        return sum('FROM "billing_profiles"' in statement for statement in sent)

    assert billing_loads(await statements("")) == 0
    assert billing_loads(await statements("billingProfile { contactEmail }")) == 1
    assert billing_loads(await statements("...Billing")) == 1
    assert billing_loads(await statements("... on Customer { ...Billing }")) == 1
    # A helpdesk agent may not read billing profiles: refused, and none are loaded.
    assert billing_loads(await statements("billingProfile { contactEmail }", "HELPDESK_AGENT")) == 0
