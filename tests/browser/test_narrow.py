"""At 320 CSS px wide — a small phone, or a desktop window zoomed to 400% — every page of
the product reflows (WCAG 1.4.10): nothing scrolls sideways but a wide table inside its own
labelled box, and axe finds nothing.

Every page is walked from the URL resolver, filled with what agencies really type
(tests/walk.py).
"""

import pytest
from playwright.sync_api import Error as PlaywrightError

from agencies.models import Role
from tests.browser.conftest import assert_accessible
from tests.browser.steps import sign_in, sign_in_with_totp
from tests.browser.widths import NARROW, PHONE, WIDEST, ZOOMED, fits
from tests.conftest import member
from tests.factories import AgencyFactory
from tests.files import RIVERTON_ROSTER
from tests.walk import a_full_agency, every_page, the_staff_areas_work

pytestmark = pytest.mark.django_db(transaction=True)


def overflowing_pages(page, urls, seen: set) -> list[str]:
    """Each page that is one (HTML on a GET), measured at 320 px and at 640 px (a 1280 px
    window zoomed to 200%), and checked by axe; a page reached twice is measured once."""
    overflowing = []
    for url in urls:
        answer = page.request.get(url)
        if answer.status == 405 or "text/html" not in answer.headers.get("content-type", ""):
            continue  # a form's target, or a file
        try:
            page.goto(url)
        except PlaywrightError as error:  # a file the first request had asked the worker for
            assert "Download is starting" in error.message, error.message
            continue
        if page.url in seen:
            continue
        seen.add(page.url)
        for viewport in (ZOOMED, NARROW):
            page.set_viewport_size(viewport)
            if not fits(page, viewport["width"]):
                width = page.evaluate("document.documentElement.scrollWidth")
                culprits = ", ".join(page.evaluate(WIDEST, viewport["width"]))
                overflowing.append(f"{url} at {viewport['width']} px: {width} px ({culprits})")
        assert_accessible(page)
    return overflowing


def test_every_page_reflows_at_320_px(browser, live_server, page, administrator):
    coordinator, objects = a_full_agency()
    pages = every_page(the_staff_areas_work(objects))

    overflowing, seen = [], set()
    anonymous = browser.new_context(base_url=live_server.url, viewport=NARROW).new_page()
    overflowing += overflowing_pages(anonymous, pages.other, seen)
    page.set_viewport_size(NARROW)
    sign_in(page, coordinator.email)
    overflowing += overflowing_pages(page, pages.agency + pages.region + pages.other, seen)
    staff = browser.new_context(base_url=live_server.url, viewport=NARROW).new_page()
    sign_in_with_totp(staff, administrator)
    overflowing += overflowing_pages(staff, pages.staff, seen)

    assert overflowing == [], "pages that scroll sideways at 320 px:\n" + "\n".join(overflowing)
    assert len(pages.agency) > 30 and len(pages.staff) > 10


def test_the_import_steps_reflow_at_320_px(page, tmp_path):
    agency = AgencyFactory(name="Riverton Police Department", slug="riverton-pd")
    editor = member(agency, Role.EDITOR, "sam@riverton.example")
    page.set_viewport_size(NARROW)
    sign_in(page, editor.email)
    for path in ("/", "people/", "imports/new/"):
        page.goto(f"/a/{agency.slug}/{path.lstrip('/')}")
        assert fits(page, NARROW["width"]), f"{page.url} scrolls sideways at 320 px"
        assert_accessible(page)

    roster = tmp_path / "roster.csv"
    roster.write_text(RIVERTON_ROSTER)
    page.locator("#id_file").set_input_files(roster)
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Prof", exact=True).select_option("non_sworn")
    assert fits(page, NARROW["width"]), "the values step scrolls sideways at 320 px"
    assert_accessible(page)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 3 rows").wait_for()
    assert fits(page, NARROW["width"]), "the preview scrolls sideways at 320 px"
    assert_accessible(page)


# The smallest text the progress chart may show on a phone, in CSS pixels as drawn.
SMALLEST_CHART_TEXT_PX = 12


def test_the_progress_chart_reads_on_a_phone(page):
    """A year and more of history at 390 px: every date and percentage the chart shows is
    at least 12 px as drawn, inside the drawing, and clear of the others."""
    from datetime import timedelta

    from agencies.models import Role
    from pledges.models import ProgramRules, ProgressSnapshot
    from tests.conftest import member
    from tests.factories import AgencyFactory

    agency = AgencyFactory(name="Riverton Police Department", slug="riverton-pd")
    coordinator = member(agency, Role.COORDINATOR, "dana@riverton.example")
    today = agency.today()
    rules = ProgramRules.objects.in_force(today)
    ProgressSnapshot.all_agencies.bulk_create(
        ProgressSnapshot(
            agency=agency,
            day=today - timedelta(days=back),
            rules=rules,
            in_scope=40,
            cit_count=max(0, 9 - back // 50),
            covered_count=max(0, 40 - back // 12),
        )  # fmt: skip
        for back in range(1, 420)
    )
    page.set_viewport_size(PHONE)
    sign_in(page, coordinator.email)
    page.goto(f"/a/{agency.slug}/")

    texts = page.evaluate(
        """() => {
            const svg = document.querySelector("svg.progress-chart");
            const frame = svg.getBoundingClientRect();
            const scale = frame.width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll("text")]
                .filter((text) => getComputedStyle(text).display !== "none")
                .map((text) => {
                    const box = text.getBoundingClientRect();
                    return {
                        text: text.textContent,
                        px: parseFloat(getComputedStyle(text).fontSize) * scale,
                        inside: box.left >= frame.left && box.right <= frame.right
                            && box.top >= frame.top && box.bottom <= frame.bottom,
                        left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                    };
                });
        }"""
    )
    dates = [t for t in texts if not t["text"].endswith("%")]
    assert len(dates) >= 2 and len(texts) - len(dates) == 5
    for text in texts:
        assert text["px"] >= SMALLEST_CHART_TEXT_PX, text
        assert text["inside"], text
    dates.sort(key=lambda t: t["left"])
    for before, after in zip(dates, dates[1:], strict=False):
        assert before["right"] < after["left"], (before, after)
    assert fits(page, PHONE["width"]), "the dashboard scrolls sideways at 390 px"
    assert_accessible(page)
