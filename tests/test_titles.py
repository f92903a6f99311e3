"""Every page's title says which page it is (WCAG 2.4.2): no two pages share one — not a
roster filtered or sorted two ways, not two members' "change role", not two ways to confirm
access — and a page answering a form sent with errors says so first."""

from collections import defaultdict
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership
from tests.conftest import login, with_totp
from tests.factories import (
    ImportBatchFactory,
    PersonFactory,
    TrainingRecordFactory,
    course,
)
from tests.pages import PageStructure
from tests.walk import a_full_agency, every_page, the_staff_areas_work
from training.models import Category, CourseKind, Status


def title_of(response) -> str | None:
    """The page's title without the product's name; None for what is not a page."""
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    page = PageStructure()
    page.feed(response.content.decode())
    return page.title.strip().removesuffix("· One Mind Pledge Tracker").strip()


def shared_titles(client, urls) -> list[str]:
    """Each title two pages share, with their URLs."""
    pages = defaultdict(list)
    for url in urls:
        title = title_of(client.get(url))
        if title is not None:
            pages[title].append(url)
    return [f"{title}: {' '.join(urls)}" for title, urls in pages.items() if len(urls) > 1]


def test_no_two_pages_share_a_title(client, administrator):
    coordinator, objects = a_full_agency()
    pages = every_page(the_staff_areas_work(objects))
    login(client, coordinator)
    shared = shared_titles(client, pages.agency + pages.region + pages.other)
    login(client, administrator, mfa=True)
    shared += shared_titles(client, pages.staff)
    assert shared == [], "\n".join(shared)


def test_pages_of_two_things_of_a_kind_say_which(client, agency_a, coordinator, editor, viewer):
    login(client, coordinator)
    person = PersonFactory(agency=agency_a)
    records = [
        TrainingRecordFactory(person=person, course=course(CourseKind.CIT)),
        TrainingRecordFactory(person=person, course=course(CourseKind.MHFA)),
    ]
    batches = [  # the same file, uploaded again an hour later
        ImportBatchFactory(agency=agency_a, uploaded_by=coordinator, created_at=at)
        for at in (timezone.now() - timedelta(hours=1), timezone.now())
    ]
    slug = {"agency_slug": agency_a.slug}
    for name, many in [
        ("member_edit", [{"member_id": m.public_id} for m in Membership.all_agencies.all()]),
        (
            "record_evidence",
            [{"person_id": person.public_id, "record_id": r.public_id} for r in records],
        ),
        ("import_detail", [{"batch_id": b.public_id} for b in batches]),
    ]:
        urls = [reverse(name, kwargs={**slug, **kwargs}) for kwargs in many]
        assert shared_titles(client, urls) == [], name


def test_each_way_to_confirm_access_has_its_title(client, coordinator):
    login(client, with_totp(coordinator))
    titles = {
        title_of(client.get(reverse(name)))
        for name in ("account_reauthenticate", "mfa_reauthenticate")
    }
    assert titles == {
        "Confirm access with your password",
        "Confirm access with an authenticator code",
    }


@pytest.fixture
def roster_of_60(agency_a):
    """More than a page (50 people), of every category and status."""
    for n in range(60):
        PersonFactory(
            agency=agency_a,
            category=[Category.SWORN, Category.NON_SWORN][n % 2],
            status=[Status.ACTIVE, Status.LEAVE, Status.SEPARATED][n % 3],
        )


class RosterLinks(HTMLParser):
    """What the roster page offers: each filter's choices, and its sort and page links."""

    def __init__(self):
        super().__init__()
        self.choices: dict[str, list[str]] = defaultdict(list)
        self.links: list[str] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and attrs.get("value"):
            self.choices[self._select].append(attrs["value"])
        elif tag == "a" and attrs.get("href", "").startswith("?"):
            self.links.append(attrs["href"])


def test_every_filtered_sorted_or_later_page_of_the_roster_has_its_title(
    client, agency_a, coordinator, roster_of_60
):
    login(client, coordinator)
    roster = reverse("roster", kwargs={"agency_slug": agency_a.slug})
    offered = RosterLinks()
    offered.feed(client.get(roster).content.decode())
    # Sorted by name (the default), its column offers the reverse order.
    sorts = {"name"} | {link.split("sort=")[1] for link in offered.links if "sort=" in link}
    assert {"-name", "employee_id", "status"} <= sorts
    queries = [{"q": "a"}, *({name: value} for name, values in offered.choices.items()
                             for value in values)]  # fmt: skip
    urls = [f"{roster}?{urlencode({**query, 'sort': sort})}" for query in queries for sort in sorts]
    urls += [f"{roster}?{link.lstrip('?')}" for link in offered.links if "page=" in link]
    assert len(urls) > 60

    assert shared_titles(client, urls) == []
    untrained = title_of(client.get(f"{roster}?training=untrained&sort=name&page=2"))
    assert untrained == (
        "Roster — untrained, sorted by name · Millbrook Police Department (page 2 of 2)"
    )


def test_a_form_sent_with_errors_says_so_first(client, agency_a, coordinator):
    login(client, coordinator)
    url = reverse("person_create", kwargs={"agency_slug": agency_a.slug})
    assert title_of(client.get(url)) == "Add a person · Millbrook Police Department"
    sent = client.post(url, {"first_name": "Ana"})
    assert title_of(sent) == "Error: Add a person · Millbrook Police Department"
    client.logout()
    sign_in = client.post(reverse("account_login"), {"login": "x@y.example", "password": "no"})
    assert title_of(sign_in).startswith("Error: ")
