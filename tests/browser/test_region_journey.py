"""A county collaborative in a real browser: its coordinator asks two agencies to join, each
agency's coordinator accepts choosing what to share, the collaborative records one CIT
class for both, and watches both agencies' progress move — each page checked by axe."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from agencies.models import MemberAgency, MemberAgencyStatus, Role, Sharing
from tests.browser.conftest import assert_accessible
from tests.browser.steps import field, sign_in, submit
from tests.conftest import member
from tests.factories import (
    AgencyFactory,
    PersonFactory,
    RegionFactory,
    RegionMembershipFactory,
    UserFactory,
    sign,
)
from tests.files import pdf_bytes
from training.models import Course, CourseKind, TrainingRecord

pytestmark = pytest.mark.django_db(transaction=True)


def agency_with_a_roster(name: str, ori: str, employee_ids: list[str]):
    """A verified agency that pledged, its coordinator, and sworn officers not yet trained."""
    agency = AgencyFactory(name=name, ori=ori, region="VA", verified=True)
    coordinator = member(agency, Role.COORDINATOR, f"coordinator@{ori.lower()}.example")
    for employee_id in employee_ids:
        PersonFactory(agency=agency, employee_id=employee_id)
    sign(agency, coordinator)
    return agency, coordinator


def as_person(browser, live_server, email: str):
    """A browser of one's own, signed in."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, email)
    return page


def cit_share_of(page, agency_name: str) -> str:
    row = page.locator("main tr", has=page.get_by_role("link", name=agency_name))
    return row.locator("td").nth(3).inner_text().strip()


def ask_to_join(page, region, **search):
    page.goto(f"/r/{region.slug}/agencies/invite/")
    assert_accessible(page)
    for name, value in search.items():
        field(page, name).fill(value)
    submit(page, page.get_by_role("button", name="Find agencies"))
    assert_accessible(page)
    submit(page, page.get_by_role("button", name=re.compile("^Ask to join")))
    assert_accessible(page)


def accept(browser, live_server, coordinator, region, sharing_label: str):
    """The agency's coordinator follows the emailed link and joins, choosing what to share."""
    email = next(m for m in reversed(mail.outbox) if m.to == [coordinator.email])
    path = re.search(r"https?://[^/\s]+(/a/\S+/regions/)", email.body).group(1)
    page = as_person(browser, live_server, coordinator.email)
    page.goto(path)
    assert_accessible(page)
    page.locator("label.usa-radio__label", has_text=sharing_label).click()
    submit(page, page.get_by_role("button", name=f"Join {region.name}"))
    assert page.get_by_text(f"Your agency joined {region.name}.").is_visible()
    assert_accessible(page)
    page.context.close()


def test_a_collaborative_brings_two_agencies_in_trains_them_together_and_watches_progress(
    browser, live_server, tmp_path
):
    region = RegionFactory(name="Shenandoah Valley Crisis Collaborative", slug="shenandoah-cc")
    lead = UserFactory(email="lead@shenandoah-cc.example", first_name="Robin")
    RegionMembershipFactory(region=region, user=lead)
    front_royal, front_royal_coordinator = agency_with_a_roster(
        "Front Royal Police Department", "VA0930100", ["FR-101", "FR-102", "FR-103", "FR-104"]
    )
    strasburg, strasburg_coordinator = agency_with_a_roster(
        "Strasburg Police Department", "VA0850200", ["S-7", "S-8", "S-9", "S-10", "S-11"]
    )
    cit = Course.objects.filter(kind=CourseKind.CIT, agency=None).first()

    # The region's coordinator finds one agency by its ORI, the other by name and state.
    page = as_person(browser, live_server, lead.email)
    page.goto(f"/r/{region.slug}/")
    assert_accessible(page)
    ask_to_join(page, region, ori="VA0930100")
    ask_to_join(page, region, name="Strasburg", state="VA")
    assert MemberAgency.all_regions.filter(status=MemberAgencyStatus.INVITED).count() == 2

    # Each coordinator joins: one shares its roster, the other only its progress.
    accept(browser, live_server, front_royal_coordinator, region, "Progress and roster")
    accept(browser, live_server, strasburg_coordinator, region, "Progress: requirement")
    shares = dict(MemberAgency.all_regions.values_list("agency__name", "sharing"))
    assert shares == {front_royal.name: Sharing.ROSTER, strasburg.name: Sharing.PROGRESS}

    page.goto(f"/r/{region.slug}/")
    assert_accessible(page)
    assert cit_share_of(page, front_royal.name) == "0.0%"
    assert cit_share_of(page, strasburg.name) == "0.0%"

    # One CIT class for both agencies: two of Front Royal's officers, one of Strasburg's,
    # and one attendee whose employee ID Strasburg's roster does not know.
    page.goto(f"/r/{region.slug}/classes/new/")
    assert_accessible(page)
    sheet = tmp_path / "attendance.pdf"
    sheet.write_bytes(pdf_bytes())
    field(page, "course").select_option(str(cit.pk))
    field(page, "completed_on").fill(str(front_royal.today() - timedelta(days=3)))
    field(page, "instructor").fill("Sgt. Maria Alvarez")
    field(page, "attendance_sheet").set_input_files(sheet)
    attendees = [
        (front_royal, "FR-101", "Ana", "Lopez"),
        (front_royal, "FR-102", "Ben", "Okafor"),
        (strasburg, "S-7", "Cara", "Nguyen"),
        (strasburg, "S-99", "Dev", "Patel"),
    ]
    for row, (agency, employee_id, first, last) in enumerate(attendees):
        field(page, f"attendee-{row}-agency").select_option(label=agency.name)
        field(page, f"attendee-{row}-employee_id").fill(employee_id)
        field(page, f"attendee-{row}-first_name").fill(first)
        field(page, f"attendee-{row}-last_name").fill(last)
    submit(page, page.get_by_role("button", name="Record the class"))
    assert_accessible(page)
    # Front Royal shares its roster: the region sees who matched. Strasburg does not.
    main = page.locator("main").inner_text()
    assert "Lopez" in main and "Nguyen" not in main and "Patel" not in main

    assert TrainingRecord.all_agencies.filter(person__agency=front_royal).count() == 2
    assert TrainingRecord.all_agencies.filter(person__agency=strasburg).count() == 1

    # Both agencies' progress moved on the region's dashboard.
    page.goto(f"/r/{region.slug}/")
    assert_accessible(page)
    assert cit_share_of(page, front_royal.name) == "50.0%"
    assert cit_share_of(page, strasburg.name) == "20.0%"
