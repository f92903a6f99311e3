"""The API reference page in Chromium: Swagger UI, from our static files, draws every
operation of the live schema under the site's Content-Security-Policy, which refuses nothing
on the way (a refusal is a console error and a securitypolicyviolation event)."""

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.widths import NARROW, PHONE, WIDEST, ZOOMED, fits

pytestmark = pytest.mark.django_db(transaction=True)

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_the_reference_lists_the_operations_with_nothing_refused(page, client):
    schema = client.get("/api/schema/").json()
    operations = [
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    ]
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH_CSP)

    page.goto("/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.get_by_role("heading", level=1).all_inner_texts() == ["API reference"]
    for method, path in operations:
        block = page.locator(f".opblock-{method.lower()}").filter(
            has=page.locator(f'[data-path="{path}"]')
        )
        assert block.count() == 1, f"{method} {path} is drawn"
    page.locator(".opblock-summary-control").first.click()
    page.locator(".opblock-body .responses-wrapper").first.wait_for()

    assert page.evaluate("window.__cspViolations") == []
    assert errors == []


def test_api_root_leads_to_the_reference(page):
    page.goto("/api/")
    assert page.url.endswith("/api/docs/")
    page.locator(".opblock").first.wait_for()


def test_the_reference_is_accessible_closed_and_open_and_reflows(page):
    page.goto("/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert_accessible(page)
    page.locator(".opblock-summary-control").first.click()
    page.locator(".opblock-body .responses-wrapper").first.wait_for()
    assert_accessible(page)
    for viewport in (NARROW, ZOOMED, PHONE):
        page.set_viewport_size(viewport)
        assert fits(page, viewport["width"]), page.evaluate(WIDEST, viewport["width"])
