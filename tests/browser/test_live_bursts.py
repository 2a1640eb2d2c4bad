"""Lists under bursts of live events: several invitations, acceptances and removals
within a second, delivered by the real worker over the real websocket. Every list must
end exactly right, and must never have shown a row twice on the way (a recorder in the
page keeps the most rows each table ever had); a live refresh leaves the focus where
the user put it."""

import uuid

from playwright.async_api import Locator, Page, expect

from api.permissions import Role
from api.relationships.models import RelationshipType
from api.settings import Settings
from tests.browser.support import Pages, requested, sign_in
from tests.support import factories
from tests.support.documents import ACCEPT, NEW_COMPANY, REMOVE, customer_id, token_of
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain

# Records, for the table with this test id, the most body rows it ever had at once.
RECORD_MOST_ROWS = """(testId) => {
  window.mostRows = 0;
  const count = () => {
    const rows = document.querySelectorAll(`[data-testid="${testId}"] tbody tr`).length;
    window.mostRows = Math.max(window.mostRows, rows);
  };
  const main = document.getElementById('main');
  new MutationObserver(count).observe(main, { subtree: true, childList: true });
}"""


async def live(page: Page) -> None:
    await expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")


async def settled(results: Locator) -> None:
    """The view has no load running or queued."""
    await expect(results).to_have_attribute("aria-busy", "false")


async def test_a_burst_of_new_invitations_and_acceptances_shows_each_once(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    token = gql.token(partner.tenant_id, Role.ADMIN_AGENT)
    page = await pages.open("/")
    await sign_in(page, token)
    await live(page)
    await (
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    )
    await page.get_by_label("Show").select_option("all")
    await expect(page.get_by_text("No invitations here.")).to_be_visible()
    await page.evaluate(RECORD_MOST_ROWS, "invitation-table")

    invitations = [
        await requested(gql, token, recipientEmail=f"it{number}@new.example") for number in range(4)
    ]
    await drain(settings)  # four "invitation created" events, within milliseconds
    for invitation in invitations[:2]:
        company = {**NEW_COMPANY, "defaultDomain": f"{uuid.uuid4().hex[:12]}.onmicrosoft.com"}
        accepted = await gql(
            ACCEPT,
            {"input": {"token": token_of(invitation["url"]), "company": company}},
            token=gql.token(uuid.uuid4(), Role.CUSTOMER_ADMIN),
        )
        assert accepted.ok()["acceptInvitation"]["userErrors"] == []
    await drain(settings)  # the acceptances, again close together

    table = page.get_by_test_id("invitation-table")
    statuses = table.locator("tbody [data-status]")
    await expect(statuses).to_have_count(4)
    await expect(table.locator("tbody [data-status=ACCEPTED]")).to_have_count(2)
    await settled(page.locator(".results"))
    assert await table.locator("tbody tr").count() == 4
    await expect(page.get_by_text("4 invitations")).to_be_visible()
    assert await page.evaluate("window.mostRows") == 4, "a row was shown twice on the way"


async def test_a_burst_of_removals_lists_each_removal_once_with_dap_revoked(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    customers = []
    for name in ("Adatum", "Litware", "Proseware"):
        customer = await factories.customer(name)
        await factories.relate(partner, customer, dap=True)
        customers.append(customer)
    token = gql.token(partner.tenant_id, Role.ADMIN_AGENT)
    page = await pages.open("/")
    await sign_in(page, token)
    await live(page)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Removals").click()
    await expect(page.get_by_text("No relationships removed.")).to_be_visible()
    await page.evaluate(RECORD_MOST_ROWS, "removal-table")

    for customer in customers:
        variables = {"input": {"customerId": customer_id(customer), "attestationAccepted": True}}
        result = await gql(REMOVE, variables, token=token)
        assert result.ok()["removeResellerRelationship"]["userErrors"] == []
    await drain(settings)  # three removals and three DAP revocations, in one burst

    table = page.get_by_test_id("removal-table")
    await expect(table.locator("tbody tr")).to_have_count(3)
    await expect(table.locator("tbody [data-column=dap]")).to_have_text(["Revoked"] * 3)
    await settled(page.locator(".results"))
    assert await table.locator("tbody tr").count() == 3
    assert await page.evaluate("window.mostRows") == 3, "a row was shown twice on the way"


async def test_a_live_refresh_of_the_customer_list_keeps_the_focus(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    names = ["Adatum", "Contoso", "Fabrikam", "Litware", "Proseware"]
    names += [f"Tailspin {number:02d}" for number in range(1, 8)]
    customers = {}
    for name in names:
        customers[name] = await factories.customer(name)
        await factories.relate(partner, customers[name], dap=True)
    token = gql.token(partner.tenant_id, Role.ADMIN_AGENT)

    async def remove(name: str) -> None:
        variables = {
            "input": {"customerId": customer_id(customers[name]), "attestationAccepted": True}
        }
        result = await gql(REMOVE, variables, token=token)
        assert result.ok()["removeResellerRelationship"]["userErrors"] == []

    page = await pages.open("/")
    await sign_in(page, token)
    await live(page)
    table = page.get_by_test_id("customer-table")
    results = page.locator(".results")
    await expect(table.locator("tbody th a")).to_have_count(10)
    contoso = table.get_by_role("link", name="Contoso")
    await contoso.focus()

    await remove("Proseware")
    invitation = await requested(gql, token)
    accepted = await gql(
        ACCEPT,
        {"input": {"token": token_of(invitation["url"]), "company": NEW_COMPANY}},
        token=gql.token(uuid.uuid4(), Role.CUSTOMER_ADMIN),
    )
    assert accepted.ok()["acceptInvitation"]["userErrors"] == []
    await drain(settings)  # a removal, its DAP revocation and an acceptance

    first_page = ["Adatum", "Contoso", "Fabrikam", "Litware", "Northwind Health"]
    first_page += [f"Tailspin {number:02d}" for number in range(1, 6)]
    await expect(table.locator("tbody th a")).to_have_text(first_page)
    await settled(results)
    await expect(contoso).to_be_focused()

    # The pager is not disabled under the user's hand either.
    following = page.get_by_test_id("next-page")
    await following.focus()
    await remove("Adatum")
    await drain(settings)
    await expect(table.locator("tbody th a")).to_have_text([*first_page[1:], "Tailspin 06"])
    await settled(results)
    await expect(following).to_be_focused()
    await expect(following).to_be_enabled()


async def test_a_customer_page_refetches_only_for_its_own_customer(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    shown = await factories.customer("Litware")
    await factories.relate(partner, shown, RelationshipType.NONE)
    other = await factories.customer("Adatum")
    await factories.relate(partner, other, dap=True)
    token = gql.token(partner.tenant_id, Role.ADMIN_AGENT)
    page = await pages.open("/")
    await sign_in(page, token)
    await live(page)
    await page.goto(f"/#/customers/{customer_id(shown)}")
    await expect(page.get_by_role("heading", level=1, name="Litware")).to_be_visible()
    loads: list[str] = []
    page.on(
        "request",
        lambda request: (
            loads.append(request.url) if "query Customer(" in (request.post_data or "") else None
        ),
    )

    # Another customer's removal and DAP revocation: seen (the toast), not refetched for.
    variables = {"input": {"customerId": customer_id(other), "attestationAccepted": True}}
    assert (await gql(REMOVE, variables, token=token)).ok()["removeResellerRelationship"][
        "userErrors"
    ] == []
    await drain(settings)
    await expect(
        page.get_by_role("status").filter(has_text="Delegated admin privileges for Adatum")
    ).to_be_visible()
    # This customer's own event: one refetch, which shows the new invitation.
    await requested(gql, token, customerId=customer_id(shown), recipientEmail="it@litware.example")
    await drain(settings)
    await expect(page.get_by_test_id("customer-invitations").locator("tbody tr")).to_have_count(1)
    assert len(loads) == 1, f"{len(loads)} refetches of Litware for one event about it"
