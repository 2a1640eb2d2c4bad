"""The customer list in a real browser: sign-in, search, keyset paging, role-aware
columns, the customer page, Japanese texts and a phone-width layout."""

import uuid

from playwright.async_api import Browser, Page, expect

from api.customers.models import Customer
from api.devtools import seed
from api.devtools.dev import demo_seed
from api.devtools.partner_center import Customer as Listed
from api.http.auth import mint_token
from api.partners.models import Partner, PartnerKind
from api.permissions import Role
from api.relationships.models import RelationshipType
from api.settings import Settings
from tests.browser.support import (
    PHONE,
    Pages,
    assert_accessible,
    assert_no_sideways_scrolling,
    screenshot,
    sign_in,
)
from tests.support import factories
from tests.support.documents import PLACE_ORDER, customer_id
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.partner_center import Running
from tests.support.servers import ApiServer

LAPTOP_1366 = {"width": 1366, "height": 768}
DASH = "\u2013"  # an en dash, as in the page ranges ("1 to 10 of 13")


async def partner_with_customers(count: int = 12) -> Partner:
    partner = await factories.partner(name="Northwind Traders")
    for number in range(1, count + 1):
        customer = await factories.customer(
            f"Customer {number:02d}", email=f"billing{number}@customer{number}.example"
        )
        await factories.relate(partner, customer, dap=number % 3 != 0)
    contoso = await factories.customer("Contoso", email="billing@contoso.example")
    await factories.relate(partner, contoso, RelationshipType.NONE)
    return partner


def table(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("customer-table")


def rows(page: Page):  # type: ignore[no-untyped-def]
    return table(page).locator("tbody tr")


async def test_sign_in_search_and_page(pages: Pages, gql: GraphQLClient) -> None:
    partner = await partner_with_customers(12)
    first = await Customer.get(company_name="Customer 01", relationships__partner=partner)
    order = await gql(
        PLACE_ORDER,
        {"input": {"customerId": customer_id(first), "offerId": "CFQ7TTC0LH18", "quantity": 25}},
        token=gql.token(partner.tenant_id, Role.SALES_AGENT),
    )
    assert order.ok()["placeOrder"]["userErrors"] == []
    await factories.gdap(partner, first, "Helpdesk")
    page = await pages.open("/")
    await expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    await screenshot(page, "sign-in")
    await assert_accessible(page)

    # A bad token is refused on the spot, and an expired one is told apart.
    await page.get_by_label("Access token").fill("not-a-token")
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_text("This is not a valid token.")).to_be_visible()
    expired = mint_token(
        gql.settings, tenant_id=partner.tenant_id, roles=["GLOBAL_ADMIN"], ttl_seconds=-60
    )
    await page.get_by_label("Access token").fill(expired)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_text("This token has expired.")).to_be_visible()

    # Signing in with the keyboard only.
    await page.get_by_label("Access token").fill(gql.token(partner.tenant_id, Role.GLOBAL_ADMIN))
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1, name="Customers")).to_be_focused()
    await expect(page.get_by_test_id("signed-in-as")).to_have_text("Northwind Traders")
    await expect(page.get_by_test_id("live-status")).to_have_text("Live")

    # First page of ten, in name order, with every column a global admin may see.
    await expect(rows(page)).to_have_count(10)
    await expect(page.get_by_text(f"1{DASH}10 of 13")).to_be_visible()
    headers = table(page).locator("thead th")
    await expect(headers).to_have_text(
        ["Company", "Domain", "Relationship", "Can transact", "Billing contact", "DAP"]
    )
    await expect(rows(page).first.locator("th")).to_have_text("Contoso")
    await expect(rows(page).first).to_contain_text("No relationship")
    await screenshot(page, "customers")
    await assert_accessible(page)

    next_page = page.get_by_role("button", name="Next →")
    previous_page = page.get_by_role("button", name="← Previous")
    await expect(previous_page).to_be_disabled()
    await next_page.click()
    await expect(page.get_by_text(f"11{DASH}13 of 13")).to_be_visible()
    await expect(rows(page)).to_have_count(3)
    await expect(rows(page).last.locator("th")).to_have_text("Customer 12")
    await expect(next_page).to_be_disabled()
    await previous_page.click()
    await expect(page.get_by_text(f"1{DASH}10 of 13")).to_be_visible()
    await expect(rows(page).nth(1).locator("th")).to_have_text("Customer 01")

    # Search by name or domain, case-insensitive; it starts again at page one.
    search = page.get_by_label("Search by company name or domain")
    await search.fill("CUSTOMER1")
    await search.press("Enter")
    await expect(page.get_by_text(f"1{DASH}3 of 3")).to_be_visible()
    await expect(rows(page).locator("th")).to_have_text(
        ["Customer 10", "Customer 11", "Customer 12"]
    )
    await search.fill("contoso.onmicrosoft")
    await search.press("Enter")
    await expect(rows(page).locator("th")).to_have_text(["Contoso"])
    await search.fill("nobody")
    await search.press("Enter")
    await expect(page.get_by_text("No customer matches “nobody”.")).to_be_visible()
    # Nothing found is said once, without a "0 to 0 of 0" range beside it.
    await expect(page.locator("#customer-summary")).to_have_text("")

    # The customer's page with everything a global admin may see.
    await search.fill("")
    await search.press("Enter")
    await page.get_by_role("link", name="Customer 01").click()
    await expect(page.get_by_role("heading", level=1, name="Customer 01")).to_be_visible()
    for section in (
        "Billing profile",
        "Delegated admin privileges (DAP)",
        "Granular delegated admin relationships (GDAP)",
        "Invitations",
        "Orders",
    ):
        await expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    await expect(page.get_by_text("billing1@customer1.example")).to_be_visible()
    await expect(page.get_by_test_id("customer-orders").locator("tbody tr")).to_contain_text(
        ["CFQ7TTC0LH18"]
    )
    await expect(page.get_by_role("link", name="Remove reseller relationship")).to_be_visible()
    await screenshot(page, "customer")
    await assert_accessible(page)

    # Back to the list: the same page and search as before.
    await page.go_back()
    await expect(page.get_by_text(f"1{DASH}10 of 13")).to_be_visible()

    # The sign-in lasts for the tab (a reload keeps it) until signing out.
    await page.reload()
    await expect(page.get_by_role("heading", level=1, name="Customers")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()

    # A token that stopped working sends the user back to sign in, saying why.
    await page.evaluate("sessionStorage.setItem('pc.partnerToken', 'expired')")
    await page.reload()
    await expect(page.get_by_text("Your session ended. Sign in again.")).to_be_visible()


async def test_helpdesk_agent_sees_only_allowed_columns(pages: Pages, gql: GraphQLClient) -> None:
    partner = await partner_with_customers(3)
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.HELPDESK_AGENT))
    await expect(rows(page)).to_have_count(4)
    await expect(table(page).locator("thead th")).to_have_text(
        ["Company", "Domain", "Relationship", "Can transact"]
    )
    # Nothing the role may not use: no invitation or removal screens, no live feed.
    await expect(page.get_by_role("link", name="Request a reseller relationship")).to_have_count(0)
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link")).to_have_text(["Customers"])
    await expect(page.get_by_test_id("live-status")).to_have_count(0)
    await screenshot(page, "customers-helpdesk-agent")
    await assert_accessible(page)

    await page.get_by_role("link", name="Customer 01").click()
    await expect(page.get_by_role("heading", level=1, name="Customer 01")).to_be_visible()
    await expect(page.get_by_role("heading", level=2)).to_have_text(["Overview"])
    await expect(page.get_by_role("link", name="Remove reseller relationship")).to_have_count(0)
    # (The `pages` fixture fails the test if any GraphQL error reached the console.)


async def test_billing_admin_sees_billing_but_not_admin_relationships(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await partner_with_customers(2)
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.BILLING_ADMIN))
    await expect(table(page).locator("thead th")).to_have_text(
        ["Company", "Domain", "Relationship", "Can transact", "Billing contact"]
    )
    await page.get_by_role("link", name="Customer 02").click()
    await expect(page.get_by_role("heading", level=2)).to_have_text(["Overview", "Billing profile"])


async def test_indirect_partners_see_the_other_tier(pages: Pages, gql: GraphQLClient) -> None:
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Fabrikam Distribution")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Tailspin Resellers")
    await factories.link(provider, reseller)
    customer = await factories.customer("Wingtip Toys")
    await factories.relate(provider, customer, dap=True)
    await factories.relate(reseller, customer, dap=True, indirect_provider=provider)

    page = await pages.open("/")
    await sign_in(page, gql.token(reseller.tenant_id, Role.SALES_AGENT))
    await expect(table(page).locator("thead th")).to_have_text(
        [
            "Company",
            "Domain",
            "Relationship",
            "Indirect provider",
            "Can transact",
            "Billing contact",
        ]
    )
    await expect(rows(page).first).to_contain_text("Fabrikam Distribution")

    provider_page = await pages.open("/")
    await sign_in(provider_page, gql.token(provider.tenant_id, Role.ADMIN_AGENT))
    await expect(rows(provider_page).first).to_contain_text("Tailspin Resellers")


async def test_japanese_and_phone_width(pages: Pages, gql: GraphQLClient) -> None:
    partner = await partner_with_customers(4)
    page = await pages.open("/", locale="ja-JP", viewport=PHONE)
    await expect(page.get_by_role("heading", level=1, name="サインイン")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "ja")
    await page.get_by_label("アクセス トークン").fill(
        gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    )
    await page.get_by_role("button", name="サインイン", exact=True).click()
    await expect(page.get_by_role("heading", level=1, name="顧客")).to_be_visible()
    await expect(page.get_by_text(f"5 件中 1{DASH}5 件")).to_be_visible()
    await expect(page.get_by_test_id("live-status")).to_have_text("ライブ")
    # Who is signed in, and as what, stays in view at phone width.
    await expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    await expect(page.get_by_test_id("signed-in-as")).to_have_text("Northwind Traders")
    await expect(page.locator(".user-role")).to_have_text("グローバル管理者")
    # At phone width the table turns into cards that need no sideways scrolling.
    await assert_no_sideways_scrolling(page)
    await screenshot(page, "customers-phone-ja")
    await assert_accessible(page)

    # Switchable: the choice applies at once and is remembered.
    await page.get_by_label("言語").select_option("en")
    await expect(page.get_by_role("heading", level=1, name="Customers")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.reload()
    await expect(page.get_by_role("heading", level=1, name="Customers")).to_be_visible()
    await screenshot(page, "customers-phone")
    await assert_accessible(page)


async def test_a_sync_with_partner_center_is_asked_for_and_what_it_did_is_shown(
    browser: Browser, api: ApiServer, settings: Settings, stand_in: Running
) -> None:
    configured = stand_in.settings(settings)
    partner = await factories.partner(
        name="Northwind Traders", tenant_id=uuid.UUID(stand_in.state.tenant_id)
    )
    for name in ("Trey Research", "Lamna Healthcare"):  # served in other portals so far
        tenant = str(uuid.uuid4())
        stand_in.state.customers[tenant] = Listed(tenant, name)
    sync = "Sync with Partner Center"
    async with ApiServer.alongside(configured) as server:
        pages = Pages(browser, server)
        try:
            page = await pages.open("/")
            await sign_in(
                page, mint_token(configured, tenant_id=partner.tenant_id, roles=["ADMIN_AGENT"])
            )
            status = page.get_by_test_id("sync-status")
            await expect(status).to_have_text("Not synced with Partner Center yet.")
            await page.get_by_role("button", name=sync).click()
            await expect(status).to_have_text("Syncing with Partner Center…")
            await expect(page.get_by_role("button", name=sync)).to_be_disabled()

            await drain(configured)  # the worker runs it

            await expect(status).to_contain_text(
                "2 new, 0 updated, 0 could not be read, 0 to review.", timeout=15_000
            )
            await expect(rows(page)).to_have_count(2)  # the list again, with them
            await expect(page.get_by_role("button", name=sync)).to_be_enabled()
            await assert_accessible(page)
            await screenshot(page, "customer-sync")

            # A sales agent sees when and what, in Japanese, without the button.
            agent = await pages.open("/", locale="ja-JP")
            await agent.get_by_label("アクセス トークン").fill(
                mint_token(configured, tenant_id=partner.tenant_id, roles=["SALES_AGENT"])
            )
            await agent.get_by_role("button", name="サインイン", exact=True).click()
            await expect(agent.get_by_test_id("sync-status")).to_contain_text(
                "パートナー センターとの前回の同期"
            )
            await expect(
                agent.get_by_role("button", name="パートナー センターと同期")
            ).to_have_count(0)
        finally:
            await pages.close()
    assert not pages.problems, "\n".join(pages.problems)


async def test_an_indirect_resellers_table_fits_a_1366_pixel_screen(
    pages: Pages, gql: GraphQLClient
) -> None:
    """Tailspin Resellers (the demo's indirect reseller, with its provider column) on a
    common laptop: every column, DAP the last, is on screen without scrolling sideways."""
    demo = demo_seed()
    await seed.load(demo)
    [tailspin] = [partner for partner in demo.partners if partner.name == "Tailspin Resellers"]
    page = await pages.open("/", viewport=LAPTOP_1366)
    await sign_in(page, gql.token(tailspin.tenant_id, Role.GLOBAL_ADMIN))
    await expect(table(page).locator("thead th").last).to_have_text("DAP")
    await expect(rows(page)).to_have_count(5)
    await expect(rows(page).first.locator("[data-column=canTransact]")).to_have_text(
        "No Your indirect provider places orders for you"
    )
    await screenshot(page, "customers-indirect-reseller-1366")
    await assert_every_column_on_screen(page)

    await page.get_by_label("Language").select_option("ja")
    await expect(page.get_by_role("heading", level=1, name="顧客")).to_be_visible()
    await screenshot(page, "customers-indirect-reseller-1366-ja")
    await assert_every_column_on_screen(page)


async def assert_every_column_on_screen(page: Page) -> None:
    wrap = await page.evaluate(
        "(() => { const w = document.querySelector('.table-wrap');"
        " return [w.scrollWidth, w.clientWidth]; })()"
    )
    assert wrap[0] <= wrap[1], f"the table is {wrap[0]}px wide in {wrap[1]}px"
    dap = await table(page).locator("thead th[data-column=dap]").bounding_box()
    assert dap is not None
    assert dap["x"] + dap["width"] <= LAPTOP_1366["width"]
    await assert_no_sideways_scrolling(page)


async def test_a_customer_that_cannot_transact_says_why(pages: Pages, gql: GraphQLClient) -> None:
    partner = await partner_with_customers(1)
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.SALES_AGENT))

    def can_transact(name: str):  # type: ignore[no-untyped-def]
        return rows(page).filter(has_text=name).locator("[data-column=canTransact]")

    await expect(can_transact("Contoso")).to_have_text("No No reseller relationship yet")
    await expect(can_transact("Customer 01")).to_have_text("Yes")
    await page.get_by_role("link", name="Contoso").click()
    await expect(page.get_by_role("heading", level=1, name="Contoso")).to_be_visible()
    await expect(page.get_by_test_id("can-transact")).to_have_text(
        "No No reseller relationship yet"
    )


async def paste(page: Page, text: str) -> None:
    """Pastes `text` into the focused field through the clipboard, as a person does."""
    await page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    await page.keyboard.press("Control+V")


async def test_a_search_longer_than_the_server_takes_is_refused_aloud_not_cut(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await partner_with_customers(1)
    page = await pages.open("/", clipboard=True)
    await sign_in(page, gql.token(partner.tenant_id, Role.GLOBAL_ADMIN))
    search = page.get_by_label("Search by company name or domain")

    await search.focus()
    await paste(page, "x" * 5_000)
    await search.press("Enter")

    assert len(await search.input_value()) == 5_000
    await expect(search).to_have_attribute("aria-invalid", "true")
    await expect(
        page.get_by_text("A search is at most 200 characters; this one has 5,000.")
    ).to_be_visible()
    await expect(rows(page)).to_have_count(2)  # the list stays as it was
    await assert_no_sideways_scrolling(page)

    await search.fill("x" * 200)
    await search.press("Enter")
    await expect(page.get_by_text("No customer matches")).to_be_visible()
    await expect(search).not_to_have_attribute("aria-invalid", "true")
    await assert_no_sideways_scrolling(page)
    await screenshot(page, "customers-long-search")

    await page.goto("/#/invite")
    picker = page.get_by_label("Find the customer")
    await picker.focus()
    await paste(page, "y" * 5_000)
    assert len(await picker.input_value()) == 5_000
    await expect(
        page.get_by_text("A search is at most 200 characters; this one has 5,000.")
    ).to_be_visible()
    await assert_no_sideways_scrolling(page)
