"""Who the pledge leaves out, and the roster's sworn officers beside the authorized strength:
on the dashboard, frozen into the submission, and on the reviewer's page from that alone."""

import re
from datetime import date
from html import unescape
from itertools import product

import pytest
from django.urls import reverse

from agencies.models import Agency
from pledges import services
from pledges.engine import scope as scope_module
from pledges.engine.scope import SWORN_ROSTER_MIN_PERCENT, SwornStrength, scope
from pledges.engine.submissions import fingerprint
from pledges.models import Submission
from tests.conftest import login
from tests.factories import PersonFactory, TrainingRecordFactory, course, meets_everything, sign
from training.models import IN_SCOPE, LEFT_OUT, Category, CourseKind, LeftOut, Person, Status


def dashboard_url(agency):
    return reverse("agency_dashboard", kwargs={"agency_slug": agency.slug})


def review_url(submission):
    return reverse("staff:review_detail", kwargs={"submission_id": submission.public_id})


def person(agency, last_name, *, status=Status.ACTIVE, category=Category.SWORN, **fields):
    return PersonFactory(
        agency=agency,
        last_name=last_name,
        first_name=fields.pop("first_name", "Pat"),
        status=status,
        category=category,
        **fields,
    )


@pytest.fixture
def mixed_roster(agency_a, agency_b):
    """Agency A's roster with someone under every reason the pledge leaves people out.

    In scope, trained: three active sworn officers (one with CIT) and a selected
    dispatcher. Left out: four on
    leave (two sworn, a selected and an unselected non-sworn), one separated, two non-sworn
    staff not selected. Agency B has someone on leave, who is none of A's business."""
    for name, kind in (("Inscope-One", CourseKind.CIT), ("Inscope-Two", CourseKind.MHFA)):
        TrainingRecordFactory(person=person(agency_a, name), course=course(kind))
    for name, category in (("Inscope-Three", "sworn"), ("Dispatch-Selected", "non_sworn")):
        someone = person(agency_a, name, category=category, selected=True)
        TrainingRecordFactory(person=someone, course=course(CourseKind.MHFA))
    on_leave = [
        person(agency_a, "Leave-Sworn-A", status=Status.LEAVE),
        person(agency_a, "Leave-Sworn-B", status=Status.LEAVE),
        person(agency_a, "Leave-Civ-Sel", status=Status.LEAVE, category="non_sworn", selected=True),
        person(agency_a, "Leave-Civ-Unsel", status=Status.LEAVE, category="non_sworn"),
    ]
    separated = [person(agency_a, "Separated-Sworn", status=Status.SEPARATED)]
    not_selected = [
        person(agency_a, "Clerk-Unsel-A", category=Category.NON_SWORN),
        person(agency_a, "Clerk-Unsel-B", category=Category.NON_SWORN),
    ]
    person(agency_b, "Elsewhere-On-Leave", status=Status.LEAVE)
    return {
        LeftOut.LEAVE: on_leave,
        LeftOut.SEPARATED: separated,
        LeftOut.NOT_SELECTED: not_selected,
    }


def left_out_section(page: str) -> str:
    start = page.index('id="left-out-heading"')
    return page[start : page.index("</section>", start)]


# The rule


def test_everyone_outside_the_scope_is_left_out_under_exactly_one_reason(agency_a):
    combinations = list(product(Status.values, Category.values, (False, True)))
    for n, (status, category, selected) in enumerate(combinations):
        PersonFactory(
            agency=agency_a,
            employee_id=f"C{n}",
            status=status,
            category=category,
            selected=selected,
        )
    people = Person.all_agencies.filter(agency=agency_a)
    in_scope = set(people.filter(IN_SCOPE).values_list("pk", flat=True))
    for each in people:
        matched = [reason for reason, rule in LEFT_OUT.items() if people.filter(rule, pk=each.pk)]
        assert len(matched) == (0 if each.pk in in_scope else 1), each
        assert each.in_scope == (each.pk in in_scope)
        assert each.left_out == (matched[0] if matched else None)
    on_leave = people.get(status=Status.LEAVE, category=Category.NON_SWORN, selected=False)
    assert on_leave.left_out == LeftOut.LEAVE  # leave decides, not the selection


def test_a_persons_page_says_why_they_are_left_out(client, agency_a, viewer, mixed_roster):
    login(client, viewer)
    for reason, people in mixed_roster.items():
        url = reverse(
            "person_detail",
            kwargs={"agency_slug": agency_a.slug, "person_id": people[0].public_id},
        )
        page = client.get(url).content.decode()
        assert f"<dt>In the pledge's scope</dt><dd>No: {str(reason.label).lower()}</dd>" in page


# The dashboard


def test_the_dashboard_counts_and_names_who_is_left_out_and_links_to_them(
    client, agency_a, viewer, mixed_roster
):
    login(client, viewer)
    section = left_out_section(client.get(dashboard_url(agency_a)).content.decode())

    assert "7 people on the roster are outside the pledge's scope" in section
    roster = reverse("roster", kwargs={"agency_slug": agency_a.slug})
    for reason, sentence in (
        (LeftOut.LEAVE, "4 people are on extended leave"),
        (LeftOut.SEPARATED, "1 person has separated from the agency"),
        (LeftOut.NOT_SELECTED, "2 non-sworn staff members are not selected for the pledge"),
    ):
        assert f'<a href="{roster}?left_out={reason.value}">{sentence}</a>' in section
        for someone in mixed_roster[reason]:
            assert f"{someone.last_name}, Pat</a> ({someone.employee_id})" in section
    for name in ("Inscope-One", "Dispatch-Selected", "Elsewhere-On-Leave"):
        assert name not in section


def test_each_count_links_to_the_roster_filtered_to_those_people(
    client, agency_a, viewer, mixed_roster
):
    login(client, viewer)
    section = left_out_section(client.get(dashboard_url(agency_a)).content.decode())
    links = dict(re.findall(r'<a href="([^"]+\?left_out=(\w+))">', section))
    assert set(links.values()) == {reason.value for reason in LeftOut}

    for href, reason in links.items():
        roster = client.get(unescape(href)).content.decode()
        table = roster[roster.index("<tbody>") : roster.index("</tbody>")]
        listed = set(re.findall(r">([\w-]+), Pat</a>", table))
        assert listed == {someone.last_name for someone in mixed_roster[reason]}, reason
        count = len(mixed_roster[reason])
        assert f"<caption>{count} {'person' if count == 1 else 'people'}</caption>" in roster
        assert f'<option value="{reason}" selected>' in roster  # the filter shows as chosen


def test_one_person_left_out_reads_in_the_singular(client, agency_a, viewer):
    person(agency_a, "Inscope")
    person(agency_a, "Away", status=Status.LEAVE)
    login(client, viewer)
    section = left_out_section(client.get(dashboard_url(agency_a)).content.decode())

    assert "1 person on the roster is outside the pledge's scope" in section
    assert ">1 person is on extended leave</a>" in section
    assert "<li>0 people have separated from the agency.</li>" in section  # no link to nobody


def test_nobody_left_out_says_so(client, agency_a, viewer):
    person(agency_a, "Inscope")
    login(client, viewer)
    section = left_out_section(client.get(dashboard_url(agency_a)).content.decode())
    assert "Nobody: everyone on the roster is in the pledge's scope." in section
    assert "?left_out=" not in section


def test_the_dashboard_names_the_latest_ten_of_each_reason(client, agency_a, viewer):
    for day in range(1, 13):
        person(
            agency_a, f"Away-{day:02d}", status=Status.LEAVE, status_changed_on=date(2030, 1, day)
        )
    login(client, viewer)
    section = left_out_section(client.get(dashboard_url(agency_a)).content.decode())

    named = re.findall(r">(Away-\d\d), Pat</a>", section)
    assert named == [f"Away-{day:02d}" for day in range(12, 2, -1)]  # the latest first
    assert "; and 2 more." in section


def test_the_scope_is_read_in_two_queries_whatever_the_roster(agency_a, django_assert_num_queries):
    person(agency_a, "Away", status=Status.LEAVE)
    with django_assert_num_queries(2):
        small = scope(agency_a)
    for n in range(30):
        status = (Status.LEAVE, Status.SEPARATED, Status.ACTIVE)[n % 3]
        person(agency_a, f"More-{n}", status=status, category=Category.NON_SWORN)
    with django_assert_num_queries(2):
        large = scope(agency_a)
    assert small.total == 1 and large.total == 31
    assert [len(group.people) for group in large.groups] == [10, 10, 10]


def test_the_dashboard_query_count_is_the_same_for_a_larger_roster(
    client,
    agency_a,
    coordinator,
    django_assert_num_queries,
    django_assert_max_num_queries,
    mixed_roster,
):
    sign(agency_a, coordinator)
    login(client, coordinator)
    client.get(dashboard_url(agency_a))  # the evaluation is cached from here on
    with django_assert_max_num_queries(30) as small:
        client.get(dashboard_url(agency_a))
    queries = len(small.captured_queries)  # read now: the next request clears the log
    for n in range(40):
        status = (Status.LEAVE, Status.SEPARATED, Status.ACTIVE)[n % 3]
        person(agency_a, f"More-{n}", status=status, category=Category.NON_SWORN)
    client.get(dashboard_url(agency_a))  # the new evidence is evaluated once, then cached

    with django_assert_num_queries(queries):
        page = client.get(dashboard_url(agency_a)).content.decode()
    assert "18 people are on extended leave" in page


# The roster against the authorized sworn strength


def test_the_threshold_is_the_named_share_of_the_authorized_strength():
    assert SWORN_ROSTER_MIN_PERCENT == 90
    assert SwornStrength(on_roster=89, authorized=100).short
    assert not SwornStrength(on_roster=90, authorized=100).short
    assert SwornStrength(on_roster=71, authorized=118).short
    assert not SwornStrength(on_roster=150, authorized=118).short
    for missing in (None, 0):
        assert not SwornStrength(on_roster=0, authorized=missing).short
        assert not SwornStrength(on_roster=0, authorized=missing).given


def test_a_roster_markedly_short_of_the_authorized_strength_is_warned_about(
    client, agency_a, coordinator
):
    Agency.objects.filter(pk=agency_a.pk).update(sworn_strength=10)
    for n in range(8):
        person(agency_a, f"Officer-{n}")
    person(agency_a, "On-Leave", status=Status.LEAVE)  # not on the roster's active strength
    person(agency_a, "Dispatcher", category=Category.NON_SWORN, selected=True)
    login(client, coordinator)
    section = left_out_section(client.get(dashboard_url(agency_a)).content.decode())

    assert "usa-alert--warning" in section
    assert (
        "Your roster lists 8 active sworn officers; your authorized sworn strength is 10."
        in section
    )
    assert "If officers are missing from the roster, import them or add them" in section
    assert reverse("import_upload", kwargs={"agency_slug": agency_a.slug}) in section
    assert reverse("agency_settings", kwargs={"agency_slug": agency_a.slug}) in section


def test_a_roster_near_the_authorized_strength_is_not_warned_about(client, agency_a, viewer):
    Agency.objects.filter(pk=agency_a.pk).update(sworn_strength=1)
    person(agency_a, "Officer")
    login(client, viewer)
    section = left_out_section(client.get(dashboard_url(agency_a)).content.decode())

    assert "Your roster lists 1 active sworn officer; your authorized sworn strength is 1." in (
        section
    )
    assert "usa-alert--warning" not in section


@pytest.mark.parametrize("missing", [None, 0])
def test_an_authorized_strength_not_given_says_so_without_a_warning(
    client, agency_a, viewer, missing
):
    Agency.objects.filter(pk=agency_a.pk).update(sworn_strength=missing)
    person(agency_a, "Officer-A")
    person(agency_a, "Officer-B")
    login(client, viewer)
    section = left_out_section(client.get(dashboard_url(agency_a)).content.decode())

    assert (
        "Your roster lists 2 active sworn officers; your authorized sworn strength is not given."
        in section
    )
    assert "usa-alert--warning" not in section


# The submission and the reviewer's page


@pytest.fixture
def submitted(agency_a, coordinator, mixed_roster):
    """Agency A, authorized 40 sworn officers, submits with 5 trained officers plus the
    mixed roster (3 more active sworn officers) on its roster."""
    Agency.objects.filter(pk=agency_a.pk).update(verified=True, sworn_strength=40)
    agency_a.refresh_from_db()
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)
    return services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge)


def test_the_submission_freezes_who_was_left_out_and_the_sworn_figures(submitted, mixed_roster):
    frozen = submitted.snapshot

    assert frozen["left_out"]["counts"] == {"leave": 4, "separated": 1, "not_selected": 2}
    assert sorted(frozen["left_out"]["people"]) == sorted(
        [someone.employee_id, someone.last_name, "Pat", reason.value]
        for reason, people in mixed_roster.items()
        for someone in people
    )
    assert frozen["sworn"] == {"on_roster": 8, "authorized": 40}
    assert submitted.snapshot_sha256 == fingerprint(frozen)


def test_the_frozen_list_is_bounded_but_the_counts_are_whole(agency_a, coordinator, monkeypatch):
    monkeypatch.setattr(scope_module, "FROZEN_LISTED_PER_REASON", 2)
    for n in range(3):
        person(agency_a, f"Away-{n}", status=Status.LEAVE, status_changed_on=date(2030, 1, n + 1))
    Agency.objects.filter(pk=agency_a.pk).update(sworn_strength=None)
    agency_a.refresh_from_db()
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)

    frozen = services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge).snapshot

    assert frozen["left_out"]["counts"]["leave"] == 3
    assert frozen["left_out"]["listed_per_reason"] == 2
    assert [row[1] for row in frozen["left_out"]["people"]] == ["Away-2", "Away-1"]
    assert frozen["sworn"] == {"on_roster": 5, "authorized": None}


def test_the_reviewer_sees_only_what_was_frozen(
    client, agency_a, reviewer, submitted, mixed_roster
):
    # After submitting, the roster and the authorized strength change.
    returned = mixed_roster[LeftOut.LEAVE][0]
    Person.all_agencies.filter(pk=returned.pk).update(status=Status.ACTIVE)
    person(agency_a, "Separated-Later", status=Status.SEPARATED)
    PersonFactory.create_batch(4, agency=agency_a)
    Agency.objects.filter(pk=agency_a.pk).update(sworn_strength=12)

    login(client, reviewer, mfa=True)
    page = client.get(review_url(submitted)).content.decode()
    start = page.index('id="left-out"')
    section = page[start : page.index("<h2>Decision</h2>")]

    assert "7 people on the roster were outside the pledge's scope" in section
    for sentence in (
        "4 people are on extended leave",
        "1 person has separated from the agency",
        "2 non-sworn staff members are not selected for the pledge",
    ):
        assert f"<li>{sentence}.</li>" in section
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td></tr>', section
    )
    assert sorted(rows) == sorted(
        (someone.employee_id, f"{someone.last_name}, Pat", str(reason.label))
        for reason, people in mixed_roster.items()
        for someone in people
    )
    assert "Separated-Later" not in section
    assert (
        "The roster listed 8 active sworn officers; the agency's authorized sworn strength "
        "was 40." in section
    )
    assert "That is fewer than 90% of the authorized strength" in section  # 8 of 40


def test_a_reviewer_is_not_warned_when_the_roster_held_the_authorized_strength(
    client, agency_a, coordinator, reviewer
):
    Agency.objects.filter(pk=agency_a.pk).update(verified=True, sworn_strength=5)
    agency_a.refresh_from_db()
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)
    submission = services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge)
    Agency.objects.filter(pk=agency_a.pk).update(sworn_strength=500)  # changed afterwards

    login(client, reviewer, mfa=True)
    page = client.get(review_url(submission)).content.decode()

    assert "0 people on the roster were outside" in page and "Why left out" not in page
    assert "authorized sworn strength was 5." in page
    assert "That is fewer than" not in page


def test_the_reviewer_pages_through_a_long_frozen_list(client, agency_a, reviewer, submitted):
    frozen = dict(submitted.snapshot)
    frozen["left_out"] = {
        "counts": {"leave": 0, "separated": 105, "not_selected": 0},
        "listed_per_reason": 1000,
        "people": [[f"S{n:03d}", f"Gone-{n:03d}", "", "separated"] for n in range(105)],
    }
    Submission.all_agencies.filter(pk=submitted.pk).update(snapshot=frozen)
    login(client, reviewer, mfa=True)

    first = client.get(review_url(submitted)).content.decode()
    assert "Gone-099" in first and "Gone-100" not in first
    assert "?page=1&amp;left_out_page=2#left-out" in first
    second = client.get(review_url(submitted), {"left_out_page": 2}).content.decode()
    assert "Gone-104" in second and "Gone-099" not in second


def test_an_older_submission_without_the_record_still_renders(
    client, agency_a, reviewer, submitted
):
    older = {k: v for k, v in submitted.snapshot.items() if k not in {"left_out", "sworn"}}
    Submission.all_agencies.filter(pk=submitted.pk).update(snapshot=older)
    login(client, reviewer, mfa=True)

    response = client.get(review_url(submitted))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not recorded: this submission was made before submissions recorded" in page
    assert "People counted (9 in scope)" in page
