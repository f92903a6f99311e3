"""Who is left out of the pledge, in a real browser: the dashboard's counts lead to the
roster filtered to those people, and the reviewer reads what the submission froze; each page
checked by axe."""

import pytest

from agencies.models import Role
from pledges import services
from tests.browser.conftest import assert_accessible
from tests.browser.steps import sign_in, sign_in_with_totp, submit
from tests.conftest import member
from tests.factories import AgencyFactory, PersonFactory, meets_everything, sign
from training.models import Category, Status

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordinator_follows_a_count_to_the_roster_and_the_reviewer_sees_it_frozen(
    browser, live_server, page, reviewer
):
    agency = AgencyFactory(name="Riverton Police Department", slug="riverton-pd", sworn_strength=40)
    coordinator = member(agency, Role.COORDINATOR, "dana@riverton.example")
    meets_everything(agency)  # five active sworn officers, all trained
    for last_name, fields in (
        ("Okafor", {"status": Status.LEAVE}),
        ("Lindqvist", {"status": Status.LEAVE, "category": Category.NON_SWORN}),
        ("Marsh", {"status": Status.SEPARATED}),
        ("Quinn", {"category": Category.NON_SWORN}),
    ):
        PersonFactory(agency=agency, last_name=last_name, first_name="Lee", **fields)
    services.pledge_submit(agency=agency, actor=coordinator, pledge=sign(agency, coordinator))

    sign_in(page, coordinator.email)
    section = page.get_by_role("region", name="Who is left out of the pledge")
    text = section.inner_text()
    assert "4 people on the roster are outside the pledge's scope" in text
    assert (
        "Your roster lists 5 active sworn officers; your authorized sworn strength is 40." in text
    )
    assert_accessible(page)
    submit(page, section.get_by_role("link", name="2 people are on extended leave"))
    assert_accessible(page)
    assert page.locator("main tbody th a").all_inner_texts() == ["Lindqvist, Lee", "Okafor, Lee"]

    staff = browser.new_context(base_url=live_server.url).new_page()
    sign_in_with_totp(staff, reviewer)
    staff.goto("/staff/reviews/")
    submit(
        staff, staff.get_by_role("link", name="Review the submission of Riverton Police Department")
    )
    assert_accessible(staff)
    left_out = staff.get_by_role("table", name="People left out as submitted")
    assert sorted(left_out.locator("tbody td:first-of-type").all_inner_texts()) == [
        "Lindqvist, Lee",
        "Marsh, Lee",
        "Okafor, Lee",
        "Quinn, Lee",
    ]
    assert "That is fewer than 90% of the authorized strength" in staff.locator("main").inner_text()
