"""The upload page's guide to the columns, and a template downloaded from it, in a browser."""

from pathlib import Path

import pytest

from agencies.models import Role
from onemind.lib.tables import read_table
from tests.browser.conftest import assert_accessible
from tests.browser.steps import sign_in
from tests.conftest import member
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_next_step_link_opens_the_training_upload_with_its_template(page):
    agency = AgencyFactory(name="Riverton Police Department", slug="riverton-pd")
    editor = member(agency, Role.EDITOR, "sam@riverton.example")
    sign_in(page, editor.email)

    page.goto(f"/a/{agency.slug}/imports/new/?kind=training")
    assert_accessible(page)
    assert page.locator("main input[name=kind][value=training]").is_checked()
    columns = page.get_by_role("table", name="Columns of a training-records file")
    assert columns.get_by_role("rowheader", name="Completion date").is_visible()

    with page.expect_download() as started:
        page.get_by_role("link", name="Training-records template: Excel workbook (.xlsx)").click()
    download = started.value
    assert download.suggested_filename == "training-records-template.xlsx"
    table = read_table(Path(download.path()).read_bytes(), download.suggested_filename)
    assert table.headers[:3] == ["Employee ID", "Course", "Completion date"]
