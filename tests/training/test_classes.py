"""Recording a class: course and date, the attendees, one submission, one transaction."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import AuditEvent
from onemind.lib.dates import add_months
from tests.conftest import login
from tests.factories import PersonFactory, TrainingRecordFactory, course
from tests.races import in_the_worst_order
from training import queries as training_queries
from training.models import CourseKind, Status, TrainingRecord


def class_url(agency):
    return reverse("class_create", kwargs={"agency_slug": agency.slug})


def post_class(client, agency, people=(), ids="", when=None):
    when = when or timezone.localdate() - timedelta(days=1)
    return client.post(
        class_url(agency),
        {
            "course": course(CourseKind.MHFA).pk,
            "completed_on": when.isoformat(),
            "attendees": [p.pk for p in people],
            "employee_ids": ids,
        },
    )


def test_a_class_records_every_attendee_once(client, agency_a, editor):
    people = PersonFactory.create_batch(3, agency=agency_a)
    pasted = PersonFactory(agency=agency_a, employee_id="D-17")
    login(client, editor)
    response = post_class(client, agency_a, people[:2], ids="D-17, ")
    assert response.status_code == 200
    assert len(response.context["result"].created) == 3
    recorded = set(TrainingRecord.all_agencies.values_list("person_id", flat=True))
    assert recorded == {people[0].pk, people[1].pk, pasted.pk}
    record = TrainingRecord.all_agencies.filter(person=pasted).get()
    assert record.valid_until == add_months(record.completed_on, 36)  # MHFA: three years
    assert AuditEvent.objects.get(action="class.recorded").changes["attendees"][1] == [
        p.employee_id for p in response.context["result"].created
    ]


def test_people_who_already_hold_the_record_are_reported_not_duplicated(client, agency_a, editor):
    when = timezone.localdate() - timedelta(days=3)
    holder, newcomer = PersonFactory.create_batch(2, agency=agency_a)
    TrainingRecordFactory(person=holder, course=course(CourseKind.MHFA), completed_on=when)
    login(client, editor)
    response = post_class(client, agency_a, [holder, newcomer], when=when)
    result = response.context["result"]
    assert result.created == [newcomer] and result.already_recorded == [holder]
    assert TrainingRecord.all_agencies.filter(person=holder).count() == 1
    assert "Already recorded" in response.content.decode()


def test_another_agencys_person_cannot_be_ticked_or_pasted(client, agency_a, agency_b, editor):
    outsider = PersonFactory(agency=agency_b, employee_id="B-1")
    login(client, editor)
    response = post_class(client, agency_a, [outsider])
    assert response.status_code == 200 and "result" not in response.context
    response = post_class(client, agency_a, ids="B-1")
    assert "Not on the active roster: B-1" in response.content.decode()
    assert not TrainingRecord.all_agencies.exists()


def test_separated_people_are_not_offered(client, agency_a, editor):
    gone = PersonFactory(agency=agency_a, status=Status.SEPARATED, last_name="Gone")
    login(client, editor)
    page = client.get(class_url(agency_a)).content.decode()
    assert "Gone" not in page
    assert post_class(client, agency_a, [gone]).context.get("result") is None


def test_a_class_in_the_future_is_refused_and_nothing_is_written(client, agency_a, editor):
    person = PersonFactory(agency=agency_a)
    login(client, editor)
    response = post_class(client, agency_a, [person], when=timezone.localdate() + timedelta(days=5))
    assert "cannot be in the future" in response.content.decode()
    assert not TrainingRecord.all_agencies.exists()


def test_a_class_with_nobody_ticked_says_so(client, agency_a, editor):
    login(client, editor)
    response = post_class(client, agency_a)
    assert "Tick at least one attendee" in response.content.decode()


def attendee_boxes(response) -> list[str]:
    """The employee IDs offered as attendee checkboxes."""
    box = r'<label class="usa-checkbox__label" for="attendee-\d+">[^<]*<span class="text-base">'
    return re.findall(box + r"\(([^)]+)\)</span>", response.content.decode())


def test_a_small_roster_is_listed_whole(client, agency_a, editor):
    PersonFactory(agency=agency_a, employee_id="S-1")
    PersonFactory(agency=agency_a, employee_id="S-2")
    login(client, editor)
    assert sorted(attendee_boxes(client.get(class_url(agency_a)))) == ["S-1", "S-2"]


def test_a_large_roster_is_searched_not_listed(client, agency_a, editor, monkeypatch):
    monkeypatch.setattr(training_queries, "CLASS_LIST_LIMIT", 3)
    for n in range(5):
        PersonFactory(agency=agency_a, employee_id=f"L-{n}", last_name=f"Name{n}")
    PersonFactory(agency=agency_a, employee_id="Q-9", last_name="Quarles")
    login(client, editor)
    page = client.get(class_url(agency_a))
    assert attendee_boxes(page) == []
    assert "The roster has 6 active people" in page.content.decode()
    assert attendee_boxes(client.get(class_url(agency_a), {"find": "quarl"})) == ["Q-9"]
    assert attendee_boxes(client.get(class_url(agency_a), {"find": "L-"})) == [
        f"L-{n}" for n in range(5)
    ]


def test_a_large_rosters_page_does_not_grow_with_the_roster(
    client, agency_a, editor, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(training_queries, "CLASS_FIND_LIMIT", 2)
    monkeypatch.setattr(training_queries, "CLASS_LIST_LIMIT", 3)
    PersonFactory.create_batch(8, agency=agency_a, last_name="Smith")
    login(client, editor)
    with django_assert_max_num_queries(12):
        page = client.get(class_url(agency_a), {"find": "smith"})
    assert len(attendee_boxes(page)) == 2


def test_people_ticked_from_a_search_stay_ticked_when_the_form_comes_back(
    client, agency_a, editor, monkeypatch
):
    monkeypatch.setattr(training_queries, "CLASS_LIST_LIMIT", 1)
    found = PersonFactory(agency=agency_a, employee_id="T-1", last_name="Tanaka")
    PersonFactory(agency=agency_a, employee_id="T-2", last_name="Other")
    login(client, editor)
    response = post_class(client, agency_a, [found], when=timezone.localdate() + timedelta(days=2))
    assert "cannot be in the future" in response.content.decode()
    assert attendee_boxes(response) == ["T-1"]
    assert f'value="{found.pk}" checked' in response.content.decode()
    assert not TrainingRecord.all_agencies.exists()


def test_a_forged_attendee_id_is_refused_not_a_server_error(client, agency_a, editor, monkeypatch):
    monkeypatch.setattr(training_queries, "CLASS_LIST_LIMIT", 0)
    PersonFactory(agency=agency_a)
    login(client, editor)
    response = client.post(
        class_url(agency_a),
        {"course": course(CourseKind.MHFA).pk, "completed_on": "2026-01-05", "attendees": ["x1"]},
    )
    assert response.status_code == 200 and "result" not in response.context
    assert not TrainingRecord.all_agencies.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_class_posted_twice_at_once_is_recorded_once(agency_a, editor):
    people = PersonFactory.create_batch(2, agency=agency_a)

    def post():
        return post_class(login(Client(), editor), agency_a, people)

    first, second = in_the_worst_order(
        post, post, pause_before=(type(TrainingRecord.objects), "bulk_create")
    )

    assert first.status_code == second.status_code == 200
    assert "Recorded for 2 people" in first.content.decode()
    second_page = second.content.decode()
    assert "Recorded for 0 people" in second_page and "Already recorded" in second_page
    assert TrainingRecord.all_agencies.filter(person__in=people).count() == 2
