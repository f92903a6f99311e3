"""A regional class: recorded once by a region's coordinator, each attendee's record in their
own agency's roster (matched by its employee ID) or waiting for the agency to decide; one
attendance sheet as the evidence on every record; nothing of a roster shown to the region
unless the agency shares it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies import documents
from agencies.documents import EVIDENCE_TYPES, check_upload
from agencies.hooks import evidence_changed
from agencies.models import (
    AuditEvent,
    Document,
    MemberAgency,
    MemberAgencyStatus,
    RegionRole,
    Role,
    Sharing,
)
from tests import files
from tests.conftest import login, member
from tests.factories import (
    AgencyFactory,
    ClassAttendeeFactory,
    MemberAgencyFactory,
    PersonFactory,
    RegionalClassFactory,
    RegionFactory,
    RegionMembershipFactory,
    UserFactory,
    course,
)
from training.models import (
    AttendeeStatus,
    ClassAttendee,
    CourseKind,
    RegionalClass,
    Status,
    TrainingRecord,
)
from training.regional import services
from training.regional.services import Attendee

CLASS_DAY = timezone.localdate() - timedelta(days=2)


@pytest.fixture
def region(db):
    return RegionFactory(name="Harlan Valley Crisis Collaborative", slug="harlan-valley")


@pytest.fixture
def region_coordinator(region):
    return RegionMembershipFactory(
        region=region, role=RegionRole.COORDINATOR, user=UserFactory(email="lead@valley.example")
    ).user


@pytest.fixture
def members(region, agency_a, agency_b):
    """Agency A shares its roster with the region; agency B its progress only."""
    agency_a.ori = "NY0010000"
    agency_a.save(update_fields=["ori"])
    MemberAgencyFactory(region=region, agency=agency_a, sharing=Sharing.ROSTER)
    MemberAgencyFactory(region=region, agency=agency_b, sharing=Sharing.PROGRESS)
    return agency_a, agency_b


@pytest.fixture
def rosters(members):
    agency_a, agency_b = members
    return {
        "a1": PersonFactory(agency=agency_a, employee_id="A-1", last_name="Okafor"),
        "b1": PersonFactory(agency=agency_b, employee_id="B-1", last_name="Lindqvist"),
        "b_other": PersonFactory(agency=agency_b, employee_id="B-7", last_name="Novak"),
    }


def r_url(name, region, **kwargs):
    return reverse(name, kwargs={"region_slug": region.slug, **kwargs})


def a_url(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


def class_post(rows=(), **fields):
    """The recording form's fields, with `rows` as (agency, employee ID, first, last)."""
    data = {
        "course": course(CourseKind.CIT).pk,
        "completed_on": CLASS_DAY.isoformat(),
        "instructor": "Sgt. Maria Alvarez",
        "hours": "40",
        "attendance_sheet": files.pdf("Attendance 2026-03.pdf"),
        "attendee-TOTAL_FORMS": str(len(rows)),
        "attendee-INITIAL_FORMS": "0",
    }
    for n, (agency, employee_id, first, last) in enumerate(rows):
        data.update(
            {
                f"attendee-{n}-agency": agency.pk if agency else "",
                f"attendee-{n}-employee_id": employee_id,
                f"attendee-{n}-first_name": first,
                f"attendee-{n}-last_name": last,
            }
        )
    data.update(fields)
    return data


@pytest.fixture
def recorded(client, region, region_coordinator, members, rosters, private_files,
             django_capture_on_commit_callbacks):  # fmt: skip
    """The class of the story: from A, one matched and one pending; from B the same."""
    agency_a, agency_b = members
    login(client, region_coordinator)
    rows = [
        (agency_a, "A-1", "Ada", "Okafor"),
        (agency_a, "A-404", "Sam", "Whitlock"),
        (agency_b, "B-1", "Eli", "Lindqvist"),
        (agency_b, "B-x", "Tom", "Novak"),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(r_url("regional_class_create", region), class_post(rows))
    assert response.status_code == 302, response.content.decode()
    regional_class = RegionalClass.all_regions.get()
    assert response["Location"] == r_url(
        "regional_class_detail", region, class_id=regional_class.public_id
    )
    return regional_class, callbacks


def test_each_attendee_lands_in_their_own_agency_matched_or_pending(recorded, members, rosters):
    regional_class, _ = recorded
    agency_a, agency_b = members
    records = TrainingRecord.all_agencies.select_related("person", "evidence")
    assert {(r.agency_id, r.person.employee_id) for r in records} == {
        (agency_a.pk, "A-1"),
        (agency_b.pk, "B-1"),
    }
    assert all(r.course.kind == CourseKind.CIT and r.completed_on == CLASS_DAY for r in records)
    assert all(r.hours == 40 for r in records)
    statuses = dict(ClassAttendee.all_agencies.values_list("employee_id", "status"))
    assert statuses == {
        "A-1": AttendeeStatus.MATCHED,
        "A-404": AttendeeStatus.PENDING,
        "B-1": AttendeeStatus.MATCHED,
        "B-x": AttendeeStatus.PENDING,
    }
    matched = ClassAttendee.all_agencies.get(employee_id="A-1")
    assert matched.person == rosters["a1"] and matched.record.person == rosters["a1"]


def test_one_sheet_is_the_evidence_on_every_record_each_agency_holding_its_own_row(
    recorded, members, private_files
):
    regional_class, _ = recorded
    agency_a, agency_b = members
    documents = list(Document.all_agencies.all())
    assert {d.agency_id for d in documents} == {agency_a.pk, agency_b.pk}
    assert len({d.file.name for d in documents}) == 1 == len(private_files())
    assert {d.sha256 for d in documents} == {regional_class.sheet_sha256}
    assert {d.filename for d in documents} == {"Attendance 2026-03.pdf"}
    for record in TrainingRecord.all_agencies.select_related("evidence"):
        assert record.evidence.agency_id == record.agency_id  # each inside its own agency
    for attendee in ClassAttendee.all_agencies.select_related("evidence"):
        assert attendee.evidence.agency_id == attendee.agency_id


def test_each_agencys_progress_is_recomputed_once_the_class_commits(recorded, members):
    _, callbacks = recorded
    heard = []
    evidence_changed.connect(receiver := lambda agency, **kw: heard.append(agency.pk))
    try:
        for callback in callbacks:
            callback()
    finally:
        evidence_changed.disconnect(receiver)
    assert set(heard) == {agency.pk for agency in members}


def test_the_region_sees_attendees_of_an_agency_sharing_its_roster_only(client, recorded, region):
    regional_class, _ = recorded
    page = client.get(r_url("regional_class_detail", region, class_id=regional_class.public_id))
    text = page.content.decode()
    assert page.status_code == 200
    # A shares its roster: each attendee and what became of them.
    assert "A-1" in text and "A-404" in text
    assert 'data-attendee-status="matched"' in text and 'data-attendee-status="pending"' in text
    # B shares progress only: nothing tells which employee ID matched, not even a count.
    assert "B-1" not in text and "B-x" not in text and "Lindqvist" not in text
    assert "2 attendees sent to the agency." in text
    assert "The agency is checking them against its roster." in text
    assert text.count("data-attendee-status") == 2


def test_once_the_agency_has_decided_the_region_sees_its_count(
    client, recorded, region, members, coordinator_b, region_coordinator
):
    regional_class, _ = recorded
    _, agency_b = members
    pending = ClassAttendee.all_agencies.get(employee_id="B-x")
    services.attendee_reject(agency=agency_b, actor=coordinator_b, attendee=pending)
    login(client, region_coordinator)
    text = client.get(
        r_url("regional_class_detail", region, class_id=regional_class.public_id)
    ).content.decode()
    assert "The agency recorded the class for 1 of them." in text
    assert "B-x" not in text and "B-1" not in text


def test_the_agency_confirms_a_pending_attendee_as_a_person_on_its_roster(
    client, recorded, members, rosters, coordinator_b, django_capture_on_commit_callbacks
):
    _, agency_b = members
    pending = ClassAttendee.all_agencies.get(employee_id="B-x")
    login(client, coordinator_b)
    listing = client.get(a_url("pending_attendee_list", agency_b)).content.decode()
    assert "Novak" in listing and "B-x" in listing and "Whitlock" not in listing  # A's
    page = client.get(a_url("pending_attendee", agency_b, attendee_id=pending.public_id))
    # The sheet's last name finds the person on the roster (of another employee ID).
    assert [p.employee_id for p in page.context["candidates"]] == ["B-7"]

    heard = []
    evidence_changed.connect(receiver := lambda agency, **kw: heard.append(agency.pk))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                a_url("pending_attendee", agency_b, attendee_id=pending.public_id),
                {"decision": "confirm", "person": rosters["b_other"].public_id},
            )
    finally:
        evidence_changed.disconnect(receiver)

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == AttendeeStatus.CONFIRMED and pending.person == rosters["b_other"]
    record = TrainingRecord.all_agencies.get(person=rosters["b_other"])
    assert pending.record == record and record.evidence == pending.evidence
    assert record.evidence.agency == agency_b and heard == [agency_b.pk]
    event = AuditEvent.objects.get(action="regional_class.attendee_confirmed")
    assert event.agency == agency_b and event.actor == coordinator_b
    assert event.changes["status"] == ["pending", "confirmed"]


def test_the_agency_rejects_a_pending_attendee_and_nothing_is_written(
    client, recorded, members, editor
):
    agency_a, _ = members
    pending = ClassAttendee.all_agencies.get(employee_id="A-404")
    login(client, editor)  # an editor of A: confirming is data entry, as recording a class is
    response = client.post(
        a_url("pending_attendee", agency_a, attendee_id=pending.public_id), {"decision": "reject"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == AttendeeStatus.REJECTED and pending.decided_by == editor
    assert TrainingRecord.all_agencies.filter(agency=agency_a).count() == 1  # A-1 only
    assert AuditEvent.objects.filter(
        action="regional_class.attendee_rejected", agency=agency_a
    ).exists()
    # Decided: no longer offered, and a second decision is refused.
    assert client.get(a_url("pending_attendee_list", agency_a)).context["attendees"] == []
    again = client.post(
        a_url("pending_attendee", agency_a, attendee_id=pending.public_id),
        {"decision": "confirm", "person": PersonFactory(agency=agency_a).public_id},
    )
    assert (
        again.status_code == 302
        and not TrainingRecord.all_agencies.filter(
            agency=agency_a, person__employee_id__startswith="E"
        ).exists()
    )


def test_confirming_needs_a_person_and_only_one_on_the_agencys_roster(
    client, recorded, members, rosters, coordinator
):
    agency_a, _ = members
    pending = ClassAttendee.all_agencies.get(employee_id="A-404")
    url = a_url("pending_attendee", agency_a, attendee_id=pending.public_id)
    login(client, coordinator)
    assert (
        "Choose the person on the roster"
        in client.post(url, {"decision": "confirm"}).content.decode()
    )
    # B's person, by their public id: not found on A's roster, so nothing is written.
    response = client.post(url, {"decision": "confirm", "person": rosters["b1"].public_id})
    assert "Choose the person on the roster" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == AttendeeStatus.PENDING


def test_viewers_do_not_decide_and_another_agency_gets_404(
    client, recorded, members, viewer, coordinator_b
):
    agency_a, _ = members
    pending = ClassAttendee.all_agencies.get(employee_id="A-404")
    login(client, viewer)
    assert client.get(a_url("pending_attendee_list", agency_a)).status_code == 403
    login(client, coordinator_b)
    url = a_url("pending_attendee", members[1], attendee_id=pending.public_id)
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "reject"}).status_code == 404


def test_the_sheet_is_served_to_its_parties_only(
    client, recorded, region, members, coordinator, coordinator_b, region_coordinator
):
    regional_class, _ = recorded
    agency_a, agency_b = members
    doc_a = Document.all_agencies.get(agency=agency_a)
    doc_b = Document.all_agencies.get(agency=agency_b)
    login(client, coordinator)
    served = client.get(a_url("document_download", agency_a, document_id=doc_a.public_id))
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF")
    assert (
        client.get(a_url("document_download", agency_a, document_id=doc_b.public_id)).status_code
        == 404
    )
    # An agency that had no attendee in the class holds no copy of the sheet.
    outsider = AgencyFactory()
    login(client, member(outsider, Role.COORDINATOR, "chief@outsider.example"))
    for document in (doc_a, doc_b):
        url = a_url("document_download", outsider, document_id=document.public_id)
        assert client.get(url).status_code == 404
    # The region's own copy: its team only; another region's coordinator gets 404.
    sheet_url = r_url("regional_class_sheet", region, class_id=regional_class.public_id)
    login(client, region_coordinator)
    assert client.get(sheet_url).status_code == 200
    other = RegionMembershipFactory().user
    login(client, other)
    assert client.get(sheet_url).status_code == 404
    other_region = RegionMembershipFactory(user=other).region
    foreign = r_url("regional_class_sheet", other_region, class_id=regional_class.public_id)
    assert client.get(foreign).status_code == 404
    assert (
        client.get(
            r_url("regional_class_detail", other_region, class_id=regional_class.public_id)
        ).status_code
        == 404
    )


def test_the_audit_trails_record_the_class_each_on_its_own_side(recorded, region, members):
    regional_class, _ = recorded
    agency_a, agency_b = members
    recorded_event = AuditEvent.objects.get(action="regional_class.recorded")
    assert recorded_event.region == region and recorded_event.agency is None
    assert recorded_event.changes["attendees"][1] == {
        agency_a.name: ["A-1", "A-404"],
        agency_b.name: ["B-1", "B-x"],
    }
    received = {e.agency_id: e for e in AuditEvent.objects.filter(action="regional_class.received")}
    assert set(received) == {agency_a.pk, agency_b.pk}
    # Which attendee matched is in the agency's own trail, never the region's.
    assert all(event.region is None for event in received.values())
    assert received[agency_b.pk].changes["recorded"][1] == ["B-1"]
    assert received[agency_b.pk].changes["pending"][1] == ["B-x"]


def test_attendees_come_only_from_current_member_agencies(
    client, region, region_coordinator, members, private_files
):
    agency_a, _ = members
    gone = AgencyFactory(name="Left County Police")
    MemberAgencyFactory(region=region, agency=gone, status=MemberAgencyStatus.LEFT)
    login(client, region_coordinator)
    page = client.get(r_url("regional_class_create", region))
    offered = {agency.pk for agency in page.context["rows"].forms[0].fields["agency"].queryset}
    assert offered == {agency.pk for agency in members}
    response = client.post(
        r_url("regional_class_create", region), class_post([(gone, "L-1", "Al", "Ng")])
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    # Through the service too (an agency leaving between the page and the submit).
    with pytest.raises(ValidationError, match="Not a member agency of the region now"):
        services.regional_class_record(
            region=region,
            actor=region_coordinator,
            course=course(CourseKind.CIT),
            completed_on=CLASS_DAY,
            instructor="Sgt. Maria Alvarez",
            sheet=_checked_sheet(),
            attendees=[Attendee(agency=gone, employee_id="L-1", last_name="Ng")],
        )
    assert not RegionalClass.all_regions.exists() and not Document.all_agencies.exists()


def _checked_sheet():
    return check_upload(files.pdf("Attendance.pdf"), EVIDENCE_TYPES)


def test_an_uploaded_list_adds_attendees_by_ori_or_name(
    client, region, region_coordinator, members, rosters, private_files
):
    agency_a, agency_b = members
    csv = (
        "Agency,Employee ID,First name,Last name\n"
        "ny0010000,A-1,Ada,Okafor\n"
        f"{agency_b.name},B-1,Eli,Lindqvist\n"
    ).encode()
    login(client, region_coordinator)
    response = client.post(
        r_url("regional_class_create", region),
        class_post(attendee_list=files.upload("attendees.csv", csv)),
    )
    assert response.status_code == 302
    assert set(TrainingRecord.all_agencies.values_list("person__employee_id", flat=True)) == {
        "A-1",
        "B-1",
    }


def test_bad_rows_of_an_uploaded_list_are_each_said_and_nothing_is_written(
    client, region, region_coordinator, members, rosters, private_files
):
    csv = (
        b"Agency,Employee ID,Name\n"
        b'NY0010000,A-1,"Okafor, Ada"\n'
        b"Springfield PD,S-1,Ann Lee\n"
        b"NY0010000,,Bo Diaz\n"
        b"NY0010000,A-9,\n"
    )
    login(client, region_coordinator)
    response = client.post(
        r_url("regional_class_create", region),
        class_post(attendee_list=files.upload("attendees.csv", csv)),
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Row 3: “Springfield PD” is not the ORI or name of a member agency" in text
    assert "Row 4: the employee ID is missing." in text
    assert "Row 5: the last name is missing." in text
    assert "Row 2" not in text
    assert not RegionalClass.all_regions.exists() and not TrainingRecord.all_agencies.exists()
    assert private_files() == []


def test_a_list_without_the_needed_columns_says_which(client, region, region_coordinator, members):
    login(client, region_coordinator)
    response = client.post(
        r_url("regional_class_create", region),
        class_post(attendee_list=files.upload("attendees.csv", b"Badge,Surname\n1,Ng\n")),
    )
    assert "needs a column for each of: agency (ORI or name)" in response.content.decode()


def test_bad_rows_entered_by_hand_are_each_said(client, region, region_coordinator, members):
    agency_a, _ = members
    login(client, region_coordinator)
    response = client.post(
        r_url("regional_class_create", region),
        class_post([(agency_a, "", "Ada", "Okafor"), (None, "X-1", "", "Ng")]),
    )
    text = response.content.decode()
    assert "Row 1, Employee ID: Enter the attendee&#x27;s employee ID." in text
    assert "Row 2, Agency: Choose the attendee&#x27;s agency." in text
    assert not RegionalClass.all_regions.exists()


def test_a_class_needs_an_attendee_and_each_listed_once(
    client, region, region_coordinator, members
):
    agency_a, _ = members
    login(client, region_coordinator)
    nobody = client.post(r_url("regional_class_create", region), class_post())
    assert "List at least one attendee." in nobody.content.decode()
    twice = client.post(
        r_url("regional_class_create", region),
        class_post([(agency_a, "A-1", "Ada", "Okafor"), (agency_a, "A-1", "Ada", "Okafor")]),
    )
    assert "Listed more than once: A-1 (Millbrook Police Department)." in twice.content.decode()
    assert not RegionalClass.all_regions.exists()


def test_someone_separated_is_not_matched_but_left_to_the_agency(
    client, region, region_coordinator, members
):
    agency_a, _ = members
    PersonFactory(agency=agency_a, employee_id="A-2", status=Status.SEPARATED)
    login(client, region_coordinator)
    client.post(
        r_url("regional_class_create", region), class_post([(agency_a, "A-2", "Ida", "Moss")])
    )
    assert ClassAttendee.all_agencies.get().status == AttendeeStatus.PENDING
    assert not TrainingRecord.all_agencies.exists()


def test_someone_who_already_holds_the_course_that_day_keeps_their_record(
    client, region, region_coordinator, members, rosters
):
    agency_a, _ = members
    held = TrainingRecord.all_agencies.create(
        agency=agency_a, person=rosters["a1"], course=course(CourseKind.CIT), completed_on=CLASS_DAY
    )
    login(client, region_coordinator)
    client.post(
        r_url("regional_class_create", region), class_post([(agency_a, "A-1", "Ada", "Okafor")])
    )
    attendee = ClassAttendee.all_agencies.get()
    assert attendee.status == AttendeeStatus.MATCHED and attendee.record == held
    assert TrainingRecord.all_agencies.count() == 1


def test_region_viewers_follow_classes_but_do_not_record_them(client, region, recorded):
    regional_class, _ = recorded
    viewer = RegionMembershipFactory(region=region, role=RegionRole.VIEWER).user
    login(client, viewer)
    listing = client.get(r_url("regional_class_list", region))
    assert listing.status_code == 200 and "Record a regional class" not in listing.content.decode()
    assert client.get(r_url("regional_class_create", region)).status_code == 403
    detail = r_url("regional_class_detail", region, class_id=regional_class.public_id)
    assert client.get(detail).status_code == 200


def test_the_class_list_reads_in_constant_queries(
    client, region, region_coordinator, django_assert_num_queries
):
    for _ in range(3):
        ClassAttendeeFactory(regional_class=RegionalClassFactory(region=region))
    login(client, region_coordinator)
    client.get(r_url("regional_class_list", region))  # warm the session
    with django_assert_num_queries(4) as captured:
        client.get(r_url("regional_class_list", region))
    for _ in range(5):
        ClassAttendeeFactory(regional_class=RegionalClassFactory(region=region))
    with django_assert_num_queries(len(captured)):
        page = client.get(r_url("regional_class_list", region))
    assert len(page.context["classes"]) == 8


def test_the_roster_says_when_attendees_wait_for_the_agency(client, agency_a, editor):
    ClassAttendeeFactory(agency=agency_a)
    login(client, editor)
    roster = client.get(a_url("roster", agency_a)).content.decode()
    assert a_url("pending_attendee_list", agency_a) in roster


# A member agency hosting the class on its region's behalf


def test_a_host_agency_records_a_class_and_sees_only_what_others_share(
    client, region, members, rosters, coordinator, private_files
):
    agency_a, agency_b = members
    third = AgencyFactory(name="Clay County Police")
    MemberAgencyFactory(region=region, agency=third, sharing=Sharing.PROGRESS)
    PersonFactory(agency=third, employee_id="C-1")
    login(client, coordinator)  # of agency A, the host
    listing = client.get(a_url("hosted_class_list", agency_a)).content.decode()
    create = a_url("hosted_class_create", agency_a, region_id=region.public_id)
    assert create in listing
    rows = [
        (agency_a, "A-404", "Sam", "Whitlock"),
        (agency_b, "B-1", "Eli", "Lindqvist"),
        (third, "C-1", "Cy", "Young"),
    ]
    response = client.post(create, class_post(rows))
    assert response.status_code == 302
    regional_class = RegionalClass.all_regions.get()
    assert regional_class.host_agency == agency_a and regional_class.region == region
    assert response["Location"] == a_url(
        "hosted_class_detail",
        agency_a,
        region_id=region.public_id,
        class_id=regional_class.public_id,
    )
    text = client.get(response["Location"]).content.decode()
    assert "A-404" in text  # its own attendee, in full
    assert "B-1" not in text and "C-1" not in text and "Lindqvist" not in text
    assert text.count("data-attendee-status") == 1
    event = AuditEvent.objects.get(action="regional_class.recorded")
    assert event.agency == agency_a and event.region == region
    sheet = a_url(
        "hosted_class_sheet",
        agency_a,
        region_id=region.public_id,
        class_id=regional_class.public_id,
    )
    assert client.get(sheet).status_code == 200
    # Another agency of the region did not host it: 404 on the host's pages.
    login(client, member(agency_b, Role.COORDINATOR, "chief@harlan.example"))
    foreign = a_url(
        "hosted_class_detail",
        agency_b,
        region_id=region.public_id,
        class_id=regional_class.public_id,
    )
    assert client.get(foreign).status_code == 404


def test_only_a_member_agency_hosts_and_only_its_editors(
    client, region, members, agency_a, viewer, editor
):
    outsider_region = RegionFactory()
    login(client, viewer)
    assert (
        client.get(a_url("hosted_class_create", agency_a, region_id=region.public_id)).status_code
        == 403
    )
    login(client, editor)
    assert (
        client.get(a_url("hosted_class_create", agency_a, region_id=region.public_id)).status_code
        == 200
    )
    assert (
        client.get(
            a_url("hosted_class_create", agency_a, region_id=outsider_region.public_id)
        ).status_code
        == 404
    )


def test_a_second_decision_on_an_attendee_is_refused(members, coordinator, rosters):
    agency_a, _ = members
    attendee = ClassAttendeeFactory(agency=agency_a)
    stale = ClassAttendee.all_agencies.get(pk=attendee.pk)  # a page opened before the first
    services.attendee_reject(agency=agency_a, actor=coordinator, attendee=attendee)
    with pytest.raises(ValidationError, match="decided on this attendee a moment ago"):
        services.attendee_confirm(
            agency=agency_a, actor=coordinator, attendee=stale, person=rosters["a1"]
        )
    assert not TrainingRecord.all_agencies.exists()


def test_the_shared_sheet_outlives_the_sweep_of_unnamed_files(recorded, private_files):
    assert len(private_files()) == 1
    assert documents.sweep_orphans(min_age=timedelta(0)) == 0
    assert len(private_files()) == 1


def test_a_class_page_reads_in_queries_that_do_not_grow_with_its_attendees(
    client, region, region_coordinator, members, django_assert_num_queries
):
    regional_class = RegionalClassFactory(region=region)
    for agency in members:
        ClassAttendeeFactory(agency=agency, regional_class=regional_class)
    url = r_url("regional_class_detail", region, class_id=regional_class.public_id)
    login(client, region_coordinator)
    client.get(url)
    with django_assert_num_queries(7) as captured:
        client.get(url)
    for agency in members:
        ClassAttendeeFactory.create_batch(3, agency=agency, regional_class=regional_class)
    with django_assert_num_queries(len(captured)):
        page = client.get(url)
    assert sum(party.sent for party in page.context["parties"]) == 8


def test_the_pending_list_reads_in_constant_queries(
    client, agency_a, editor, django_assert_num_queries
):
    ClassAttendeeFactory(agency=agency_a)
    login(client, editor)
    url = a_url("pending_attendee_list", agency_a)
    client.get(url)
    with django_assert_num_queries(3) as captured:
        client.get(url)
    ClassAttendeeFactory.create_batch(4, agency=agency_a)
    with django_assert_num_queries(len(captured)):
        client.get(url)


def test_an_agency_that_leaves_takes_its_attendees_out_of_the_regions_view(
    client, recorded, region, members, region_coordinator
):
    regional_class, _ = recorded
    agency_a, _ = members
    MemberAgency.all_regions.filter(agency=agency_a).update(status=MemberAgencyStatus.LEFT)
    login(client, region_coordinator)
    text = client.get(
        r_url("regional_class_detail", region, class_id=regional_class.public_id)
    ).content.decode()
    assert "A-404" not in text and "Okafor" not in text
    assert "data-attendee-status" not in text


def test_a_host_that_left_the_region_no_longer_sees_other_agencies_attendees(
    client, region, members, rosters, coordinator_b, private_files
):
    agency_a, agency_b = members  # A shares its roster with the region; B hosts
    login(client, coordinator_b)
    create = a_url("hosted_class_create", agency_b, region_id=region.public_id)
    rows = [(agency_a, "A-1", "Ada", "Okafor"), (agency_b, "B-1", "Eli", "Lindqvist")]
    response = client.post(create, class_post(rows))
    assert response.status_code == 302
    detail = response["Location"]
    assert "Okafor" in client.get(detail).content.decode()  # A shares it with the region
    MemberAgency.all_regions.filter(agency=agency_b).update(status=MemberAgencyStatus.LEFT)
    text = client.get(detail).content.decode()
    assert "Lindqvist" in text  # its own attendee, still
    assert "Okafor" not in text and "A-1" not in text
    assert text.count("data-attendee-status") == 1


def test_the_hosted_class_list_reads_in_constant_queries(
    client, region, members, coordinator, django_assert_num_queries
):
    agency_a, _ = members
    RegionalClassFactory(region=region, host_agency=agency_a)
    login(client, coordinator)
    url = a_url("hosted_class_list", agency_a)
    client.get(url)
    with django_assert_num_queries(4) as captured:
        client.get(url)
    for _ in range(3):
        other = RegionFactory()
        MemberAgencyFactory(region=other, agency=agency_a)
        RegionalClassFactory(region=other, host_agency=agency_a)
    with django_assert_num_queries(len(captured)):
        response = client.get(url)
    assert len(response.context["classes"]) == 4
