"""Toasts in a real browser: they go when what they announce has passed (a status that
changed, a user who signed out), and they never hide the end of a table."""

import uuid

from playwright.async_api import Page, expect

from api.permissions import Role
from api.relationships.models import RelationshipType
from api.settings import Settings
from tests.browser.support import Pages, on_a_draft, requested, sign_in
from tests.support import factories
from tests.support.documents import ACCEPT, NEW_COMPANY, token_of
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain

LAPTOP_1366 = {"width": 1366, "height": 768}

# The toasts' boxes that overlap a table cell or a button on the page, after scrolling
# to the very end.
OVERLAPS = """() => {
  window.scrollTo(0, document.documentElement.scrollHeight);
  const boxes = (selector) =>
    [...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect());
  const toasts = boxes('#toasts .toast');
  const overlap = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return boxes('main td, main th, main button')
    .filter((cell) => toasts.some((toast) => overlap(cell, toast)))
    .map((cell) => `${Math.round(cell.left)},${Math.round(cell.top)}`);
}"""


def toasts(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#toasts .toast")


async def test_a_toast_goes_when_what_it_announces_has_passed(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    page = await on_a_draft(pages, gql)
    await page.get_by_role("button", name="Send by email").click()
    on_its_way = toasts(page).filter(has_text="The email is on its way.")
    await expect(on_its_way).to_be_visible()
    await on_its_way.hover()  # it stays while the pointer is on it, however long delivery takes

    await drain(settings)

    await expect(
        page.get_by_test_id("invitation-status-region").locator("[data-status=SENT]")
    ).to_be_visible()
    await expect(on_its_way).to_have_count(0)

    # What one user was told is not left for the next one to read.
    await page.get_by_role("button", name="Copy link").click()
    await toasts(page).hover()
    await expect(toasts(page)).to_have_count(1)
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    await expect(toasts(page)).to_have_count(0)


async def test_toasts_never_hide_the_end_of_the_customer_table(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    for number in range(10):
        customer = await factories.customer(f"Customer {number:02d}")
        await factories.relate(partner, customer, RelationshipType.RESELLER, dap=True)
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    page = await pages.open("/", viewport=LAPTOP_1366)
    await sign_in(page, token)
    await expect(page.get_by_test_id("live-status")).to_have_text("Live")
    for number in range(2):
        invitation = await requested(gql, token, recipientEmail=f"it{number}@new.example")
        company = {**NEW_COMPANY, "companyName": f"Newcomer {number}"}
        admin = gql.token(uuid.uuid4(), Role.CUSTOMER_ADMIN)
        accepted = await gql(
            ACCEPT,
            {"input": {"token": token_of(invitation["url"]), "company": company}},
            token=admin,
        )
        assert accepted.ok()["acceptInvitation"]["userErrors"] == []

    await drain(settings)

    await expect(toasts(page)).to_have_count(2)
    await expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_have_count(10)
    assert await page.evaluate(OVERLAPS) == []
