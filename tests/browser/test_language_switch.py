"""Switching language redraws the page from what it has loaded: nothing is asked of the
API again, what the user typed stays, and a mutation on its way is not lost."""

import asyncio
import re
import uuid

from playwright.async_api import Page, Request, Route, expect

from api.invitations.models import Invitation
from api.permissions import Role
from api.relationships.models import RelationshipType
from tests.browser.support import Pages, on_a_draft, requested, sign_in
from tests.support import factories
from tests.support.documents import NEW_COMPANY, token_of
from tests.support.graphql import GraphQLClient


def graphql_requests(page: Page) -> list[str]:
    """The GraphQL documents the page sends from now on."""
    sent: list[str] = []

    def record(request: Request) -> None:
        if request.url.endswith("/graphql") and request.method == "POST":
            sent.append((request.post_data_json or {}).get("query", ""))

    page.on("request", record)
    return sent


async def test_a_half_written_draft_survives_a_language_switch(
    pages: Pages, gql: GraphQLClient
) -> None:
    page = await on_a_draft(pages, gql)
    subject, body = page.get_by_label("Subject"), page.get_by_label("Message")
    await expect(subject).to_be_editable()
    await subject.fill("Half-written subject")
    written = (await body.input_value()) + "\nP.S. half a sentence"
    await body.fill(written)
    sent = graphql_requests(page)

    await page.get_by_label("Language").select_option("ja")

    await expect(page.get_by_label("件名")).to_have_value("Half-written subject")
    await expect(page.get_by_label("本文")).to_have_value(written)
    await expect(page.locator("#language")).to_be_focused()
    assert sent == [], f"the redraw asked the API again: {sent}"


async def test_the_request_form_keeps_its_choices_across_a_switch(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    for name in ("Contoso", "Fabrikam"):
        await factories.relate(partner, await factories.customer(name), RelationshipType.NONE)
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.SALES_AGENT))
    await page.get_by_role("link", name="Request a reseller relationship").click()
    await page.get_by_role("button", name="Fabrikam").click()
    await page.get_by_label("Recipient email").fill("it@fabrikam.example")
    sent = graphql_requests(page)

    await page.get_by_label("Language").select_option("ja")

    await expect(page.get_by_test_id("selected-customer")).to_have_text("Fabrikam")
    await expect(page.get_by_label("宛先メール アドレス")).to_have_value("it@fabrikam.example")
    assert sent == [], f"the redraw asked the API again: {sent}"

    await page.get_by_label("新しい顧客").check()
    await page.get_by_label("宛先メール アドレス").fill("kim@new.example")
    await page.get_by_label("言語").select_option("en")
    await expect(page.get_by_label("A new customer")).to_be_checked()
    await expect(page.get_by_label("Find the customer")).to_be_hidden()
    await expect(page.get_by_label("Recipient email")).to_have_value("kim@new.example")


async def test_the_accept_form_keeps_what_the_customer_typed(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    invitation = await requested(gql, token)
    page = await pages.open("/invitations/" + token_of(invitation["url"]))
    await page.get_by_label("Access token").fill(gql.token(uuid.uuid4(), Role.CUSTOMER_ADMIN))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.get_by_role("button", name=re.compile("Accept and connect")).click()
    await page.get_by_label("Company name").fill(NEW_COMPANY["companyName"])
    await page.get_by_label("Default domain").fill(NEW_COMPANY["defaultDomain"])
    await page.get_by_label("Country").fill("jp")

    await page.get_by_label("Language").first.select_option("ja")

    await expect(page.get_by_label("会社名")).to_have_value(NEW_COMPANY["companyName"])
    await expect(page.get_by_label("既定のドメイン")).to_have_value(NEW_COMPANY["defaultDomain"])
    await expect(page.get_by_label("国")).to_have_value("jp")


async def test_a_mutation_on_its_way_during_a_switch_is_shown_when_it_arrives(
    pages: Pages, gql: GraphQLClient
) -> None:
    """The answer is held back (the request itself goes to the real server once the
    page has been redrawn): the redrawn page shows it, in the new language."""
    page = await on_a_draft(pages, gql)
    held: asyncio.Queue[Route] = asyncio.Queue()

    async def hold_sending(route: Route) -> None:
        if "sendInvitation" in (route.request.post_data or ""):
            await held.put(route)
        else:
            await route.continue_()

    await page.route("**/graphql", hold_sending)
    await page.get_by_role("button", name="Mark as sent").click()
    sending = await held.get()
    await page.get_by_label("Language").select_option("ja")
    await expect(page.get_by_role("button", name="送信済みにする")).to_be_visible()
    await sending.continue_()

    region = page.get_by_test_id("invitation-status-region")
    await expect(region.locator("[data-status=SENT]")).to_be_visible()
    await expect(page.get_by_role("status").filter(has_text="送信済みにしました。")).to_be_visible()


async def holding(page: Page, operation: str) -> "asyncio.Queue[Route]":
    """Holds back the first request of `operation` (the test lets it go on to the real
    server with `continue_()`); the others pass."""
    held: asyncio.Queue[Route] = asyncio.Queue()
    taken = False

    async def hold(route: Route) -> None:
        nonlocal taken
        if not taken and operation in (route.request.post_data or ""):
            taken = True
            await held.put(route)
        else:
            await route.continue_()

    await page.route("**/graphql", hold)
    return held


async def test_a_switch_after_marking_as_sent_shows_it_sent(
    pages: Pages, gql: GraphQLClient
) -> None:
    """What a mutation answered is what a redraw draws (not the draft loaded before)."""
    page = await on_a_draft(pages, gql)
    await page.get_by_role("button", name="Mark as sent").click()
    region = page.get_by_test_id("invitation-status-region")
    await expect(region.locator("[data-status=SENT]")).to_be_visible()

    await page.get_by_label("Language").select_option("ja")

    await expect(page.get_by_role("heading", level=1)).to_have_text("kim@new.example への招待")
    await expect(region.locator("[data-status=SENT]")).to_be_visible()
    await expect(page.get_by_label("件名")).to_have_count(0)  # no draft editor again


async def test_a_switch_while_the_next_page_loads_shows_the_next_page(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    for number in range(1, 13):
        await factories.relate(partner, await factories.customer(f"Tailspin {number:02d}"))
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.ADMIN_AGENT))
    table = page.get_by_test_id("customer-table")
    await expect(table.locator("tbody th a")).to_have_count(10)
    held = await holding(page, "query Customers(")
    await page.get_by_test_id("next-page").click()
    next_page = await held.get()

    await page.get_by_label("Language").select_option("ja")
    await next_page.continue_()

    await expect(table.locator("tbody th a")).to_have_text(["Tailspin 11", "Tailspin 12"])
    await expect(page.get_by_text("12 件中 11\N{EN DASH}12 件")).to_be_visible()


async def test_a_request_on_its_way_during_a_switch_is_not_sent_twice(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.SALES_AGENT))
    await page.get_by_role("link", name="Request a reseller relationship").click()
    await page.get_by_label("A new customer").check()
    await page.get_by_label("Recipient email").fill("kim@new.example")
    sent = graphql_requests(page)
    held = await holding(page, "requestResellerRelationship")
    await page.get_by_role("button", name="Continue to the email").click()
    request = await held.get()

    await page.get_by_label("Language").select_option("ja")
    submit = page.get_by_role("button", name="メールの確認へ進む")
    await expect(submit).to_be_disabled()
    await request.continue_()

    await expect(page.get_by_label("件名")).to_be_visible()  # on the new invitation's page
    assert sum("requestResellerRelationship" in query for query in sent) == 1
    assert await Invitation.filter(partner_id=partner.id).count() == 1
