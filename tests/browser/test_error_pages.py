"""Pages for what cannot be shown: each has a heading that takes the focus and names the
tab, in words (no placeholder left unfilled), and a way on."""

import json

from playwright.async_api import Route, expect
from strawberry.relay import GlobalID

from api.permissions import Role
from tests.browser.support import Pages, sign_in
from tests.support import factories
from tests.support.graphql import GraphQLClient


async def test_a_failed_load_has_a_heading_and_a_retry(pages: Pages, gql: GraphQLClient) -> None:
    partner = await factories.partner(name="Northwind Traders")
    customer = await factories.customer("Litware")
    await factories.relate(partner, customer)
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.ADMIN_AGENT))

    async def unavailable(route: Route) -> None:
        if "query Customer(" in (route.request.post_data or ""):
            await route.fulfill(status=503, content_type="application/json", body=json.dumps({}))
        else:
            await route.continue_()

    await page.route("**/graphql", unavailable)
    await page.goto(f"/#/customers/{GlobalID('Customer', str(customer.id))}")
    title = page.get_by_role("heading", level=1, name="Something went wrong")
    await expect(title).to_be_focused()
    await expect(page).to_have_title("Something went wrong · Partner Connect")

    await page.unroute("**/graphql")
    await page.get_by_role("button", name="Try again").click()
    await expect(page.get_by_role("heading", level=1, name="Litware")).to_be_visible()


async def test_a_role_that_may_not_remove_sees_the_action_named(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    customer = await factories.customer("Litware")
    await factories.relate(partner, customer)
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.HELPDESK_AGENT))
    await page.goto(f"/#/customers/{GlobalID('Customer', str(customer.id))}/remove")
    title = page.get_by_role("heading", level=1, name="Remove reseller relationship")
    await expect(title).to_be_focused()
    await expect(page.locator("main")).to_contain_text("Your role does not allow this.")
    await expect(page.locator("main")).not_to_contain_text("{")
    await expect(page).to_have_title("Remove reseller relationship · Partner Connect")
