"""The roster's people: adding, editing, status changes, and who is in the pledge's scope."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from agencies.hooks import evidence_changed
from agencies.models import AuditEvent
from tests.conftest import login
from tests.factories import PersonFactory
from tests.forms import NEW_PERSON
from training.models import Person, Status, TrainingRecord


def url(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


def test_an_editor_adds_a_person_and_the_change_is_audited_and_announced(
    client, agency_a, editor, django_capture_on_commit_callbacks
):
    heard = []
    evidence_changed.connect(
        lambda agency, **kw: heard.append(agency), weak=False, dispatch_uid="t"
    )
    login(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("person_create", agency_a), NEW_PERSON)
    evidence_changed.disconnect(dispatch_uid="t")
    person = Person.all_agencies.get(agency=agency_a)
    assert response["Location"] == url("person_detail", agency_a, person_id=person.public_id)
    assert (person.employee_id, person.in_scope) == ("1042", True)
    assert AuditEvent.objects.filter(action="person.created", agency=agency_a).exists()
    assert heard == [agency_a]


def test_a_duplicate_employee_id_is_refused_on_the_form(client, agency_a, editor):
    PersonFactory(agency=agency_a, employee_id="1042")
    login(client, editor)
    response = client.post(url("person_create", agency_a), NEW_PERSON)
    assert response.status_code == 200
    assert "already has this employee ID" in response.content.decode()
    assert Person.all_agencies.filter(agency=agency_a).count() == 1


def test_the_same_employee_id_in_another_agency_is_fine(client, agency_a, agency_b, editor):
    PersonFactory(agency=agency_b, employee_id="1042")
    login(client, editor)
    assert client.post(url("person_create", agency_a), NEW_PERSON).status_code == 302


def test_a_viewer_cannot_add_people(client, agency_a, viewer):
    login(client, viewer)
    assert client.post(url("person_create", agency_a), NEW_PERSON).status_code == 403
    assert not Person.all_agencies.exists()


@pytest.mark.parametrize(
    ("category", "selected", "status", "in_scope"),
    [
        ("sworn", False, Status.ACTIVE, True),
        ("non_sworn", True, Status.ACTIVE, True),
        ("non_sworn", False, Status.ACTIVE, False),
        ("sworn", False, Status.LEAVE, False),
        ("sworn", False, Status.SEPARATED, False),
    ],
)
def test_who_is_in_scope(agency_a, category, selected, status, in_scope):
    person = PersonFactory(agency=agency_a, category=category, selected=selected, status=status)
    assert person.in_scope is in_scope


def test_separating_someone_keeps_them_and_their_history(client, agency_a, editor):
    from tests.factories import TrainingRecordFactory

    record = TrainingRecordFactory(person=PersonFactory(agency=agency_a))
    person = record.person
    login(client, editor)
    response = client.post(
        url("person_status", agency_a, person_id=person.public_id),
        {"status": "separated", "since": "2026-10-01"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.status, person.status_changed_on) == ("separated", date(2026, 10, 1))
    assert TrainingRecord.all_agencies.filter(person=person).count() == 1
    event = AuditEvent.objects.get(action="person.status_changed")
    assert event.changes["status"] == ["active", "separated"]


def test_a_status_date_in_the_future_is_refused(client, agency_a, editor):
    person = PersonFactory(agency=agency_a)
    login(client, editor)
    response = client.post(
        url("person_status", agency_a, person_id=person.public_id),
        {"status": "leave", "since": "2999-01-01"},
    )
    assert "cannot be in the future" in response.content.decode()
    person.refresh_from_db()
    assert person.status == "active"


def test_editing_records_only_what_changed(client, agency_a, editor):
    person = PersonFactory(agency=agency_a, employee_id="77", rank="Officer", last_name="Ng")
    login(client, editor)
    data = {
        **NEW_PERSON,
        "employee_id": "77",
        "last_name": "Ng",
        "first_name": person.first_name,
        "rank": "Sergeant",
        "hire_date": "",
    }
    client.post(url("person_edit", agency_a, person_id=person.public_id), data)
    event = AuditEvent.objects.get(action="person.updated")
    assert event.changes["rank"] == ["Officer", "Sergeant"]
    assert "employee_id" not in event.changes


def test_person_page_queries_do_not_grow_with_history(
    client, agency_a, viewer, django_assert_max_num_queries
):
    from tests.factories import TrainingRecordFactory

    person = PersonFactory(agency=agency_a)
    TrainingRecordFactory(person=person)
    login(client, viewer)
    path = url("person_detail", agency_a, person_id=person.public_id)
    with django_assert_max_num_queries(20) as few:
        assert client.get(path).status_code == 200
    for days in range(40, 60):
        TrainingRecordFactory(person=person, completed_on=date(2025, 1, 1) + timedelta(days=days))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(path).status_code == 200
    # The person's agency comes with the person, not in a query of its own.
    assert not [q for q in many.captured_queries if q["sql"].startswith('SELECT "agencies_agency"')]
