"""Finding one's way: the header's menu fits one line at desktop widths and says which page
is open (aria-current), its phone button says whether the menu is open (aria-expanded), and
on "record a class" the keyboard's focus never hides below the list of names."""

import pytest
from django.contrib.auth.models import Group

from agencies.models import Role
from agencies.staff import REVIEWER_GROUP
from tests.browser.conftest import assert_accessible
from tests.browser.keyboard import assert_focus_visible, tab_to
from tests.browser.steps import sign_in, sign_in_with_totp
from tests.conftest import member, with_totp
from tests.factories import AgencyFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1024, "height": 768}  # the narrowest width with the desktop menu
PHONE = {"width": 390, "height": 844}


def current_links(page) -> list[tuple[str, str]]:
    """(name, aria-current) of the links the header marks as current."""
    links = page.locator("header [aria-current]").evaluate_all(
        "links => links.map(a => [a.textContent.trim(), a.getAttribute('aria-current')])"
    )
    return [tuple(link) for link in links]


@pytest.fixture
def coordinator_of_two(db):
    """A coordinator of two agencies who is also a program reviewer: every menu item."""
    agency = AgencyFactory(name="Millbrook Police Department", slug="millbrook-pd")
    user = member(agency, Role.COORDINATOR, "dana@millbrook.example")
    MembershipFactory(agency=AgencyFactory(name="Harlan County Sheriff's Office"), user=user)
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    PersonFactory(agency=agency, last_name="Delgado")
    return with_totp(user)


def test_the_menu_fits_one_line_and_marks_the_page_open(page, coordinator_of_two):
    page.set_viewport_size(DESKTOP)
    sign_in_with_totp(page, coordinator_of_two)
    page.goto("/a/millbrook-pd/")
    items = page.locator("header .usa-nav__primary > li")
    assert items.all_inner_texts() == [
        "Dashboard",
        "Roster and training",
        "Partnerships",
        "Policy",
        "Help",
        "Agency settings",
        "Switch agency",
        "Program staff",
    ]
    tops = items.evaluate_all("items => items.map(item => item.getBoundingClientRect().top)")
    assert len(set(tops)) == 1, f"the menu wraps: {tops}"
    assert current_links(page) == [
        ("Dashboard", "page"),
        ("Millbrook Police Department (Coordinator)", "true"),
    ]

    page.goto("/a/millbrook-pd/people/?training=untrained")
    group = page.get_by_role("button", name="Roster and training")
    assert "usa-current" in group.get_attribute("class")
    assert group.get_attribute("aria-expanded") == "false"
    group.click()
    assert group.get_attribute("aria-expanded") == "true"
    roster = page.get_by_role("link", name="Roster", exact=True)
    assert roster.is_visible() and roster.get_attribute("aria-current") == "page"
    assert_accessible(page)
    page.keyboard.press("Escape")
    assert group.get_attribute("aria-expanded") == "false" and not roster.is_visible()

    # A page below the roster: the roster's link is the current section, not the page.
    page.get_by_role("link", name="Delgado", exact=False).first.click()
    page.wait_for_url("**/people/*/")
    assert ("Roster", "true") in current_links(page)
    assert "page" not in dict(current_links(page)).values()

    page.goto("/a/millbrook-pd/emails/")
    assert ("My emails", "page") in current_links(page)
    # The staff area's own menu, with the agencies beside it, fits one line too.
    page.goto("/staff/reviews/")
    assert ("Review queue", "page") in current_links(page)
    tops = items.evaluate_all("items => items.map(item => item.getBoundingClientRect().top)")
    assert items.all_inner_texts() == [
        "My agencies",
        "Review queue",
        "Agencies",
        "Regions",
        "The program",
        "Technical assistance",
        "Audit trail",
        "Emails",
    ]
    assert len(set(tops)) == 1, f"the menu wraps: {tops}"


def test_a_viewer_sees_members_in_place_of_a_group_of_one(page):
    agency = AgencyFactory(slug="riverton-pd")
    viewer = member(agency, Role.VIEWER, "chief@riverton.example")
    page.set_viewport_size(DESKTOP)
    sign_in(page, viewer.email)
    page.goto("/a/riverton-pd/members/")
    assert page.locator("header .usa-nav__primary > li").all_inner_texts() == [
        "Dashboard",
        "Roster and training",
        "Partnerships",
        "Policy",
        "Help",
        "Members",
    ]
    assert current_links(page) == [("Members", "page")]


def test_the_phone_menu_button_says_whether_the_menu_is_open(page, coordinator_of_two):
    page.set_viewport_size(PHONE)
    sign_in_with_totp(page, coordinator_of_two)
    button = page.get_by_role("button", name="Menu")
    menu = page.locator("#" + button.get_attribute("aria-controls"))
    assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()

    button.click()
    # Open, the menu covers the page and the button, which the design system hides from
    # assistive technology meanwhile: found by its class.
    button = page.locator(".usa-menu-btn")
    assert menu.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    assert_accessible(page)
    page.get_by_role("button", name="Close").click()
    assert not menu.is_visible()
    assert button.get_attribute("aria-expanded") == "false"

    button.click()
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    assert button.get_attribute("aria-expanded") == "false"


# The focused name's label (the design system draws the box there) inside the list's
# visible box and inside the window.
FOCUSED_NAME_SHOWN = """() => {
  const label = document.activeElement.labels[0].getBoundingClientRect();
  const list = document.getElementById("attendee-list");
  const box = list.getBoundingClientRect();
  const top = box.top + list.clientTop, bottom = top + list.clientHeight;
  return label.top >= top - 0.5 && label.bottom <= bottom + 0.5
    && label.top >= 0 && label.bottom <= window.innerHeight;
}"""


def test_tabbing_through_a_class_of_148_keeps_each_name_in_view(page):
    agency = AgencyFactory(slug="riverton-pd")
    editor = member(agency, Role.EDITOR, "sam@riverton.example")
    PersonFactory.create_batch(148, agency=agency)
    sign_in(page, editor.email)
    page.goto("/a/riverton-pd/classes/new/")
    names = page.locator("#attendee-list input[type=checkbox]")
    assert names.count() == 148

    tab_to(page, names.first)
    for n in range(148):
        focused = names.nth(n)
        assert focused.evaluate("box => box === document.activeElement"), n
        assert page.evaluate(FOCUSED_NAME_SHOWN), f"name {n + 1} of 148 is out of sight"
        assert_focus_visible(focused)
        page.keyboard.press("Tab")
