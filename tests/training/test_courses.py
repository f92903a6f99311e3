"""The course catalogue, and equivalents agencies propose for program approval."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import AuditEvent
from tests.conftest import login, migration
from tests.factories import TrainingRecordFactory, course
from training import services
from training.models import Course, CourseKind, CourseStatus

PROPOSAL = {
    "name": "Harlan County Crisis Response Course",
    "kind": "cit_equivalent",
    "hours": "32",
    "validity_months": "",
    "provider": "Harlan County Behavioral Health",
    "description": "",
}


def test_the_catalogue_is_seeded_as_the_campaign_describes(db):
    cit = Course.objects.get(agency=None, kind=CourseKind.CIT)
    crit = Course.objects.get(agency=None, kind=CourseKind.CIT_EQUIVALENT)
    mhfa = Course.objects.get(agency=None, kind=CourseKind.MHFA)
    refresher = Course.objects.get(agency=None, refresher_of=cit)
    assert (cit.hours, cit.validity_months) == (40, None)
    assert ("Bureau of Justice Assistance" in crit.provider, crit.status) == (True, "approved")
    assert (mhfa.hours, mhfa.validity_months) == (Decimal("6.5"), 36)
    assert refresher.refresh_after_months == 24


def test_an_agency_proposes_an_equivalent_and_it_waits_for_approval(client, agency_a, editor):
    login(client, editor)
    response = client.post(
        reverse("course_propose", kwargs={"agency_slug": agency_a.slug}), PROPOSAL
    )
    assert response.status_code == 302
    course = Course.objects.get(agency=agency_a)
    assert course.status == CourseStatus.PROPOSED and not course.counts
    page = client.get(reverse("course_list", kwargs={"agency_slug": agency_a.slug}))
    assert "Awaiting program approval" in page.content.decode()


def test_another_agencys_proposals_are_not_in_my_catalogue(client, agency_a, agency_b, editor):
    Course.objects.create(name="B only", kind="cit_equivalent", hours=8, agency=agency_b)
    login(client, editor)
    page = client.get(reverse("course_list", kwargs={"agency_slug": agency_a.slug}))
    assert "B only" not in page.content.decode()


def test_an_administrator_approves_or_rejects_with_a_reason(client, agency_a, administrator):
    course = Course.objects.create(
        name="Own course", kind="mhfa_equivalent", hours=8, agency=agency_a
    )
    with pytest.raises(ValidationError, match="Say why"):
        services.course_decide(course=course, actor=administrator, approve=False)
    login(client, administrator, mfa=True)
    response = client.post(
        reverse("staff:course_decide", kwargs={"course_id": course.public_id}),
        {"decision": "reject", "reason": "Covers no crisis de-escalation."},
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.status, course.decision_reason) == (
        "rejected",
        "Covers no crisis de-escalation.",
    )
    event = AuditEvent.objects.get(action="course.rejected")
    assert event.agency == agency_a and event.actor == administrator


def test_reviewers_cannot_decide_courses(client, agency_a, reviewer):
    course = Course.objects.create(
        name="Own course", kind="mhfa_equivalent", hours=8, agency=agency_a
    )
    login(client, reviewer, mfa=True)
    response = client.post(
        reverse("staff:course_decide", kwargs={"course_id": course.public_id}),
        {"decision": "approve"},
    )
    assert response.status_code == 403
    course.refresh_from_db()
    assert course.status == CourseStatus.PROPOSED


def test_proposals_read_their_length_in_hours_whole_or_not(client, agency_a, administrator):
    for name, hours in [("State crisis first aid", Decimal("6.5")), ("Crisis hour", 1)]:
        Course.objects.create(name=name, kind="mhfa_equivalent", hours=hours, agency=agency_a)
    login(client, administrator, mfa=True)
    page = client.get(reverse("staff:course_proposals")).content.decode()
    assert "<strong>MHFA equivalent</strong>: 6.5 hours, no expiry" in page
    assert "<strong>MHFA equivalent</strong>: 1 hour, no expiry" in page


def test_mhfa_for_public_safety_is_six_and_a_half_hours(agency_a):
    mhfa = course(CourseKind.MHFA)
    assert str(mhfa.hours) == "6.5" and mhfa.duration_words == "6.5 hours"
    record = TrainingRecordFactory(person__agency=agency_a, course=mhfa, hours=8)
    correcting, apps = migration("training", "0007_mhfa_for_public_safety_hours")

    correcting.eight(apps, None)
    assert course(CourseKind.MHFA).hours == 8
    correcting.six_and_a_half(apps, None)

    assert str(course(CourseKind.MHFA).hours) == "6.5"
    record.refresh_from_db()
    assert record.hours == 8  # a record keeps the hours its class took
    assert Course.objects.get(agency=None, kind=CourseKind.CIT).hours == 40
