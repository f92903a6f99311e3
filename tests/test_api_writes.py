"""The API's writes: a records system keeps the roster current (one person, a change, or
thousands keyed by employee ID) and a learning system the training records, all or nothing,
once per Idempotency-Key, in a constant number of queries, each change in the agency's trail
under the token that made it."""

import json
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
import time_machine
from django.utils import timezone

from agencies.models import AuditEvent, IdempotencyKey
from agencies.tokens.services import token_revoke
from pledges.models import ProgressSnapshot
from tests.api import assert_problem, token_of
from tests.factories import PersonFactory, TrainingRecordFactory, course
from training.models import CourseKind, CourseStatus, Person, Source, TrainingRecord

PEOPLE = "/api/v1/people"
PEOPLE_BULK = "/api/v1/people/bulk"
RECORDS = "/api/v1/training-records"
RECORDS_BULK = "/api/v1/training-records/bulk"
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def on_a_fixed_day():
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=UTC), tick=False):
        yield


def send(client, method, url, text, body, **headers):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {text}", **extra,
    )  # fmt: skip


def post(client, url, text, body, **headers):
    return send(client, "post", url, text, body, **headers)


def writer(agency, scope="write_people"):
    token, text = token_of(agency, "read", scope)
    return token, text


def people_items(count, *, start=0, **fields):
    return [
        {"employee_id": f"B{n:05d}", "last_name": f"Name{n}", "category": "sworn", **fields}
        for n in range(start, start + count)
    ]


def record_items(people, the_course, **fields):
    return [
        {"employee_id": p.employee_id, "course_id": str(the_course.public_id),
         "completed_on": "2026-03-02", **fields}
        for p in people
    ]  # fmt: skip


# One person


def test_adding_and_changing_one_person(client, agency_a):
    token, text = writer(agency_a)
    response = post(client, PEOPLE, text, {
        "employee_id": "A-1", "last_name": "Okafor", "first_name": "Ada", "category": "sworn",
        "hire_date": "2019-04-01",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.all_agencies.get(public_id=body["id"])
    assert (person.agency, person.last_name, person.status_changed_on) == (
        agency_a,
        "Okafor",
        TODAY,
    )

    response = send(client, "patch", f"{PEOPLE}/{person.public_id}", text, {
        "rank": "Sergeant", "status": "leave",
    })  # fmt: skip
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.rank, person.status, person.status_changed_on) == ("Sergeant", "leave", TODAY)
    events = AuditEvent.objects.filter(object_id=str(person.public_id)).order_by("id")
    assert [e.action for e in events] == [
        "person.created",
        "person.updated",
        "person.status_changed",
    ]
    assert {e.api_token_id for e in events} == {token.pk}
    assert all(e.actor is None and "RMS sync" in e.actor_email for e in events)


def test_one_person_refused_with_what_is_wrong(client, agency_a):
    PersonFactory(agency=agency_a, employee_id="A-1")
    _, text = writer(agency_a)
    body = assert_problem(post(client, PEOPLE, text, {
        "employee_id": "A-1", "last_name": "Twice", "category": "sworn",
    }), 422)  # fmt: skip
    assert "employee ID" in body["errors"][0]["message"]
    body = assert_problem(post(client, PEOPLE, text, {
        "employee_id": "A-2", "last_name": "Later", "category": "sworn", "hire_date": "2027-01-01",
    }), 422)  # fmt: skip
    assert body["errors"][0]["field"] == "hire_date"
    body = assert_problem(post(client, PEOPLE, text, {
        "employee_id": "A-2", "last_name": "Later", "category": "sworn", "status": "leave",
        "status_changed_on": "2026-07-01",
    }), 422)  # fmt: skip
    assert body["errors"][0]["field"] == "status_changed_on"
    body = assert_problem(post(client, PEOPLE, text, {"employee_id": "A-3"}), 422)
    assert {tuple(e["loc"][-1:]) for e in body["errors"]} == {("last_name",), ("category",)}
    assert Person.all_agencies.filter(agency=agency_a).count() == 1


def test_another_agencys_person_is_not_found(client, agency_a, agency_b):
    theirs = PersonFactory(agency=agency_b, rank="Deputy")
    _, text = writer(agency_a)
    assert_problem(send(client, "patch", f"{PEOPLE}/{theirs.public_id}", text, {"rank": "X"}), 404)
    theirs.refresh_from_db()
    assert theirs.rank == "Deputy"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", PEOPLE, {"employee_id": "A-1", "last_name": "Ng", "category": "sworn"}),
        ("post", PEOPLE_BULK, {"items": people_items(1)}),
        ("post", RECORDS_BULK, {"items": []}),
    ],
)
def test_a_token_without_the_scope_gets_403_and_a_dead_one_401(
    client, agency_a, coordinator, method, url, body
):
    _, read_only = token_of(agency_a, "read")
    assert_problem(send(client, method, url, read_only, body), 403)
    token, text = token_of(agency_a, "write_people", "write_training")
    token_revoke(agency=agency_a, actor=coordinator, token=token)
    assert_problem(send(client, method, url, text, body), 401)
    _, text = token_of(agency_a, "write_people", "write_training", valid_days=30)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert_problem(send(client, method, url, text, body), 401)
    assert not Person.all_agencies.exists()


# Many people


def test_bulk_adds_the_new_and_updates_the_known(client, agency_a, agency_b):
    before = timezone.now() - timedelta(days=3)
    known = PersonFactory(
        agency=agency_a, employee_id="B00001", last_name="Old", rank="Officer", updated_at=before
    )
    same = PersonFactory(
        agency=agency_a, employee_id="B00002", last_name="Name2", rank="", updated_at=before
    )
    PersonFactory(agency=agency_b, employee_id="B00000", last_name="Theirs")
    token, text = writer(agency_a)
    items = people_items(3)
    items[1]["rank"] = "Sergeant"
    response = post(client, PEOPLE_BULK, text, {"items": items})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 1)
    assert [i["action"] for i in body["items"]] == ["created", "updated", "unchanged"]
    known.refresh_from_db()
    assert (known.last_name, known.rank, str(known.public_id)) == (
        "Name1", "Sergeant", body["items"][1]["id"],
    )  # fmt: skip
    same.refresh_from_db()
    assert (same.updated_at, known.updated_at) == (before, timezone.now())
    created = Person.all_agencies.get(agency=agency_a, employee_id="B00000")
    assert (created.status, created.status_changed_on) == ("active", TODAY)
    assert Person.all_agencies.get(agency=agency_b).last_name == "Theirs"
    events = {e.object_id: e for e in AuditEvent.objects.filter(agency=agency_a, api_token=token)}
    assert set(events) == {str(created.public_id), str(known.public_id)}  # nothing unchanged
    assert events[str(known.public_id)].changes == {
        "last_name": ["Old", "Name1"], "rank": ["Officer", "Sergeant"],
    }  # fmt: skip
    assert events[str(created.public_id)].action == "person.created"
    assert all(e.actor is None and "RMS sync" in e.actor_email for e in events.values())
    assert "“Name0” (employee ID B00000)" in events[str(created.public_id)].object_repr


def test_a_status_change_in_bulk_dates_itself_today_unless_told(client, agency_a):
    PersonFactory(agency=agency_a, employee_id="B00000", status_changed_on=date(2020, 1, 1))
    PersonFactory(agency=agency_a, employee_id="B00001", status_changed_on=date(2020, 1, 1))
    _, text = writer(agency_a)
    items = people_items(2, status="separated")
    items[1]["status_changed_on"] = "2026-05-31"
    assert post(client, PEOPLE_BULK, text, {"items": items}).status_code == 200
    people = Person.all_agencies.order_by("employee_id")
    assert [(p.status, p.status_changed_on) for p in people] == [
        ("separated", TODAY), ("separated", date(2026, 5, 31)),
    ]  # fmt: skip


def test_bulk_is_all_or_nothing_with_every_problem_listed(client, agency_a):
    PersonFactory(agency=agency_a, employee_id="B00001", last_name="Kept")
    _, text = writer(agency_a)
    items = people_items(4)
    items[1]["hire_date"] = "2030-01-01"
    items[2]["email"] = "not an address"
    items[3]["employee_id"] = "B00000"  # twice in one request
    body = assert_problem(post(client, PEOPLE_BULK, text, {"items": items}), 422)
    found = {(e["index"], e["employee_id"], e["field"]) for e in body["errors"]}
    assert found == {
        (1, "B00001", "hire_date"),
        (2, "B00002", "email"),
        (3, "B00000", "employee_id"),
    }
    assert all(e["message"] for e in body["errors"])
    assert list(Person.all_agencies.values_list("last_name", flat=True)) == ["Kept"]
    assert not AuditEvent.objects.filter(action__startswith="person.").exists()


def test_a_malformed_item_names_its_index(client, agency_a):
    _, text = writer(agency_a)
    items = people_items(3)
    items[2]["category"] = "cadet"
    items[1]["hire_date"] = "last spring"
    body = assert_problem(post(client, PEOPLE_BULK, text, {"items": items}), 422)
    found = {(e["index"], e["employee_id"], e["field"]) for e in body["errors"]}
    assert found == {(1, "B00001", "hire_date"), (2, "B00002", "category")}
    too_many = people_items(5001)
    assert_problem(post(client, PEOPLE_BULK, text, {"items": too_many}), 422)
    assert not Person.all_agencies.exists()


def test_the_same_key_and_body_answer_once(client, agency_a):
    _, text = writer(agency_a)
    body = {"items": people_items(3)}
    first = post(client, PEOPLE_BULK, text, body, **{"Idempotency-Key": "sync-1"})
    assert first.status_code == 200
    Person.all_agencies.filter(employee_id="B00000").update(last_name="Changed since")
    again = post(client, PEOPLE_BULK, text, body, **{"Idempotency-Key": "sync-1"})
    assert (again.status_code, again.json()) == (200, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Person.all_agencies.get(employee_id="B00000").last_name == "Changed since"
    assert AuditEvent.objects.filter(action="person.created").count() == 3

    cleared = {"items": [dict(item, rank="") for item in body["items"]]}  # not the same request
    assert_problem(post(client, PEOPLE_BULK, text, cleared, **{"Idempotency-Key": "sync-1"}), 422)
    other = {"items": people_items(1, start=9)}
    body = assert_problem(
        post(client, PEOPLE_BULK, text, other, **{"Idempotency-Key": "sync-1"}), 422
    )
    assert "Idempotency-Key" in body["detail"]
    assert not Person.all_agencies.filter(employee_id="B00009").exists()


def test_a_key_holds_for_a_day_and_a_refused_request_leaves_it_free(client, agency_a):
    _, text = writer(agency_a)
    bad = {"items": people_items(1, hire_date="2030-01-01")}
    assert_problem(post(client, PEOPLE_BULK, text, bad, **{"Idempotency-Key": "k"}), 422)
    good = {"items": people_items(1)}
    assert post(client, PEOPLE_BULK, text, good, **{"Idempotency-Key": "k"}).status_code == 200
    assert IdempotencyKey.all_agencies.get(key="k").agency == agency_a
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        other = {"items": people_items(1, start=5)}
        assert post(client, PEOPLE_BULK, text, other, **{"Idempotency-Key": "k"}).status_code == 200
    assert Person.all_agencies.count() == 2


def test_keys_are_the_agencys_own(client, agency_a, agency_b):
    _, text_a = writer(agency_a)
    _, text_b = writer(agency_b)
    body = {"items": people_items(1)}
    assert post(client, PEOPLE_BULK, text_a, body, **{"Idempotency-Key": "x"}).status_code == 200
    assert post(client, PEOPLE_BULK, text_b, body, **{"Idempotency-Key": "x"}).status_code == 200
    assert Person.all_agencies.filter(employee_id="B00000").count() == 2


def test_a_single_create_is_idempotent_too(client, agency_a):
    _, text = writer(agency_a)
    body = {"employee_id": "A-1", "last_name": "Ng", "category": "sworn"}
    first = post(client, PEOPLE, text, body, **{"Idempotency-Key": "one"})
    again = post(client, PEOPLE, text, body, **{"Idempotency-Key": "one"})
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert Person.all_agencies.count() == 1


def bulk_queries(client, text, django_assert_num_queries, items, url=PEOPLE_BULK):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = post(client, url, text, {"items": items}, **{"Idempotency-Key": str(len(items))})
    assert response.status_code == 200, response.content
    return len(queries)


def test_bulk_people_take_the_same_queries_for_10_or_200(
    client, agency_a, django_assert_num_queries
):
    _, text = writer(agency_a)
    post(client, PEOPLE, text, {"employee_id": "warm", "last_name": "Up", "category": "sworn"})
    PersonFactory.create_batch(5, agency=agency_a, employee_id=factory_ids("B", 5))
    small = bulk_queries(client, text, django_assert_num_queries, people_items(10, rank="Sgt"))
    PersonFactory.create_batch(100, agency=agency_a, employee_id=factory_ids("C", 100))
    large = bulk_queries(
        client, text, django_assert_num_queries,
        [dict(i, employee_id="C" + i["employee_id"][1:]) for i in people_items(200, rank="Lt")],
    )  # fmt: skip
    assert small == large
    assert small <= 16  # the token, the key claimed, the roster read, one upsert, the trail


def factory_ids(prefix, count):
    import factory

    return factory.Iterator([f"{prefix}{n:05d}" for n in range(count)])


# Training records


@pytest.fixture
def cit():
    return course(CourseKind.CIT)


def test_bulk_records_add_update_and_recompute_progress(
    client, agency_a, cit, django_capture_on_commit_callbacks
):
    people = [PersonFactory(agency=agency_a, employee_id=f"R{n}") for n in range(3)]
    held = TrainingRecordFactory(
        person=people[0], course=cit, completed_on=date(2026, 3, 2), hours=10
    )
    token, text = writer(agency_a, "write_training")
    items = record_items(people, cit, hours="40")
    items[1]["external_id"] = "LMS-77"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, RECORDS_BULK, text, {"items": items})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["action"] for i in body["items"]] == ["updated", "created", "created"]
    held.refresh_from_db()
    assert (held.hours, held.source) == (40, Source.ENTERED)
    new = TrainingRecord.all_agencies.get(external_id="LMS-77")
    day = date(2026, 3, 2)
    assert (new.person, new.source, new.valid_until, new.refresher_due_on) == (
        people[1], Source.API, cit.valid_until(day), cit.refresher_due(day),
    )  # fmt: skip
    snapshot = ProgressSnapshot.all_agencies.get(agency=agency_a)
    assert snapshot.in_scope == 3
    actions = AuditEvent.objects.filter(api_token=token).values_list("action", flat=True)
    assert sorted(actions) == ["record.created", "record.created", "record.updated"]

    # Found again by the caller's id: the day moved, the dates that follow from it too.
    items = [dict(items[1], completed_on="2026-04-01")]
    assert post(client, RECORDS_BULK, text, {"items": items}).json()["updated"] == 1
    new.refresh_from_db()
    assert (new.completed_on, new.valid_until) == (
        date(2026, 4, 1),
        cit.valid_until(date(2026, 4, 1)),
    )
    assert TrainingRecord.all_agencies.count() == 3


def test_a_held_record_takes_the_callers_id(client, agency_a, cit):
    person = PersonFactory(agency=agency_a, employee_id="R1")
    held = TrainingRecordFactory(person=person, course=cit, completed_on=date(2026, 3, 2))
    _, text = writer(agency_a, "write_training")
    items = record_items([person], cit, external_id="LMS-1")
    assert (
        post(client, RECORDS_BULK, text, {"items": items}).json()["items"][0]["action"] == "updated"
    )
    held.refresh_from_db()
    assert held.external_id == "LMS-1"


def test_bulk_records_all_or_nothing(client, agency_a, agency_b, cit):
    mine = PersonFactory(agency=agency_a, employee_id="R1")
    PersonFactory(agency=agency_b, employee_id="THEIRS")
    rejected = course(CourseKind.MHFA).__class__.objects.create(
        name="Our own CIT", kind=CourseKind.CIT_EQUIVALENT, hours=40, agency=agency_a,
        status=CourseStatus.REJECTED,
    )  # fmt: skip
    _, text = writer(agency_a, "write_training")
    items = [
        *record_items([mine], cit),
        {"employee_id": "THEIRS", "course_id": str(cit.public_id), "completed_on": "2026-03-02"},
        *record_items([mine], rejected),
        *record_items([mine], cit, completed_on="1969-12-31"),
        *record_items([mine], cit),  # item 0 again
    ]
    body = assert_problem(post(client, RECORDS_BULK, text, {"items": items}), 422)
    found = {(e["index"], e["field"]) for e in body["errors"]}
    assert found == {(1, "employee_id"), (2, "course_id"), (3, "completed_on"), (4, "completed_on")}
    assert not TrainingRecord.all_agencies.exists()


def test_external_ids_are_the_agencys_own_and_never_collide(client, agency_a, agency_b, cit):
    theirs = TrainingRecordFactory(person=PersonFactory(agency=agency_b), external_id="X-1")
    people = [PersonFactory(agency=agency_a, employee_id=f"R{n}") for n in range(2)]
    _, text = writer(agency_a, "write_training")
    response = post(
        client, RECORDS_BULK, text, {"items": record_items(people[:1], cit, external_id="X-1")}
    )
    assert response.json()["created"] == 1
    theirs.refresh_from_db()
    assert (theirs.agency, theirs.person.agency) == (agency_b, agency_b)
    # The caller's id moved onto a day the person already holds under another id.
    other_day = record_items(people[:1], cit, external_id="X-2", completed_on="2026-04-01")
    assert post(client, RECORDS_BULK, text, {"items": other_day}).status_code == 200
    moved = record_items(people[:1], cit, external_id="X-1", completed_on="2026-04-01")
    body = assert_problem(post(client, RECORDS_BULK, text, {"items": moved}), 422)
    assert [(e["index"], e["field"]) for e in body["errors"]] == [(0, "completed_on")]
    # The same day under another id of the caller's is refused, not merged.
    again = record_items(people[:1], cit, external_id="X-3")
    body = assert_problem(post(client, RECORDS_BULK, text, {"items": again}), 422)
    assert "X-1" in body["errors"][0]["message"]


def test_an_agencys_approved_or_proposed_course_is_recordable(client, agency_a):
    from training.models import Course

    own = Course.objects.create(
        name="County CIT", kind=CourseKind.CIT_EQUIVALENT, hours=40, agency=agency_a,
        status=CourseStatus.PROPOSED,
    )  # fmt: skip
    theirs = Course.objects.create(
        name="Their CIT", kind=CourseKind.CIT_EQUIVALENT, hours=40,
        agency=PersonFactory().agency, status=CourseStatus.APPROVED,
    )  # fmt: skip
    person = PersonFactory(agency=agency_a, employee_id="R1")
    _, text = writer(agency_a, "write_training")
    assert (
        post(client, RECORDS_BULK, text, {"items": record_items([person], own)}).status_code == 200
    )
    body = assert_problem(
        post(client, RECORDS_BULK, text, {"items": record_items([person], theirs)}), 422
    )
    assert body["errors"][0]["field"] == "course_id"


def test_records_bulk_is_idempotent(client, agency_a, cit):
    person = PersonFactory(agency=agency_a, employee_id="R1")
    _, text = writer(agency_a, "write_training")
    body = {"items": record_items([person], cit, external_id="L-1")}
    first = post(client, RECORDS_BULK, text, body, **{"Idempotency-Key": "lms-7"})
    again = post(client, RECORDS_BULK, text, body, **{"Idempotency-Key": "lms-7"})
    assert (again.status_code, again.json()) == (200, first.json())
    assert AuditEvent.objects.filter(action="record.created").count() == 1
    body["items"][0]["hours"] = "8"
    assert_problem(post(client, RECORDS_BULK, text, body, **{"Idempotency-Key": "lms-7"}), 422)


def test_bulk_records_take_the_same_queries_for_10_or_200(
    client, agency_a, cit, django_assert_num_queries
):
    _, text = writer(agency_a, "write_training")
    people = PersonFactory.create_batch(200, agency=agency_a)
    mhfa = course(CourseKind.MHFA)
    post(client, RECORDS_BULK, text, {"items": record_items(people[:1], mhfa)})  # warm up
    for n in (0, 1, 2):  # some held already: updated
        TrainingRecordFactory(person=people[n], course=cit, completed_on=date(2026, 3, 2))
    small = bulk_queries(
        client, text, django_assert_num_queries, record_items(people[:10], cit, hours="9"),
        url=RECORDS_BULK,
    )  # fmt: skip
    for n in (10, 11, 12):
        TrainingRecordFactory(person=people[n], course=cit, completed_on=date(2026, 3, 2))
    large = bulk_queries(
        client, text, django_assert_num_queries,
        record_items(people, cit, hours="9", completed_on="2026-03-02"), url=RECORDS_BULK,
    )  # fmt: skip
    assert small == large


def test_reading_training_records(client, agency_a, agency_b, cit, django_assert_num_queries):
    mine = [TrainingRecordFactory(person=PersonFactory(agency=agency_a)) for _ in range(3)]
    theirs = TrainingRecordFactory(person=PersonFactory(agency=agency_b))
    _, text = token_of(agency_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    client.get(RECORDS, **auth)  # the token's last use noted
    with django_assert_num_queries(2):  # the token, the page (people and courses joined)
        body = client.get(RECORDS, {"limit": 2}, **auth).json()
    assert [i["id"] for i in body["items"]] == [str(r.public_id) for r in mine[:2]]
    rest = client.get(RECORDS, {"cursor": body["next_cursor"]}, **auth).json()
    assert [i["id"] for i in rest["items"]] == [str(mine[2].public_id)]
    one = client.get(f"{RECORDS}/{mine[0].public_id}", **auth).json()
    assert (one["employee_id"], one["course_id"]) == (
        mine[0].person.employee_id, str(mine[0].course.public_id),
    )  # fmt: skip
    assert_problem(client.get(f"{RECORDS}/{theirs.public_id}", **auth), 404)


def test_records_changed_since(client, agency_a, cit):
    old = TrainingRecordFactory(person=PersonFactory(agency=agency_a))
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        changed = TrainingRecordFactory(person=PersonFactory(agency=agency_a))
    _, text = token_of(agency_a)
    body = client.get(
        RECORDS, {"updated_since": later.isoformat()}, HTTP_AUTHORIZATION=f"Bearer {text}"
    ).json()
    assert [i["id"] for i in body["items"]] == [str(changed.public_id)]
    assert old.updated_at == old.created_at


def test_every_write_documents_its_answers(client):
    schema = client.get("/api/schema/").json()
    for path in (PEOPLE, PEOPLE_BULK, RECORDS, RECORDS_BULK, f"{PEOPLE}/{{person_id}}"):
        for method, operation in schema["paths"][path].items():
            expected = {"401", "403", "422"} | ({"404"} if "{" in path else set())
            assert expected <= set(operation["responses"]), (path, method)
    bulk = schema["paths"][PEOPLE_BULK]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in bulk["parameters"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_twice_at_once_writes_once(agency_a):
    from django.test import Client

    from tests.races import in_the_worst_order
    from training import upserts

    _, text = writer(agency_a)
    body = {"items": people_items(3)}

    def send_it():
        return post(Client(), PEOPLE_BULK, text, body, **{"Idempotency-Key": "double"})

    first, second = in_the_worst_order(send_it, send_it, pause_before=(upserts, "upsert_rows"))

    assert first.status_code == second.status_code == 200, (first.content, second.content)
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert Person.all_agencies.count() == 3
    assert AuditEvent.objects.filter(action="person.created").count() == 3


def test_the_courses_a_record_may_name(client, agency_a, agency_b, django_assert_num_queries):
    from training.models import Course

    own = Course.objects.create(
        name="County CIT", kind=CourseKind.CIT_EQUIVALENT, hours=40, agency=agency_a,
        status=CourseStatus.PROPOSED,
    )  # fmt: skip
    Course.objects.create(
        name="Refused CIT", kind=CourseKind.CIT_EQUIVALENT, hours=40, agency=agency_a,
        status=CourseStatus.REJECTED,
    )  # fmt: skip
    Course.objects.create(
        name="Their CIT", kind=CourseKind.CIT_EQUIVALENT, hours=40, agency=agency_b
    )
    _, text = token_of(agency_a)
    client.get("/api/v1/courses", HTTP_AUTHORIZATION=f"Bearer {text}")  # its last use noted
    with django_assert_num_queries(2):  # the token, the courses
        body = client.get("/api/v1/courses", HTTP_AUTHORIZATION=f"Bearer {text}").json()
    names = {c["name"]: c for c in body["items"]}
    assert names["County CIT"] == names["County CIT"] | {
        "id": str(own.public_id),
        "program": False,
        "status": "proposed",
    }
    assert names[course(CourseKind.CIT).name]["program"] is True
    # A refused proposal is listed as such (a record naming it is refused); B's is not listed.
    assert (names["Refused CIT"]["status"], names["Refused CIT"]["counts"]) == ("rejected", False)
    assert "Their CIT" not in names


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (PEOPLE, {"employee_id": "N1\u0000", "last_name": "Okafor", "category": "sworn"}),
        (PEOPLE_BULK, {"items": people_items(1, last_name="Oka\u0000for")}),
        (RECORDS_BULK, {"items": [{"external_id": "LMS-\u00001", "employee_id": "B00000",
                                   "course_id": str(uuid4()), "completed_on": "2026-03-02"}]}),
    ],
)  # fmt: skip
def test_text_with_a_nul_character_is_a_problem_not_a_crash(client, agency_a, url, body):
    """No database column takes U+0000 (PostgreSQL refuses it outright): 422, nothing written."""
    _, text = token_of(agency_a, "write_people", "write_training")
    response = post(client, url, text, body)
    assert response.status_code == 422, response.content
    assert "NUL" in str(response.json()["errors"])
    assert not Person.all_agencies.exists()


def test_an_unforeseen_error_is_a_problem_too(client, agency_a, monkeypatch):
    from training import api

    def broken(**kwargs):
        raise RuntimeError("the database went away mid-write")

    monkeypatch.setattr(api, "people_upsert", broken)
    _, text = writer(agency_a)
    response = post(client, PEOPLE_BULK, text, {"items": people_items(1)})
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "database" not in response.content.decode()
