"""Helpers for the browser tests: pages in fresh contexts, sign-in, screenshots."""

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from api.permissions import Role
from tests.support import factories
from tests.support.documents import REQUEST
from tests.support.graphql import GraphQLClient
from tests.support.servers import ApiServer

# A test run leaves the checkout untouched: screenshots go to a temporary folder unless
# SCREENSHOTS_DIR names one (SCREENSHOTS_DIR=docs/screenshots refreshes the README's).
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "partner-connect-screenshots"
)
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

# Console output from the app that means a bug: an uncaught GraphQL error at a path
# (e.g. a field the role may not read), a subscription failure, a missing text, a
# script or style the Content-Security-Policy refused.
_APP_PROBLEMS = re.compile(
    r"GraphQL errors|subscription error|missing text|Content Security Policy|Refused to"
)


@dataclass
class Pages:
    """Opens pages in fresh browser contexts (separate storage, like separate people)."""

    browser: Browser
    api: ApiServer
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    async def open(
        self,
        path: str = "/",
        *,
        viewport: dict[str, int] | None = None,
        locale: str = "en-US",
        clipboard: bool = False,
    ) -> Page:
        context = await self.browser.new_context(
            base_url=self.api.url,
            viewport=viewport or LAPTOP,  # type: ignore[arg-type]
            locale=locale,
            reduced_motion="reduce",
        )
        if clipboard:
            await context.grant_permissions(
                ["clipboard-read", "clipboard-write"], origin=self.api.url
            )
        self.contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)
        await page.goto(path)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if _APP_PROBLEMS.search(message.text):
            self.problems.append(f"console {message.type}: {message.text}")

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Saves docs/screenshots/<name>.png (the README shows the best of them); Playwright
    creates the directory."""
    await page.screenshot(
        path=SCREENSHOTS / f"{name}.png", full_page=full_page, animations="disabled"
    )


async def sign_in(page: Page, token: str) -> None:
    """Signs in on the sign-in page by pasting a token, as partner staff do."""
    await page.get_by_label("Access token").fill(token)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_role("heading", level=1, name="Customers")).to_be_visible()


async def assert_no_sideways_scrolling(page: Page) -> None:
    """At phone width nothing may stick out and force horizontal scrolling."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], (
        f"the page is {width}px wide in a {viewport['width']}px viewport"
    )


_AUDIT = (Path(__file__).parent / "audit.js").read_text(encoding="utf-8")


async def assert_accessible(page: Page) -> None:
    """Labels and contrast on the page as it is now (see audit.js)."""
    problems = await page.evaluate(_AUDIT)
    assert not problems, "\n".join(problems)


async def requested(gql: GraphQLClient, token: str, **values: object) -> dict[str, Any]:
    """A new invitation (a draft) requested through the API, for a new customer at
    kim@new.example unless `values` say otherwise."""
    result = await gql(
        REQUEST, {"input": {"recipientEmail": "kim@new.example", **values}}, token=token
    )
    payload = result.ok()["requestResellerRelationship"]
    assert payload["userErrors"] == []
    return payload["invitation"]  # type: ignore[no-any-return]


async def on_a_draft(pages: Pages, gql: GraphQLClient) -> Page:
    """An admin agent of Northwind Traders on the page of a new draft invitation."""
    partner = await factories.partner(name="Northwind Traders")
    token = gql.token(partner.tenant_id, Role.ADMIN_AGENT)
    invitation = await requested(gql, token)
    page = await pages.open("/")
    await sign_in(page, token)
    await page.goto(f"/#/invitations/{invitation['id']}")
    return page
