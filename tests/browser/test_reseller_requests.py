""" "Request a reseller relationship" in a real browser, end to end: the draft email,
sending it by email (the SMTP server receives it) or by hand, the customer accepting
from a second browser, and the partner's dashboard updating live."""

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from playwright.async_api import Page, WebSocketRoute, expect
from strawberry.relay import GlobalID

from api.invitations.models import Invitation
from api.partners.models import PartnerKind
from api.permissions import Role
from api.relationships.models import Relationship, RelationshipType
from api.settings import Settings
from tests.browser.support import (
    PHONE,
    Pages,
    assert_accessible,
    assert_no_sideways_scrolling,
    on_a_draft,
    requested,
    screenshot,
    sign_in,
)
from tests.support import factories
from tests.support.documents import ACCEPT, CANCEL, NEW_COMPANY, REQUEST, token_of
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.mail import MailSink

# Installs a recorder of the live indicator's states in the page.
RECORD_LIVE_STATES = """() => {
  window.liveStates = [];
  const record = () => {
    const state = document.querySelector('[data-testid=live-status]')?.dataset.state;
    if (state && window.liveStates.at(-1) !== state) window.liveStates.push(state);
  };
  new MutationObserver(record).observe(document.getElementById('header'), {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'],
  });
}"""


def status(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("invitation-status-region")


async def test_invite_an_existing_customer_and_send_by_email(
    pages: Pages, gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    billing = f"billing-{uuid.uuid4().hex[:8]}@contoso.example"
    contoso = await factories.customer("Contoso", email=billing)
    await factories.relate(partner, contoso, RelationshipType.NONE)

    page = await pages.open("/", clipboard=True)
    await sign_in(page, gql.token(partner.tenant_id, Role.SALES_AGENT))
    await page.get_by_role("link", name="Contoso").click()
    await page.get_by_role("link", name="Request a reseller relationship").click()

    # Step 1: the customer comes preselected; the recipient defaults to its billing contact.
    await expect(
        page.get_by_role("heading", level=1, name="Request a reseller relationship")
    ).to_be_visible()
    await expect(page.get_by_test_id("selected-customer")).to_have_text("Contoso")
    await expect(page.get_by_text(f"send it to the billing contact, {billing}")).to_be_visible()
    await page.get_by_role("button", name="Continue to the email").click()

    # Step 2: the draft email.
    await expect(
        page.get_by_role("heading", level=1, name="Invitation email for Contoso")
    ).to_be_visible()
    url = await page.get_by_test_id("invitation-url").input_value()
    assert re.fullmatch(r"https://connect\.example\.test/invitations/[\w-]{22,}", url), url
    body = page.get_by_label("Message")
    await expect(body).to_have_value(re.compile(re.escape(url)))
    await expect(page.get_by_role("textbox", name="To", exact=True)).to_have_value(billing)
    mail_link = page.get_by_test_id("open-mail-app")
    await expect(mail_link).to_have_attribute(
        "href", re.compile(rf"^mailto:{re.escape(billing)}\?subject=")
    )
    await screenshot(page, "invitation-draft")
    await assert_accessible(page)

    # Copy to the clipboard.
    await page.get_by_role("button", name="Copy email text").click()
    await expect(page.get_by_text("Email text copied.")).to_be_visible()
    copied = await page.evaluate("navigator.clipboard.readText()")
    assert url in copied

    # Editing: removing the link warns at once and blocks sending; putting it back clears it.
    original = await body.input_value()
    await body.fill(original.replace(url, "(link)"))
    warning = page.get_by_test_id("link-warning")
    await expect(warning).to_be_visible()
    await expect(warning).to_contain_text("The invitation link is missing from the message.")
    await expect(body).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_role("button", name="Send by email")).to_be_disabled()
    await expect(page.get_by_role("button", name="Mark as sent")).to_be_disabled()
    await expect(mail_link).to_have_attribute("aria-disabled", "true")
    await screenshot(page, "invitation-draft-link-removed", full_page=False)
    await assert_accessible(page)
    await page.get_by_role("button", name="Put the link back").click()
    await expect(warning).to_be_hidden()
    await expect(body).to_be_focused()
    await expect(body).to_have_value(original)  # in its place, instead of "(link)"
    edited = (await body.input_value()).replace(
        "Kind regards", "Looking forward to working with you"
    )
    await body.fill(edited)
    await page.get_by_label("Subject").fill("Contoso and Northwind Traders")
    await expect(mail_link).to_have_attribute(
        "href", re.compile(r"subject=Contoso%20and%20Northwind%20Traders")
    )

    # Step 3: send by email; the worker delivers it and the status follows live.
    await page.get_by_role("button", name="Send by email").click()
    await expect(status(page).locator("[data-status=QUEUED]")).to_be_visible()
    await expect(
        page.get_by_role("list", name="Progress", exact=True).locator("[aria-current=step]")
    ).to_have_text("3Done")
    await drain(settings)
    await expect(status(page).locator("[data-status=SENT]")).to_be_visible()
    await expect(status(page)).to_contain_text(f"Delivered to {billing}")
    await screenshot(page, "invitation-sent")
    await assert_accessible(page)

    [message] = await mail.wait_for(billing)
    assert message["Subject"] == "Contoso and Northwind Traders"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert url in text
    assert "Looking forward to working with you" in text

    # The customer's page lists the invitation with its status.
    await page.get_by_role("link", name="Contoso").click()
    await expect(page.get_by_test_id("customer-invitations")).to_contain_text("Sent")


async def test_invite_a_new_customer_with_a_provider_and_see_the_acceptance_live(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Fabrikam Distribution")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Tailspin Resellers")
    await factories.link(provider, reseller)
    existing = await factories.customer("Alpine Ski House")
    await factories.relate(reseller, existing, indirect_provider=provider)

    # The partner's dashboard, with its websocket routed through the test so that the
    # test can drop the connection.
    sockets: list[WebSocketRoute] = []

    def through(ws: WebSocketRoute) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page = await pages.open("/")
    await page.route_web_socket(re.compile(r"/graphql$"), through)
    await page.reload()
    await sign_in(page, gql.token(reseller.tenant_id, Role.ADMIN_AGENT))
    await expect(page.get_by_test_id("live-status")).to_have_text("Live")

    await page.get_by_role("link", name="Request a reseller relationship").click()
    await page.get_by_label("A new customer").check()
    await page.get_by_label("Recipient email").fill("it@wingtiptoys.example")
    await page.get_by_label("Invite together with").select_option(
        label="Fabrikam Distribution (" + provider.partner_id + ")"
    )
    await expect(page.get_by_label("Acquisition channel")).to_have_value("INDIRECT_PROVIDER")
    await screenshot(page, "request-new-customer-with-provider")
    await assert_accessible(page)
    await page.get_by_role("button", name="Continue to the email").click()

    await expect(
        page.get_by_role("heading", level=1, name="Invitation email for it@wingtiptoys.example")
    ).to_be_visible()
    await expect(page.get_by_label("Message")).to_have_value(re.compile("Fabrikam Distribution"))
    url = await page.get_by_test_id("invitation-url").input_value()
    # Sent from the partner's own mail app: marked as sent by hand.
    await page.get_by_role("button", name="Mark as sent").click()
    await expect(status(page).locator("[data-status=SENT]")).to_be_visible()
    await expect(status(page)).to_contain_text("Marked as sent by hand")

    # Back to the list to wait for the customer.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    await expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_have_count(1)

    # The live connection drops and comes back by itself.
    await drain(settings)  # events so far (created, sent) are delivered
    assert sockets, "the dashboard opened no websocket"
    # Record every state the indicator shows, however briefly.
    await page.evaluate(RECORD_LIVE_STATES)
    await sockets[-1].close(code=1012, reason="Service Restart")
    await expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "reconnecting")
    await expect(page.get_by_test_id("live-status")).to_have_text("Live")
    assert await page.evaluate("window.liveStates") == ["reconnecting", "live"]
    assert len(sockets) == 2

    # The customer's admin opens the link in another browser, at phone width.
    customer_page = await pages.open("/invitations/" + token_of(url), viewport=PHONE)
    await expect(
        customer_page.get_by_role(
            "heading",
            level=1,
            name="Tailspin Resellers and Fabrikam Distribution invite you to a reseller "
            "relationship",
        )
    ).to_be_visible()
    await expect(customer_page.get_by_test_id("inviting-partner")).to_contain_text(
        reseller.partner_id
    )
    await expect(customer_page.get_by_test_id("indirect-provider")).to_have_text(
        "Fabrikam Distribution"
    )
    await expect(
        customer_page.get_by_text(
            "Delegated admin privileges (DAP) for your tenant go to Tailspin Resellers and "
            "Fabrikam Distribution"
        )
    ).to_be_visible()
    await screenshot(customer_page, "customer-invitation-page")
    await assert_accessible(customer_page)

    tenant = uuid.uuid4()
    await customer_page.get_by_label("Access token").fill(gql.token(tenant, Role.CUSTOMER_ADMIN))
    await customer_page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(customer_page.get_by_text(f"Signed in to tenant {tenant}.")).to_be_visible()
    accept = customer_page.get_by_role("button", name="Accept and connect with Tailspin Resellers")
    await accept.click()
    # A new customer gives its details first.
    await expect(customer_page.get_by_label("Company name")).to_be_focused()
    await customer_page.get_by_label("Company name").fill("Wingtip Toys")
    await customer_page.get_by_label("Default domain").fill("wingtiptoys.onmicrosoft.com")
    await customer_page.get_by_label("Billing contact email").fill("billing@wingtiptoys.example")
    await customer_page.get_by_label("Country").fill("us")
    await screenshot(customer_page, "customer-accept-form")
    await assert_accessible(customer_page)
    await assert_no_sideways_scrolling(customer_page)
    await accept.click()
    await expect(
        customer_page.get_by_role("heading", level=1, name="Invitation accepted")
    ).to_be_visible()
    await expect(
        customer_page.get_by_role("status").filter(has_text="You are connected")
    ).to_contain_text(
        "reseller relationship with Tailspin Resellers and Fabrikam Distribution is in place"
    )
    await screenshot(customer_page, "customer-accepted")
    await assert_accessible(customer_page)

    # The partner's dashboard: a toast, and the customer in the list, without a reload.
    await drain(settings)
    toast = page.get_by_role("status").filter(has_text="Wingtip Toys accepted your invitation")
    await expect(toast).to_be_visible()
    table = page.get_by_test_id("customer-table")
    await expect(table.locator("tbody tr")).to_have_count(2)
    new_row = table.locator("tbody tr", has_text="Wingtip Toys")
    await expect(new_row).to_contain_text("New")
    await expect(new_row).to_contain_text("Fabrikam Distribution")
    await screenshot(page, "acceptance-toast")
    await assert_accessible(page)

    # The link is now used up.
    await customer_page.reload()
    await expect(
        customer_page.get_by_role("heading", level=1, name="This invitation has already been used")
    ).to_be_visible()

    # The invitation shows as accepted.
    await toast.get_by_role("link", name="Open").click()
    await expect(page.get_by_role("heading", level=1, name="Wingtip Toys")).to_be_visible()
    await expect(page.get_by_test_id("customer-invitations")).to_contain_text("Accepted")


async def test_the_customer_page_for_closed_and_unknown_links(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)

    async def invitation() -> dict:  # type: ignore[type-arg]
        result = await gql(REQUEST, {"input": {"recipientEmail": "a@new.example"}}, token=token)
        return result.ok()["requestResellerRelationship"]["invitation"]  # type: ignore[no-any-return]

    cancelled, expired, used = await invitation(), await invitation(), await invitation()
    await gql(CANCEL, {"input": {"invitationId": cancelled["id"]}}, token=token)
    await Invitation.filter(id=GlobalID.from_id(expired["id"]).node_id).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    accepted = await gql(
        ACCEPT,
        {"input": {"token": token_of(used["url"]), "company": NEW_COMPANY}},
        token=gql.token(uuid.uuid4(), Role.CUSTOMER_ADMIN),
    )
    assert accepted.ok()["acceptInvitation"]["userErrors"] == []

    page = await pages.open("/")
    for item, heading in (
        (cancelled, "This invitation was cancelled"),
        (expired, "This invitation has expired"),
        (used, "This invitation has already been used"),
    ):
        response = await page.goto("/invitations/" + token_of(item["url"]))
        assert response is not None
        assert response.status == 200
        await expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        await expect(page.locator("main")).to_contain_text("Northwind Traders")
        await expect(page.get_by_role("button", name=re.compile("Accept"))).to_have_count(0)
    await screenshot(page, "customer-invitation-used")
    await assert_accessible(page)

    response = await page.goto("/invitations/" + "B" * 43)
    assert response is not None
    assert response.status == 404
    await expect(
        page.get_by_role("heading", level=1, name="This invitation link is not valid")
    ).to_be_visible()


async def test_a_failed_delivery_shows_live_and_can_be_sent_again(
    pages: Pages, gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    recipient = f"it-{uuid.uuid4().hex[:8]}@refusing.example"
    mail.refuse(recipient)

    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.GLOBAL_ADMIN))
    await page.get_by_role("link", name="Request a reseller relationship").click()
    await page.get_by_label("A new customer").check()
    await page.get_by_label("Recipient email").fill(recipient)
    await page.get_by_role("button", name="Continue to the email").click()
    await page.get_by_role("button", name="Send by email").click()
    await expect(status(page).locator("[data-status=QUEUED]")).to_be_visible()

    await drain(settings)  # every attempt is refused
    await expect(status(page).locator("[data-status=FAILED]")).to_be_visible()
    await expect(status(page)).to_contain_text(
        f"Delivery failed after {settings.job_max_tries} attempts"
    )
    await screenshot(page, "invitation-failed", full_page=False)
    await assert_accessible(page)

    # The invitation list shows it too.
    nav = page.get_by_role("navigation", name="Main")
    await nav.get_by_role("link", name="Invitations").click()
    await page.get_by_label("Show").select_option("FAILED")
    invitations = page.get_by_test_id("invitation-table")
    await expect(invitations.locator("tbody tr")).to_have_count(1)
    await expect(invitations).to_contain_text(recipient)
    await invitations.get_by_role("link", name="New customer").click()

    # Sent again from the partner's own mail app instead.
    await page.get_by_role("button", name="Send again").click()
    await expect(page.get_by_role("textbox", name="To", exact=True)).to_have_value(recipient)
    await page.get_by_role("button", name="Mark as sent").click()
    await expect(status(page).locator("[data-status=SENT]")).to_be_visible()


async def test_a_known_organisation_accepts_a_new_customer_invitation_with_its_record(
    pages: Pages, gql: GraphQLClient
) -> None:
    """Issue 11: Fourth Coffee, known already, is told so and asked for nothing; the
    partner's list shows Fourth Coffee, not what someone might have typed."""
    partner = await factories.partner(name="Northwind Traders")
    known = await factories.customer("Fourth Coffee", "fourthcoffee.onmicrosoft.com")
    requested = await gql(
        REQUEST,
        {"input": {"recipientEmail": "it@fourthcoffee.example"}},
        token=gql.token(partner.tenant_id, Role.GLOBAL_ADMIN),
    )
    url = requested.ok()["requestResellerRelationship"]["invitation"]["url"]

    page = await pages.open("/invitations/" + token_of(url))
    await page.get_by_label("Access token").fill(gql.token(known.tenant_id, Role.CUSTOMER_ADMIN))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_test_id("known-organisation")).to_contain_text(
        "already known to Partner Connect as Fourth Coffee (fourthcoffee.onmicrosoft.com)"
    )
    await expect(page.get_by_label("Company name")).to_have_count(0)
    await assert_accessible(page)
    await page.get_by_role("button", name="Accept and connect with Northwind Traders").click()
    await expect(page.get_by_role("heading", level=1, name="Invitation accepted")).to_be_visible()
    relationship = await Relationship.get(partner_id=partner.id, customer_id=known.id)
    assert relationship.type is RelationshipType.RESELLER


async def test_another_organisation_is_told_before_accepting_that_the_invitation_is_not_for_it(
    pages: Pages, gql: GraphQLClient
) -> None:
    """An invitation to Contoso opened with Relecloud's account: said at sign-in, with no
    Accept button to press first; Contoso's own admin then gets the button."""
    partner = await factories.partner(name="Northwind Traders")
    contoso = await factories.customer("Contoso")
    relecloud = await factories.customer("Relecloud")
    for customer in (contoso, relecloud):
        await factories.relate(partner, customer, RelationshipType.NONE)
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    invitation = await requested(gql, token, customerId=str(GlobalID("Customer", str(contoso.id))))

    page = await pages.open("/invitations/" + token_of(invitation["url"]))
    await page.get_by_label("Access token").fill(
        gql.token(relecloud.tenant_id, Role.CUSTOMER_ADMIN)
    )
    await page.get_by_role("button", name="Sign in", exact=True).click()

    await expect(page.get_by_test_id("cannot-accept").get_by_role("alert")).to_have_text(
        "This invitation is for another organisation. Sign in with an account of the invited "
        "organisation."
    )
    await expect(page.get_by_role("button", name=re.compile("^Accept"))).to_have_count(0)
    await assert_accessible(page)
    await page.get_by_role("button", name="Sign out").click()
    await page.get_by_label("Access token").fill(gql.token(contoso.tenant_id, Role.CUSTOMER_ADMIN))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(
        page.get_by_role("button", name="Accept and connect with Northwind Traders")
    ).to_be_visible()
    await expect(page.get_by_test_id("cannot-accept")).to_have_count(0)


async def test_the_japanese_accept_form_marks_every_bad_field_in_japanese(
    pages: Pages, gql: GraphQLClient
) -> None:
    """Issue 11: a bad domain, email and country are all marked at once, each in
    the dashboard's own Japanese, never the server's English."""
    partner = await factories.partner(name="Northwind Traders")
    requested = await gql(
        REQUEST,
        {"input": {"recipientEmail": "it@new.example"}},
        token=gql.token(partner.tenant_id, Role.GLOBAL_ADMIN),
    )
    url = requested.ok()["requestResellerRelationship"]["invitation"]["url"]
    page = await pages.open("/invitations/" + token_of(url), locale="ja-JP")
    await page.get_by_label("アクセス トークン").fill(gql.token(uuid.uuid4(), Role.CUSTOMER_ADMIN))
    await page.get_by_role("button", name="サインイン", exact=True).click()
    accept = page.get_by_role("button", name="承諾して Northwind Traders と接続")
    await page.get_by_label("会社名").fill("Trey Research")
    await page.get_by_label("既定のドメイン").fill("no spaces allowed")
    await page.get_by_label("請求先担当者のメール アドレス").fill("not-an-email")
    await page.get_by_label("国").fill("J1")
    await accept.click()
    await expect(page.get_by_text("ドメイン名を入力してください")).to_be_visible()
    await expect(page.get_by_text("メールアドレスを入力してください")).to_be_visible()
    await expect(page.get_by_text("2 文字の国コードを入力してください")).to_be_visible()
    body = await page.locator("main").inner_text()
    for english in ("must", "valid", "Default domain", "email address"):
        assert english not in body


async def test_the_picker_offers_only_customers_that_can_be_invited(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    for number in range(1, 11):
        prospect = await factories.customer(f"Prospect {number:02d}")
        await factories.relate(partner, prospect, RelationshipType.NONE)
    resold = await factories.customer("Prospect Resold")
    await factories.relate(partner, resold)

    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.SALES_AGENT))
    await page.get_by_role("link", name="Request a reseller relationship").click()

    # Eight shown of the ten that can be invited; the one already resold to is not there.
    count = page.get_by_test_id("candidates-count")
    await expect(count).to_have_text(
        "Customers you can invite: 10, the first 8 shown; search to narrow them down."
    )
    picks = page.get_by_role("list", name="Matching customers").locator(".candidate-name")
    await expect(picks).to_have_count(8)
    await page.get_by_label("Find the customer").fill("prospect")
    await expect(count).to_have_text(
        "Customers you can invite: 10, the first 8 shown; search to narrow them down."
    )
    await page.get_by_label("Find the customer").fill("resold")
    await expect(count).to_have_text("Customers you can invite: 0")
    await expect(page.get_by_text("No customer matches.")).to_be_visible()
    await page.get_by_label("Find the customer").fill("prospect 1")
    await expect(count).to_have_text("Customers you can invite: 1")
    await expect(picks).to_have_text(["Prospect 10"])
    await assert_accessible(page)


async def test_an_invitation_marked_as_sent_can_be_cancelled(
    pages: Pages, gql: GraphQLClient
) -> None:
    page = await on_a_draft(pages, gql)
    await page.get_by_role("button", name="Mark as sent").click()
    await expect(status(page).locator("[data-status=SENT]")).to_be_visible()

    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.get_by_role("button", name="Cancel invitation").click()

    await expect(status(page).locator("[data-status=CANCELLED]")).to_be_visible()
    await expect(page.locator(".toast")).not_to_contain_text("Something went wrong")
    shown = unquote(page.url.rsplit("/", 1)[1])  # #/invitations/<id, encoded>
    stored = await Invitation.get(id=GlobalID.from_id(shown).node_id)
    assert stored.status.value == "CANCELLED"


async def test_an_invitation_cancelled_while_the_customer_is_accepting_says_so(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    invitation = await requested(gql, token)
    page = await pages.open("/invitations/" + token_of(invitation["url"]))
    await page.get_by_label("Access token").fill(gql.token(uuid.uuid4(), Role.CUSTOMER_ADMIN))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    accept = page.get_by_role("button", name="Accept and connect with Northwind Traders")
    await accept.click()
    await page.get_by_label("Company name").fill(NEW_COMPANY["companyName"])
    await page.get_by_label("Default domain").fill(NEW_COMPANY["defaultDomain"])
    await page.get_by_label("Billing contact email").fill(NEW_COMPANY["contactEmail"])
    await page.get_by_label("Country").fill(NEW_COMPANY["country"])
    await gql(CANCEL, {"input": {"invitationId": invitation["id"]}}, token=token)

    await accept.click()

    await expect(
        page.get_by_role("heading", level=1, name="This invitation was cancelled")
    ).to_be_visible()


async def test_an_expired_invitation_offers_a_new_one_not_its_dead_link(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    contoso = await factories.customer("Contoso")
    await factories.relate(partner, contoso, RelationshipType.NONE)
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    invitation = await requested(gql, token, customerId=str(GlobalID("Customer", str(contoso.id))))
    await Invitation.filter(partner_id=partner.id).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    page = await pages.open("/")
    await sign_in(page, token)

    await page.goto(f"/#/invitations/{invitation['id']}")

    await expect(status(page).locator("[data-status=EXPIRED]")).to_be_visible()
    await expect(page.get_by_role("button", name="Copy link")).to_have_count(0)
    await expect(page.get_by_test_id("invitation-url")).to_have_count(0)
    await assert_accessible(page)
    await page.get_by_role("link", name="Send a new invitation").click()
    await expect(
        page.get_by_role("heading", level=1, name="Request a reseller relationship")
    ).to_be_visible()
    await expect(page.get_by_test_id("selected-customer")).to_have_text("Contoso")
