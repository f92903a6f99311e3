"""At 390 px wide (a phone), the import's steps and the pages around them fit: the page
never scrolls sideways (wide tables scroll inside their own box), and axe finds nothing."""

from tests.browser.conftest import assert_accessible
from tests.browser.steps import sign_in
from tests.files import RIVERTON_ROSTER

PHONE = {"width": 390, "height": 844}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_import_steps_fit_a_phone(page, tmp_path):
    from agencies.models import Role
    from tests.conftest import member
    from tests.factories import AgencyFactory

    agency = AgencyFactory(name="Riverton Police Department", slug="riverton-pd")
    editor = member(agency, Role.EDITOR, "sam@riverton.example")
    page.set_viewport_size(PHONE)
    sign_in(page, editor.email)
    for path in ("/", "people/", "imports/new/"):
        page.goto(f"/a/{agency.slug}/{path.lstrip('/')}")
        assert fits(page), f"{page.url} scrolls sideways at 390 px"
        assert_accessible(page)

    roster = tmp_path / "roster.csv"
    roster.write_text(RIVERTON_ROSTER)
    page.locator("#id_file").set_input_files(roster)
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Prof", exact=True).select_option("non_sworn")
    assert fits(page), "the values step scrolls sideways at 390 px"
    assert_accessible(page)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 3 rows").wait_for()
    assert fits(page), "the preview scrolls sideways at 390 px"
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
    assert fits(page), "the dashboard scrolls sideways at 390 px"
    assert_accessible(page)
