"""Browser fixtures: Debian's Chromium driven by Playwright (async API, in the session's
event loop beside the real uvicorn); pages that fail the test on script errors.

Chromium comes from the system (Debian's `chromium`, or CHROMIUM_PATH for another
binary). Where there is none — a fresh laptop — Playwright's own Chromium is
installed once (`playwright install chromium`). A browser that cannot be had fails the
tests with a message rather than skipping them.
"""

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

try:
    from playwright.async_api import Browser, Error, async_playwright, expect
except ImportError as missing:  # pragma: no cover - a setup problem, said plainly
    raise ImportError(
        "tests/browser needs Playwright for Python (in the `dev` extra): pip install -e '.[dev]'"
    ) from missing

from tests.browser.support import Pages
from tests.support.servers import ApiServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Live updates pass through the worker and Redis; allow for a slow CI machine.
expect.set_options(timeout=15_000)


def chromium_path() -> str | None:
    """The system's Chromium, or None to use Playwright's own (installed here)."""
    configured = os.environ.get("CHROMIUM_PATH")
    path = configured or "/usr/bin/chromium"
    if Path(path).is_file():
        return path
    if configured:
        pytest.fail(f"CHROMIUM_PATH={configured} is not a file.", pytrace=False)
    install = subprocess.run(
        [sys.executable, "-m", "playwright", "install", "chromium"],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        pytest.fail(
            "No Chromium: install Debian's package (`apt-get install -y chromium`, as "
            "`.ci/run` does), set CHROMIUM_PATH, or let `playwright install chromium` "
            f"download one (it failed: {install.stderr.strip()[-500:]})",
            pytrace=False,
        )
    return None


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        try:
            launched = await playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            pytest.fail(
                f"Chromium ({executable or 'Playwright'}) did not start: {error}", pytrace=False
            )
        yield launched
        await launched.close()


@pytest.fixture
async def pages(browser: Browser, api: ApiServer) -> AsyncIterator[Pages]:
    opened = Pages(browser, api)
    yield opened
    await opened.close()
    assert not opened.problems, "\n".join(opened.problems)
