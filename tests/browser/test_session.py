"""The signed-in session in one browser tab: a warning before the token expires with a
way to carry on where the user is, and nothing of one user left for the next."""

import re

from playwright.async_api import expect

from api.permissions import Role
from tests.browser.support import Pages, assert_accessible, requested, sign_in
from tests.support import factories
from tests.support.graphql import GraphQLClient


async def test_a_token_about_to_expire_is_renewed_without_leaving_the_page(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    lasting = gql.token(partner.tenant_id, Role.ADMIN_AGENT)
    invitation = await requested(gql, lasting)
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.ADMIN_AGENT, ttl_seconds=120))
    warning = page.get_by_test_id("session-warning")
    await expect(
        warning.get_by_role("heading", name=re.compile("Your session ends at"))
    ).to_be_visible()
    await page.goto(f"/#/invitations/{invitation['id']}")
    subject = page.get_by_label("Subject")
    await subject.fill("Typed before the warning")
    await expect(subject).to_be_focused()  # the warning took nothing from the user
    await assert_accessible(page)

    await warning.get_by_label("Access token").fill(lasting)
    await warning.get_by_role("button", name="Sign in", exact=True).click()

    await expect(warning).to_have_count(0)
    await expect(page.get_by_label("Subject")).to_have_value("Typed before the warning")
    await expect(page.get_by_test_id("signed-in-as")).to_have_text("Northwind Traders")
    await expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")


async def test_the_next_user_in_the_tab_sees_nothing_of_the_previous_one(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    first = gql.token(partner.tenant_id, Role.ADMIN_AGENT, sub="first-user")
    invitation = await requested(gql, first)
    page = await pages.open("/")
    await sign_in(page, first)
    await page.goto(f"/#/invitations/{invitation['id']}")
    original = await page.get_by_label("Subject").input_value()
    await page.get_by_label("Subject").fill("An unsent edit of the first user")
    await page.get_by_role("button", name="Sign out").click()

    await sign_in(page, gql.token(partner.tenant_id, Role.ADMIN_AGENT, sub="second-user"))
    await page.goto(f"/#/invitations/{invitation['id']}")
    await expect(page.get_by_label("Subject")).to_have_value(original)
