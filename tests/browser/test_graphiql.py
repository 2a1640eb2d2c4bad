"""GraphiQL at /graphql, as a developer meets it: it works offline, and it asks for a
token before it loads the schema (no UNAUTHENTICATED error to re-fetch by hand)."""

from playwright.async_api import Page, Response, expect

from api.permissions import Role
from tests.browser.support import Pages
from tests.support import factories
from tests.support.graphql import GraphQLClient

EDITOR = ".graphiql-container .graphiql-editor"


def _to_graphql(response: Response) -> bool:
    return response.url.endswith("/graphql") and response.request.method == "POST"


def _introspection(response: Response) -> bool:
    return _to_graphql(response) and "IntrospectionQuery" in (response.request.post_data or "")


async def _sign_in(page: Page, token: str) -> None:
    await page.get_by_label("Access token").fill(token)
    await page.get_by_role("button", name="Sign in", exact=True).click()


async def test_graphiql_asks_for_a_token_before_it_loads_the_schema(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner()
    page = await pages.open("/healthz")
    statuses: list[int] = []
    page.on("response", lambda response: _to_graphql(response) and statuses.append(response.status))
    await page.goto("/graphql")
    await expect(page.get_by_role("heading", level=1, name="GraphiQL: sign in")).to_be_visible()
    await expect(page.locator(EDITOR)).to_have_count(0)

    await _sign_in(page, "not-a-token")
    await expect(page.get_by_text("This is not a valid token.")).to_be_visible()

    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    async with page.expect_response(_introspection) as introspection:
        await _sign_in(page, token)
    assert (await introspection.value).status == 200
    await expect(page.locator(EDITOR).first).to_be_visible()
    await expect(page.get_by_text("Error fetching schema")).to_have_count(0)
    # Only the token that was refused ever got a 401; the schema never did.
    assert statuses.count(401) == 1, statuses

    # The token is kept in GraphiQL's headers: the next visit opens GraphiQL at once.
    async with page.expect_response(_introspection) as again:
        await page.reload()
    assert (await again.value).status == 200
    await expect(page.locator(EDITOR).first).to_be_visible()
    await expect(page.get_by_label("Access token")).to_have_count(0)


async def test_graphiql_works_without_the_internet(pages: Pages, gql: GraphQLClient) -> None:
    """This machine reaches no CDN: the editor appears only if every asset is ours."""
    partner = await factories.partner()
    page = await pages.open("/graphql")
    await _sign_in(page, gql.token(partner.tenant_id, Role.ADMIN_AGENT))
    await expect(page.locator(EDITOR).first).to_be_visible()
