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
