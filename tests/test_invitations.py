"""Requesting, sending, cancelling and accepting invitations (docs/behaviour.md, "Invitations")."""

import asyncio
import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest

from api.audit.models import AuditAction, AuditEvent
from api.customers.models import Customer
from api.invitations.models import Invitation, InvitationStatus
from api.partners.models import Partner, PartnerKind
from api.permissions import Role
from api.relationships.models import (
    DelegatedAdminGrant,
    Relationship,
    RelationshipType,
)
from tests.support import factories
from tests.support.documents import (
    ACCEPT,
    CANCEL,
    CUSTOMER,
    NEW_COMPANY,
    PREVIEW,
    REQUEST,
    customer_id,
    partner_id,
    token_of,
)
from tests.support.graphql import GraphQLClient
from tests.support.servers import ApiServer

GA = Role.GLOBAL_ADMIN


async def invite(gql: GraphQLClient, partner: Partner, **input: object) -> dict:
    result = await gql(REQUEST, {"input": input}, token=gql.token(partner.tenant_id, GA))
    payload = result.ok()["requestResellerRelationship"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["invitation"]


async def refused(gql: GraphQLClient, partner: Partner, **input: object) -> dict:
    result = await gql(REQUEST, {"input": input}, token=gql.token(partner.tenant_id, GA))
    payload = result.ok()["requestResellerRelationship"]
    assert payload["invitation"] is None
    [error] = payload["userErrors"]
    return error


async def accept(gql: GraphQLClient, tenant_id: object, token: str, **input: object) -> dict:
    customer_admin = gql.token(tenant_id, Role.CUSTOMER_ADMIN, sub="admin@customer")
    result = await gql(ACCEPT, {"input": {"token": token, **input}}, token=customer_admin)
    return result.ok()["acceptInvitation"]


async def known_customer(partner: Partner, name: str = "Contoso", **kwargs: object) -> Customer:
    customer = await factories.customer(name, **kwargs)  # type: ignore[arg-type]
    await factories.relate(partner, customer, RelationshipType.NONE)
    return customer


# ------------------------------------------------------------------ request


async def test_request_for_an_existing_customer_creates_a_draft_with_a_private_link(
    gql: GraphQLClient,
) -> None:
    partner = await factories.partner()
    customer = await known_customer(partner, email="pat@contoso.example")

    invitation = await invite(gql, partner, customerId=customer_id(customer))

    assert invitation["status"] == "DRAFT"
    assert invitation["kind"] == "EXISTING_CUSTOMER"
    assert invitation["recipientEmail"] == "pat@contoso.example"
    assert invitation["customer"]["companyName"] == "Contoso"
    assert invitation["url"].startswith("https://connect.example.test/invitations/")
    token = token_of(invitation["url"])
    assert len(token) >= 22  # at least 128 bits in base64
    draft = invitation["draft"]
    assert invitation["url"] in draft["body"]
    assert draft["mailtoUrl"].startswith("mailto:pat@contoso.example?subject=")
    assert invitation["url"] in unquote(draft["mailtoUrl"])
    assert unquote(draft["mailtoUrl"].split("subject=")[1].split("&")[0]) == draft["subject"]
    # Only a hash of the token is stored, nowhere the token itself.
    row = await Invitation.get(customer_id=customer.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in row.__dict__.values())
    event = await AuditEvent.get(partner_id=partner.id, action=AuditAction.RELATIONSHIP_REQUESTED)
    assert event.customer_tenant_id == str(customer.tenant_id)


async def test_two_requests_get_different_tokens(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    first = await invite(gql, partner, recipientEmail="a@new.example")
    second = await invite(gql, partner, recipientEmail="a@new.example")
    assert token_of(first["url"]) != token_of(second["url"])


async def test_the_draft_is_in_the_customers_language(gql: GraphQLClient) -> None:
    partner = await factories.partner(name="Fabrikam")
    customer = await known_customer(partner, language="ja")
    invitation = await invite(gql, partner, customerId=customer_id(customer))
    assert "リセラー" in invitation["draft"]["subject"]
    assert "承諾" in invitation["draft"]["body"]


async def test_request_refuses_a_customer_already_resold(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, RelationshipType.RESELLER)
    error = await refused(gql, partner, customerId=customer_id(customer))
    assert error["code"] == "CONFLICT"
    assert error["field"] == ["customerId"]


async def test_request_treats_another_partners_customer_as_unknown(gql: GraphQLClient) -> None:
    partner, other = await factories.partner(), await factories.partner()
    customer = await known_customer(other)
    error = await refused(gql, partner, customerId=customer_id(customer))
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["customerId"])


@pytest.mark.parametrize(
    ("email", "message_part"),
    [(None, "required"), ("", "required"), ("not-an-email", "valid"), ("a@b\u0000.example", "")],
)
async def test_a_new_customer_needs_a_valid_recipient(
    gql: GraphQLClient, email: str | None, message_part: str
) -> None:
    partner = await factories.partner()
    error = await refused(gql, partner, recipientEmail=email)
    assert (error["code"], error["field"]) == ("INVALID", ["recipientEmail"])
    assert message_part in error["message"]
    assert not await Invitation.exists(partner_id=partner.id)


async def test_a_reseller_invites_together_with_a_linked_provider(gql: GraphQLClient) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Northwind Supply")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER)
    await factories.link(provider, reseller)
    invitation = await invite(
        gql, reseller, recipientEmail="it@new.example", indirectProviderId=partner_id(provider)
    )
    assert invitation["channel"] == "INDIRECT_PROVIDER"
    assert invitation["indirectProvider"]["name"] == "Northwind Supply"
    assert "Northwind Supply" in invitation["draft"]["body"]


async def test_an_unlinked_provider_is_refused(gql: GraphQLClient) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER)
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER)
    error = await refused(
        gql, reseller, recipientEmail="it@new.example", indirectProviderId=partner_id(provider)
    )
    assert (error["code"], error["field"]) == ("PROVIDER_NOT_LINKED", ["indirectProviderId"])


async def test_only_an_indirect_reseller_names_a_provider(gql: GraphQLClient) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER)
    direct = await factories.partner(PartnerKind.DIRECT_BILL)
    error = await refused(
        gql, direct, recipientEmail="it@new.example", indirectProviderId=partner_id(provider)
    )
    assert (error["code"], error["field"]) == ("INVALID", ["indirectProviderId"])


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.BILLING_ADMIN, "SOMETHING_ELSE"])
async def test_roles_without_invitations_cannot_request(gql: GraphQLClient, role: str) -> None:
    partner = await factories.partner()
    result = await gql(
        REQUEST,
        {"input": {"recipientEmail": "a@new.example"}},
        token=gql.token(partner.tenant_id, role),
    )
    assert result.codes == ["FORBIDDEN"]
    assert result.data is None
    assert not await Invitation.exists(partner_id=partner.id)


async def test_invitation_requests_are_rate_limited_per_principal(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    limit = gql.settings.invitation_requests_per_minute
    token = gql.token(partner.tenant_id, Role.SALES_AGENT, sub="busy-agent")
    variables = {"input": {"recipientEmail": "a@new.example"}}
    results = [await gql(REQUEST, variables, token=token) for _ in range(limit + 1)]
    codes = [r.ok()["requestResellerRelationship"]["userErrors"] for r in results]
    assert all(errors == [] for errors in codes[:limit])
    assert codes[limit][0]["code"] == "RATE_LIMITED"
    # Another user of the same partner has a budget of their own.
    other = gql.token(partner.tenant_id, Role.SALES_AGENT, sub="other-agent")
    assert (await gql(REQUEST, variables, token=other)).ok()["requestResellerRelationship"][
        "userErrors"
    ] == []


async def test_a_refused_request_is_not_remembered_and_says_when_to_try_again(
    api: ApiServer, gql: GraphQLClient
) -> None:
    """The limit counts the requests let through over the last minute (a sliding
    window): refusals are not kept, so hammering costs Redis nothing more."""
    partner = await factories.partner()
    limit = gql.settings.invitation_requests_per_minute
    token = gql.token(partner.tenant_id, Role.SALES_AGENT, sub="hammering-agent")
    variables = {"input": {"recipientEmail": "a@new.example"}}
    results = [await gql(REQUEST, variables, token=token) for _ in range(limit + 5)]
    refused = [r.ok()["requestResellerRelationship"]["userErrors"] for r in results][limit:]
    assert {errors[0]["code"] for errors in refused} == {"RATE_LIMITED"}
    wait = re.search(r"Try again in (\d+) seconds", refused[-1][0]["message"])
    assert wait, refused[-1]
    assert 1 <= int(wait[1]) <= 60
    prefix = gql.settings.redis_prefix
    key = f"{prefix}:rate:invitation-requests:{partner.tenant_id}:hammering-agent"
    assert await api.services.redis.zcard(key) == limit


# ------------------------------------------------------------------- cancel


async def test_cancelling_closes_the_link(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await known_customer(partner)
    invitation = await invite(gql, partner, customerId=customer_id(customer))
    token = gql.token(partner.tenant_id, GA)

    result = await gql(CANCEL, {"input": {"invitationId": invitation["id"]}}, token=token)
    assert result.ok()["cancelInvitation"]["invitation"]["status"] == "CANCELLED"

    outcome = await accept(gql, customer.tenant_id, token_of(invitation["url"]))
    assert outcome["userErrors"][0]["code"] == "INVITATION_CLOSED"
    again = await gql(CANCEL, {"input": {"invitationId": invitation["id"]}}, token=token)
    assert again.ok()["cancelInvitation"]["userErrors"][0]["code"] == "INVITATION_CLOSED"
    preview = await gql(
        PREVIEW,
        {"token": token_of(invitation["url"])},
        token=gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN),
    )
    assert preview.ok()["invitationPreview"]["status"] == "CANCELLED"
    assert await AuditEvent.exists(partner_id=partner.id, action=AuditAction.INVITATION_CANCELLED)


async def test_another_partner_cannot_cancel(gql: GraphQLClient) -> None:
    partner, other = await factories.partner(), await factories.partner()
    invitation = await invite(gql, partner, recipientEmail="a@new.example")
    result = await gql(
        CANCEL,
        {"input": {"invitationId": invitation["id"]}},
        token=gql.token(other.tenant_id, GA),
    )
    assert result.ok()["cancelInvitation"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await Invitation.get(partner_id=partner.id)).status.value == "DRAFT"


# ------------------------------------------------------------------- accept


async def test_accepting_establishes_the_relationship_and_dap(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await known_customer(partner)
    invitation = await invite(gql, partner, customerId=customer_id(customer))

    outcome = await accept(gql, customer.tenant_id, token_of(invitation["url"]))
    assert outcome == {"customerTenantId": str(customer.tenant_id), "userErrors": []}

    view = await gql(
        CUSTOMER, {"id": customer_id(customer)}, token=gql.token(partner.tenant_id, GA)
    )
    seen = view.ok()["customer"]
    assert seen["relationshipToPartner"] == "RESELLER"
    assert seen["canTransact"] is True
    assert seen["relationshipEstablishedAt"] is not None
    assert seen["delegatedAdmin"]["status"] == "ACTIVE"
    event = await AuditEvent.get(partner_id=partner.id, action=AuditAction.INVITATION_ACCEPTED)
    assert event.actor_tenant_id == str(customer.tenant_id)
    assert event.actor_user_id == "admin@customer"


async def test_an_invitation_is_single_use(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await known_customer(partner)
    invitation = await invite(gql, partner, customerId=customer_id(customer))
    token = token_of(invitation["url"])
    assert (await accept(gql, customer.tenant_id, token))["userErrors"] == []
    second = await accept(gql, customer.tenant_id, token)
    assert second["userErrors"][0]["code"] == "INVITATION_CLOSED"


async def test_of_concurrent_acceptances_exactly_one_succeeds(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await known_customer(partner)
    invitation = await invite(gql, partner, customerId=customer_id(customer))
    token = token_of(invitation["url"])

    outcomes = await asyncio.gather(*(accept(gql, customer.tenant_id, token) for _ in range(6)))

    codes = sorted(o["userErrors"][0]["code"] if o["userErrors"] else "OK" for o in outcomes)
    assert codes == ["INVITATION_CLOSED"] * 5 + ["OK"]
    assert await DelegatedAdminGrant.filter(customer_id=customer.id).count() == 1
    assert (
        await AuditEvent.filter(
            partner_id=partner.id, action=AuditAction.INVITATION_ACCEPTED
        ).count()
        == 1
    )


async def test_the_wrong_tenant_cannot_accept(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await known_customer(partner)
    invitation = await invite(gql, partner, customerId=customer_id(customer))
    outcome = await accept(
        gql, (await factories.customer("Other")).tenant_id, token_of(invitation["url"])
    )
    assert outcome["userErrors"][0]["code"] == "WRONG_TENANT"
    relationship = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
    assert relationship.type is RelationshipType.NONE
    assert (await Invitation.get(partner_id=partner.id)).status.value == "DRAFT"


PREVIEW_FOR_WHOM = (
    "query($token: String!) { invitationPreview(token: $token) { forAnotherOrganisation } }"
)


@pytest.mark.parametrize(
    ("kind", "signed_in_as", "for_another"),
    [
        ("EXISTING_CUSTOMER", "the invited customer", False),
        ("EXISTING_CUSTOMER", "another known customer", True),
        ("EXISTING_CUSTOMER", "an organisation never seen", True),
        ("NEW_CUSTOMER", "another known customer", False),
        ("NEW_CUSTOMER", "an organisation never seen", False),
    ],
)
async def test_the_preview_says_before_accepting_that_the_invitation_is_for_another_organisation(
    gql: GraphQLClient, kind: str, signed_in_as: str, for_another: bool
) -> None:
    """What the preview says agrees with what accepting then answers."""
    partner = await factories.partner()
    customer = await known_customer(partner)
    tenant = {
        "the invited customer": customer.tenant_id,
        "another known customer": (await factories.customer("Other")).tenant_id,
        "an organisation never seen": uuid.uuid4(),
    }[signed_in_as]
    invited = {"customerId": customer_id(customer)}
    if kind == "NEW_CUSTOMER":
        invited = {"recipientEmail": "a@new.example"}
    token = token_of((await invite(gql, partner, **invited))["url"])
    admin = gql.token(tenant, Role.CUSTOMER_ADMIN)

    preview = (await gql(PREVIEW_FOR_WHOM, {"token": token}, token=admin)).ok()
    outcome = await accept(
        gql, tenant, token, **({"company": NEW_COMPANY} if signed_in_as.endswith("seen") else {})
    )

    assert preview["invitationPreview"]["forAnotherOrganisation"] is for_another
    codes = [error["code"] for error in outcome["userErrors"]]
    assert codes == (["WRONG_TENANT"] if for_another else [])


async def test_a_partner_principal_cannot_accept(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    invitation = await invite(gql, partner, recipientEmail="a@new.example")
    result = await gql(
        ACCEPT,
        {"input": {"token": token_of(invitation["url"]), "company": NEW_COMPANY}},
        token=gql.token(partner.tenant_id, GA),
    )
    assert result.codes == ["FORBIDDEN"]


async def test_a_new_customer_needs_company_details(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    invitation = await invite(gql, partner, recipientEmail="a@new.example")
    tenant = uuid.uuid4()  # a tenant not yet a customer
    token = token_of(invitation["url"])

    missing = await accept(gql, tenant, token)
    assert (missing["userErrors"][0]["code"], missing["userErrors"][0]["field"]) == (
        "INVALID",
        ["company"],
    )
    bad = await accept(gql, tenant, token, company={**NEW_COMPANY, "defaultDomain": "no spaces"})
    assert bad["userErrors"][0]["field"] == ["company", "defaultDomain"]
    assert (await Invitation.get(partner_id=partner.id)).status.value == "DRAFT"


async def test_every_bad_company_field_is_reported_at_once(gql: GraphQLClient) -> None:
    """Bad domain, email and country: three errors, so the form marks all three."""
    partner = await factories.partner()
    invitation = await invite(gql, partner, recipientEmail="a@new.example")
    company = {
        **NEW_COMPANY,
        "defaultDomain": "no spaces",
        "contactEmail": "not-an-email",
        "country": "Japan",
    }
    outcome = await accept(gql, uuid.uuid4(), token_of(invitation["url"]), company=company)
    assert [(e["code"], e["field"]) for e in outcome["userErrors"]] == [
        ("INVALID", ["company", "defaultDomain"]),
        ("INVALID", ["company", "contactEmail"]),
        ("INVALID", ["company", "country"]),
    ]
    assert [e["message"] for e in outcome["userErrors"]] == [  # fields named in words
        "The default domain is not a valid domain name.",
        "The contact's email address is not valid: an email address looks like name@example.com.",
        "The country must be at most 2 characters.",
    ]


async def test_a_new_customer_is_created_from_the_acceptance(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    invitation = await invite(gql, partner, recipientEmail="kim@northwindhealth.example")
    tenant = "0d6c1f53-55b0-4e5c-8d8d-6b3c3ff0a001"
    await Customer.filter(tenant_id=tenant).delete()

    outcome = await accept(gql, tenant, token_of(invitation["url"]), company=NEW_COMPANY)
    assert outcome == {"customerTenantId": tenant, "userErrors": []}

    customer = await Customer.get(tenant_id=tenant)
    assert customer.company_name == "Northwind Health"
    view = await gql(
        CUSTOMER, {"id": customer_id(customer)}, token=gql.token(partner.tenant_id, GA)
    )
    assert view.ok()["customer"]["relationshipToPartner"] == "RESELLER"
    invitation_row = await Invitation.get(partner_id=partner.id)
    assert invitation_row.customer_id == customer.id


async def test_a_known_tenant_accepts_with_its_own_record(gql: GraphQLClient) -> None:
    """Issue 11: a new-customer invitation accepted by an organisation Partner
    Connect already knows uses that record, and asks for no details."""
    partner = await factories.partner()
    existing = await factories.customer("Returning Co")
    invitation = await invite(gql, partner, recipientEmail="it@returning.example")

    outcome = await accept(gql, existing.tenant_id, token_of(invitation["url"]))

    assert outcome["userErrors"] == []
    assert await Customer.filter(tenant_id=existing.tenant_id).count() == 1
    relationship = await Relationship.get(partner_id=partner.id, customer_id=existing.id)
    assert relationship.type is RelationshipType.RESELLER


async def test_a_known_tenant_sending_company_details_is_refused_not_ignored(
    gql: GraphQLClient,
) -> None:
    """What the customer typed would be dropped (its record already exists): refused,
    with its record's name, and nothing changes."""
    partner = await factories.partner()
    existing = await factories.customer("Fourth Coffee")
    invitation = await invite(gql, partner, recipientEmail="it@fourth.example")

    outcome = await accept(
        gql, existing.tenant_id, token_of(invitation["url"]), company=NEW_COMPANY
    )

    [error] = outcome["userErrors"]
    assert (error["code"], error["field"]) == ("ORGANISATION_KNOWN", ["company"])
    assert "Fourth Coffee" in error["message"]
    assert not await Relationship.exists(partner_id=partner.id, customer_id=existing.id)
    row = await Invitation.get(partner_id=partner.id)
    assert row.status is not InvitationStatus.ACCEPTED


async def test_a_partner_already_reselling_has_nothing_to_accept(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await factories.customer("Adatum")
    await factories.relate(partner, customer, RelationshipType.RESELLER)
    invitation = await invite(gql, partner, recipientEmail="it@adatum.example")

    outcome = await accept(gql, customer.tenant_id, token_of(invitation["url"]))

    [error] = outcome["userErrors"]
    assert error["code"] == "ALREADY_RESELLER"
    row = await Invitation.get(partner_id=partner.id)
    assert row.status is not InvitationStatus.ACCEPTED


async def test_two_tier_acceptance_establishes_both_relationships(gql: GraphQLClient) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Provider")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Reseller")
    await factories.link(provider, reseller)
    customer = await known_customer(reseller)
    invitation = await invite(
        gql, reseller, customerId=customer_id(customer), indirectProviderId=partner_id(provider)
    )

    assert (await accept(gql, customer.tenant_id, token_of(invitation["url"])))["userErrors"] == []

    as_reseller = (
        await gql(CUSTOMER, {"id": customer_id(customer)}, token=gql.token(reseller.tenant_id, GA))
    ).ok()["customer"]
    as_provider = (
        await gql(CUSTOMER, {"id": customer_id(customer)}, token=gql.token(provider.tenant_id, GA))
    ).ok()["customer"]
    assert as_reseller["indirectProvider"]["name"] == "Provider"
    assert as_reseller["canTransact"] is False  # a reseller never orders itself
    assert as_provider["indirectReseller"]["name"] == "Reseller"
    assert as_provider["canTransact"] is True
    assert (
        as_reseller["delegatedAdmin"]["status"]
        == as_provider["delegatedAdmin"]["status"]
        == "ACTIVE"
    )
    for partner in (provider, reseller):
        assert await AuditEvent.exists(
            partner_id=partner.id, action=AuditAction.INVITATION_ACCEPTED
        )


async def test_without_delegated_admin_no_grant_is_made(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await known_customer(partner)
    invitation = await invite(
        gql, partner, customerId=customer_id(customer), includeDelegatedAdmin=False
    )
    assert (await accept(gql, customer.tenant_id, token_of(invitation["url"])))["userErrors"] == []
    assert not await DelegatedAdminGrant.exists(customer_id=customer.id)


async def test_an_expired_invitation_is_refused_before_the_job_marks_it(
    gql: GraphQLClient,
) -> None:
    partner = await factories.partner()
    customer = await known_customer(partner)
    invitation = await invite(gql, partner, customerId=customer_id(customer))
    await Invitation.filter(partner_id=partner.id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    token = token_of(invitation["url"])

    outcome = await accept(gql, customer.tenant_id, token)
    assert outcome["userErrors"][0]["code"] == "INVITATION_EXPIRED"
    preview = await gql(
        PREVIEW, {"token": token}, token=gql.token(customer.tenant_id, Role.CUSTOMER_ADMIN)
    )
    assert preview.ok()["invitationPreview"]["status"] == "EXPIRED"


async def test_an_unknown_token_is_not_found(gql: GraphQLClient) -> None:
    tenant = (await factories.customer()).tenant_id
    outcome = await accept(gql, tenant, "A" * 43)
    assert (outcome["userErrors"][0]["code"], outcome["userErrors"][0]["field"]) == (
        "NOT_FOUND",
        ["token"],
    )
    preview = await gql(PREVIEW, {"token": "A" * 43}, token=gql.token(tenant, Role.CUSTOMER_ADMIN))
    assert preview.ok()["invitationPreview"] is None


async def test_the_preview_shows_who_invites_and_nothing_private(gql: GraphQLClient) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Provider Ltd")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Reseller Ltd")
    await factories.link(provider, reseller)
    invitation = await invite(
        gql, reseller, recipientEmail="x@new.example", indirectProviderId=partner_id(provider)
    )
    any_tenant = gql.token("7b0e5d0e-1d3c-4f5e-9a8b-000000000001", "NO_ROLE")
    preview = (await gql(PREVIEW, {"token": token_of(invitation["url"])}, token=any_tenant)).ok()[
        "invitationPreview"
    ]
    assert preview["partnerName"] == "Reseller Ltd"
    assert preview["partnerId"] == reseller.partner_id
    assert preview["indirectProviderName"] == "Provider Ltd"
    assert preview["status"] == "DRAFT"
    assert preview["kind"] == "NEW_CUSTOMER"


async def test_the_invitation_page(gql: GraphQLClient) -> None:
    partner = await factories.partner(name="Page Partner")
    invitation = await invite(gql, partner, recipientEmail="a@new.example")
    path = "/invitations/" + token_of(invitation["url"])
    page = await gql.http.get(path)
    assert page.status_code == 200
    assert "Page Partner" in page.text
    assert (await gql.http.get("/invitations/" + "B" * 43)).status_code == 404
    await Invitation.filter(partner_id=partner.id).update(status="CANCELLED")
    closed = await gql.http.get(path)
    assert closed.status_code == 200
    assert "cancelled" in closed.text.lower()


async def test_the_indirect_provider_channel_needs_a_provider(gql: GraphQLClient) -> None:
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER)
    error = await refused(
        gql, reseller, recipientEmail="a@new.example", channel="INDIRECT_PROVIDER"
    )
    assert (error["code"], error["field"]) == ("INVALID", ["channel"])


async def test_another_partners_principal_cannot_accept(gql: GraphQLClient) -> None:
    partner, other = await factories.partner(), await factories.partner()
    invitation = await invite(gql, partner, recipientEmail="a@new.example")
    result = await gql(
        ACCEPT,
        {"input": {"token": token_of(invitation["url"]), "company": NEW_COMPANY}},
        token=gql.token(other.tenant_id, Role.CUSTOMER_ADMIN),
    )
    assert result.codes == ["FORBIDDEN"]
    assert not await Customer.exists(tenant_id=other.tenant_id)


async def test_a_company_name_that_case_folds_longer_is_accepted(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    invitation = await invite(gql, partner, recipientEmail="a@new.example")
    tenant = uuid.uuid4()
    name = "\ufb03" * 200  # "ﬃ" folds to "ffi"
    outcome = await accept(
        gql, tenant, token_of(invitation["url"]), company={**NEW_COMPANY, "companyName": name}
    )
    assert outcome["userErrors"] == []
    assert (await Customer.get(tenant_id=tenant)).company_name == name


async def test_a_customer_already_resold_records_the_provider_it_accepts_with(
    gql: GraphQLClient,
) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Provider")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER)
    await factories.link(provider, reseller)
    customer = await factories.customer()
    await factories.relate(reseller, customer)  # resold already, with no provider recorded
    invitation = await invite(
        gql, reseller, recipientEmail="it@c.example", indirectProviderId=partner_id(provider)
    )

    # Known already: it accepts with its own record (issue 11), and the provider is new.
    outcome = await accept(gql, customer.tenant_id, token_of(invitation["url"]))

    assert outcome["userErrors"] == []
    view = await gql(
        CUSTOMER, {"id": customer_id(customer)}, token=gql.token(reseller.tenant_id, GA)
    )
    assert view.ok()["customer"]["indirectProvider"]["name"] == "Provider"
