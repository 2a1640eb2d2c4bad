"""The dashboard's defences are enforced by the browser, not only kept by habit."""

import pytest
from playwright.async_api import Error

from tests.browser.support import Pages


@pytest.mark.parametrize(
    "sink",
    [
        "document.body.innerHTML = '<img src=x onerror=alert(1)>'",
        "document.body.insertAdjacentHTML('beforeend', '<b>x</b>')",
        "const s = document.createElement('script'); s.src = '/evil.js'",
    ],
)
async def test_a_string_never_becomes_html_or_script(pages: Pages, sink: str) -> None:
    page = await pages.open("/")
    await page.wait_for_load_state("load")

    with pytest.raises(Error, match=r"Trusted(HTML|ScriptURL)"):
        await page.evaluate(sink)

    assert await page.evaluate("document.body.querySelector('img[src=x], b') === null")
