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


async def test_elements_are_made_with_no_code_in_handlers_or_links(pages: Pages) -> None:
    """h() takes functions as handlers and links only of our schemes; a mailto: link
    keeps an address that tries to add recipients or headers as one address."""
    page = await pages.open("/")
    await page.wait_for_load_state("load")
    made = await page.evaluate(
        """async () => {
          const { h, mailtoLink } = await import('/static/dom.js');
          const attempts = {
            handler: () => h('button', { onclick: 'alert(1)' }),
            upperCaseHandler: () => h('button', { onClick: 'alert(1)' }),
            scriptLink: () => h('a', { href: 'javascript:alert(1)' }),
            dataLink: () => h('a', { href: 'data:text/html,<b>x</b>' }),
            ourPage: () => h('a', { href: '#/customers' }).getAttribute('href'),
            webLink: () => h('a', { href: 'https://partner.example/' }).getAttribute('href'),
            mailLink: () =>
              h('a', { href: mailtoLink('kim@contoso.example?cc=x@evil.example') }).href,
          };
          const result = {};
          for (const [name, attempt] of Object.entries(attempts)) {
            try {
              result[name] = attempt();
            } catch (error) {
              result[name] = error.name;
            }
          }
          return result;
        }"""
    )
    assert made == {
        "handler": "TypeError",
        "upperCaseHandler": "TypeError",
        "scriptLink": "TypeError",
        "dataLink": "TypeError",
        "ourPage": "#/customers",
        "webLink": "https://partner.example/",
        "mailLink": "mailto:kim@contoso.example%3Fcc%3Dx@evil.example",
    }
