"""The getting-started checklist on a new agency's dashboard: each step ticked from the
agency's own data, linked to where it is done, gone once all five are done."""

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onemind.lib.dates import add_months
from pledges.models import Pledge, ProgramRules
from pledges.queries import GettingStarted, getting_started
from tests.conftest import login
from tests.factories import (
    CrisisPolicyFactory,
    PartnershipVersionFactory,
    PersonFactory,
    TrainingRecordFactory,
    meets_everything,
    sign,
)
from tests.pages import check_page
from training.models import Category, Status

TITLES = [
    "Bring in your roster",
    "Enter training records",
    "Record a partnership",
    "Record your policy",
    "Take the pledge",
]


def url(name, agency):
    return reverse(name, kwargs={"agency_slug": agency.slug})


class Checklist(HTMLParser):
    """The steps of the page's getting-started list: title, state in words, links."""

    def __init__(self, html: str):
        super().__init__()
        self.steps: list[dict] = []
        self._in_list = False
        self._reading: str | None = None  # "title", "state" or "link"
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ol" and "usa-process-list" in classes:
            self._in_list = True
        elif not self._in_list:
            return
        elif tag == "li":
            self.steps.append({"title": "", "state": "", "links": []})
        elif tag == "h3":
            self._reading = "title"
        elif tag == "span" and "usa-tag" in classes:
            self._reading = "state"
        elif tag == "a":
            self._reading = "link"
            self.steps[-1]["links"].append(["", attrs["href"]])

    def handle_endtag(self, tag):
        if tag == "ol":
            self._in_list = False
        if tag in {"h3", "span", "a"}:
            self._reading = None

    def handle_data(self, data):
        if self._reading == "link":
            self.steps[-1]["links"][-1][0] += data
        elif self._reading:
            self.steps[-1][self._reading] += data.strip()

    def states(self) -> list[str]:
        return [step["state"] for step in self.steps]


def dashboard(client, agency) -> str:
    response = client.get(url("agency_dashboard", agency))
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_agency_sees_five_steps_to_do_each_linked_where_it_is_done(
    client, agency_a, coordinator
):
    login(client, coordinator)
    page = dashboard(client, agency_a)
    check_page(page)

    steps = Checklist(page).steps
    assert [step["title"] for step in steps] == TITLES
    assert [step["state"] for step in steps] == ["To do"] * 5
    links = [[tuple(link) for link in step["links"]] for step in steps]
    assert links == [
        [
            ("Import a roster file", url("import_upload", agency_a)),
            ("The roster", url("roster", agency_a)),
        ],
        [
            ("Import training records", url("import_upload", agency_a)),
            ("Record a class", url("class_create", agency_a)),
        ],
        [("Record a partnership", url("partnership_create", agency_a))],
        [("Record the policy", url("policy_create", agency_a))],
        [("Sign the pledge", url("pledge_sign", agency_a))],
    ]
    assert "0 of 5 steps done." in page


def test_a_viewer_follows_the_steps_without_links_to_pages_it_cannot_use(client, agency_a, viewer):
    login(client, viewer)
    page = dashboard(client, agency_a)

    steps = Checklist(page).steps
    hrefs = [href for step in steps for _, href in step["links"]]
    assert hrefs == [
        url("roster", agency_a),
        url("partnership_list", agency_a),
        url("policy_detail", agency_a),
    ]
    assert "Editors and coordinators of your agency do these steps" in page


def test_each_step_is_ticked_by_the_agency_data_it_asks_for(agency_a, coordinator):
    assert getting_started(agency_a) == GettingStarted(*[False] * 5)

    PersonFactory(agency=agency_a, category=Category.NON_SWORN)  # not selected: out of scope
    PersonFactory(agency=agency_a, status=Status.SEPARATED)
    assert not getting_started(agency_a).roster
    PersonFactory(agency=agency_a)
    assert getting_started(agency_a).roster

    TrainingRecordFactory(person__agency=agency_a)
    assert getting_started(agency_a).training

    CrisisPolicyFactory(agency=agency_a)
    assert getting_started(agency_a).policy

    today = agency_a.today()
    Pledge.all_agencies.create(  # a draft: not signed
        agency=agency_a,
        rules=ProgramRules.objects.in_force(today),
        target_date=add_months(today, 24),
        chief_name="Ana Rivera",
        chief_title="Chief of Police",
    )
    assert not getting_started(agency_a).pledge
    sign(agency_a, coordinator)
    assert getting_started(agency_a).pledge

    assert getting_started(agency_a).done_count == 4


def test_a_partnership_ticks_only_while_in_force(agency_a):
    today = agency_a.today()
    PartnershipVersionFactory(
        partnership__organization__agency=agency_a,
        signed_on=today - timedelta(days=800),
        effective_on=today - timedelta(days=790),
        expires_on=today - timedelta(days=1),
    )
    assert not getting_started(agency_a).partnership

    PartnershipVersionFactory(
        partnership__organization__agency=agency_a, signed_on=today + timedelta(days=3)
    )  # signed, but only in three days
    assert not getting_started(agency_a).partnership

    PartnershipVersionFactory(partnership__organization__agency=agency_a)
    assert getting_started(agency_a).partnership


def test_another_agencys_data_ticks_nothing(agency_a, agency_b, coordinator_b):
    meets_everything(agency_b)
    sign(agency_b, coordinator_b)

    assert getting_started(agency_b).complete
    assert getting_started(agency_a) == GettingStarted(*[False] * 5)


def test_the_done_steps_say_so_and_lose_their_links(client, agency_a, coordinator):
    PersonFactory(agency=agency_a)
    CrisisPolicyFactory(agency=agency_a)
    login(client, coordinator)

    page = dashboard(client, agency_a)

    steps = Checklist(page).steps
    assert [step["state"] for step in steps] == ["Done", "To do", "To do", "Done", "To do"]
    assert steps[0]["links"] == [] and steps[3]["links"] == []
    assert "2 of 5 steps done." in page


def test_the_checklist_is_gone_once_all_five_are_done(client, agency_a, coordinator):
    meets_everything(agency_a)
    login(client, coordinator)
    assert "Getting started" in dashboard(client, agency_a)

    sign(agency_a, coordinator)
    page = dashboard(client, agency_a)

    assert "Getting started" not in page and Checklist(page).steps == []


def test_the_steps_are_read_in_one_query(agency_a, django_assert_num_queries):
    meets_everything(agency_a, people=3)
    with django_assert_num_queries(1):
        getting_started(agency_a)


def test_the_dashboard_query_count_does_not_grow_with_the_roster(
    client, agency_a, coordinator, django_assert_num_queries
):
    PersonFactory(agency=agency_a)
    login(client, coordinator)
    dashboard(client, agency_a)  # the evaluation cached, as for any later visit
    with CaptureQueriesContext(connection) as small:
        dashboard(client, agency_a)
    queries = len(small)  # now: the next request empties the connection's log
    for _ in range(25):
        TrainingRecordFactory(person__agency=agency_a)
    PersonFactory.create_batch(25, agency=agency_a)
    dashboard(client, agency_a)  # the evidence changed: evaluated again, then cached

    with django_assert_num_queries(queries):
        page = dashboard(client, agency_a)
    assert Checklist(page).states()[:2] == ["Done", "Done"]


@pytest.mark.parametrize(
    ("days", "words"), [(1, "1</strong> day left"), (2, "2</strong> days left")]
)
def test_the_days_left_are_counted_in_words(client, agency_a, coordinator, days, words):
    signed_at = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    with time_machine.travel(signed_at, tick=False):
        pledge = sign(agency_a, coordinator, target_date=add_months(agency_a.today(), 12))
    with time_machine.travel(
        datetime.combine(pledge.target_date - timedelta(days=days), signed_at.timetz()),
        tick=False,
    ):
        login(client, coordinator)
        page = dashboard(client, agency_a)
    assert f"<strong>{words}</p>" in page
