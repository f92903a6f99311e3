"""Browser tests: Playwright drives the machine's Chromium (Debian's `chromium`; browser
downloads are not used) headless, against the live test server, and axe-core checks every
page the journeys visit against WCAG 2.0/2.1 A and AA.

Without Chromium these tests are skipped with a one-line reason, except under CI, where a
missing browser is a failure."""

import os
import shutil

import pytest

from tests.conftest import restore_program_seeds

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    browser_tests = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
    if CHROMIUM is None and browser_tests:
        if os.environ.get("CI"):
            raise pytest.UsageError("CI is set but Chromium is missing: apt-get install chromium")
        skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
        for item in browser_tests:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def program_seeds(transactional_db):
    """Live-server tests are transactional, and a transactional test before them empties
    every table when it ends: put back what the migrations seed."""
    restore_program_seeds()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


class AccessibilityError(AssertionError):
    pass


def assert_accessible(page) -> None:
    """axe-core on the page as it stands: no WCAG 2.0/2.1 A or AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in violations
        ]
        raise AccessibilityError(f"{page.url}:\n" + "\n".join(lines))
