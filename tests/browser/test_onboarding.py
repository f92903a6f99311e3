"""A region coordinator uploads a list of agencies on a phone: the check names the row to
fix, the fixed list is sent, and the page shows where each agency stands; axe finds nothing
on the way."""

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.steps import field, sign_in, submit
from tests.factories import RegionFactory, RegionMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
HEADER = "Agency,ORI,State,Coordinator email\n"
ROWS = (
    "Floyd Police Department,VA0320100,VA,chief@floyd.example\n"
    "Pulaski Police Department,,VA,chief@pulaski.example\n"
)


def fits(page) -> bool:
    return page.evaluate(f"document.documentElement.scrollWidth <= {PHONE['width']}")


def upload(page, content: str) -> None:
    field(page, "list-file").set_input_files(
        files=[{"name": "agencies.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    submit(page, page.get_by_role("button", name="Upload and check"))


def test_a_list_is_fixed_sent_and_followed(page):
    region = RegionFactory(name="Blue Ridge Crisis Collaborative", slug="blue-ridge", state="VA")
    lead = RegionMembershipFactory(region=region, user=UserFactory(email="lead@blueridge.example"))
    page.set_viewport_size(PHONE)
    sign_in(page, lead.user.email)

    page.goto("/r/blue-ridge/onboarding/")
    assert_accessible(page)
    upload(page, HEADER + ROWS + "Radford Police Department,,VA,not-an-address\n")
    problems = page.get_by_role("table", name="Rows to fix, by their row number in the file")
    assert problems.get_by_role("rowheader", name="4").is_visible()
    assert page.get_by_role("button", name="Send the 3 invitations").count() == 0
    assert fits(page)
    assert_accessible(page)

    page.get_by_role("link", name="Back to onboarding").click()
    upload(page, HEADER + ROWS)
    assert fits(page)
    assert_accessible(page)
    submit(page, page.get_by_role("button", name="Send the 2 invitations"))

    assert "agencies.csv” sent: 2 agencies invited to register" in page.inner_text("main")
    invited = page.get_by_role("table", name="Agencies invited to register, newest first")
    withdraw = invited.get_by_role(
        "button", name="Withdraw the invitation of Floyd Police Department"
    )
    assert withdraw.is_visible()
    assert page.get_by_text("Invited to register: 2").is_visible()
    assert fits(page)
    assert_accessible(page)
    assert field(page, "one-agency_name").is_visible()
