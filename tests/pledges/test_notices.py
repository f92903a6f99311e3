"""Which emails the program writes and when: reminders on their thresholds, the weekly
staff digest, event notices, preferences and one-click unsubscribe."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from agencies.models import Agency, AuditEvent, OutboxEmail, OutboxStatus, Role
from agencies.outbox import sending
from agencies.outbox.services import outbox_add
from pledges.certification import services as certification
from pledges.emails import notices, subscriptions
from pledges.emails import services as email_services
from pledges.emails.subscriptions import Stream
from pledges.models import (
    EmailKind,
    EmailPreference,
    ReportFrequency,
    StaffEmailPreference,
)
from tests.conftest import login, member
from tests.factories import (
    PartnershipVersionFactory,
    PersonFactory,
    TrainingRecordFactory,
    course,
    meets_everything,
    sign,
    submit,
)
from training.models import CourseKind


def queued(kind: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind=kind).select_related("recipient").order_by("pk"))


def run_day():
    """What the daily schedule and the dispatcher do."""
    notices.queue_scheduled_emails()
    return sending.dispatch(limit=500)


def test_threshold_picks_the_nearest_reminder_reached():
    days = notices.TARGET_REMINDER_DAYS
    assert notices.threshold(181, days) is None
    assert notices.threshold(180, days) == 180
    assert notices.threshold(100, days) == 180
    assert notices.threshold(90, days) == 90
    assert notices.threshold(7, days) == 7
    assert notices.threshold(0, days) == 7
    assert notices.threshold(-1, days) is None


def test_target_date_reminders_at_180_90_30_and_7_days(agency_a, coordinator, editor, viewer):
    pledge = sign(agency_a, coordinator)
    sent_at = {}
    for days_before in range(200, -3, -1):
        moment = datetime.combine(
            pledge.target_date - timedelta(days=days_before), datetime.min.time()
        )
        with time_machine.travel(moment.replace(hour=12, tzinfo=UTC), tick=False):
            with transaction.atomic():
                written = outbox_add(notices.target_reminder_letters())
            if written:
                sent_at[days_before] = written
            sending.dispatch()
    # Coordinator and editor want reminders by default; the viewer does not.
    assert sent_at == {180: 2, 90: 2, 30: 2, 7: 2}
    recipients = {e.recipient.email for e in queued(EmailKind.TARGET_REMINDER)}
    assert recipients == {coordinator.email, editor.email}

    subjects = sorted({m.subject for m in mail.outbox})
    assert "[One Mind] 7 days to your One Mind target date: Millbrook Police Department" in subjects
    body = next(m.body for m in mail.outbox if "180 days" in m.subject)
    assert "Still to do:" in body and "No partnership (MOU)" in body


def test_a_submitted_pledge_gets_no_target_reminder(agency_a, coordinator):
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)
    submit(agency_a, coordinator, pledge)
    with time_machine.travel(pledge.target_date - timedelta(days=30)):
        assert notices.target_reminder_letters() == []


def test_an_mou_ending_in_60_and_in_30_days_is_announced_once_each(agency_a, coordinator):
    sign(agency_a, coordinator)
    today = agency_a.today()
    version = PartnershipVersionFactory(
        partnership__organization__agency=agency_a, expires_on=today + timedelta(days=75)
    )
    announced = []
    for offset in range(0, 80):
        with time_machine.travel(
            datetime.combine(today + timedelta(days=offset), datetime.min.time()).replace(
                hour=15, tzinfo=UTC
            ),
            tick=False,
        ):
            with transaction.atomic():
                if outbox_add(notices.partnership_reminder_letters()):
                    announced.append(75 - offset)
            sending.dispatch()
    assert announced == [60, 30]
    assert [m.subject for m in mail.outbox] == [
        f"[One Mind] Your MOU with {version.partnership.organization.name} ends in 60 days",
        f"[One Mind] Your MOU with {version.partnership.organization.name} ends in 30 days",
    ]


def test_a_renewed_mou_is_not_announced_after_all(agency_a, coordinator):
    sign(agency_a, coordinator)
    today = agency_a.today()
    version = PartnershipVersionFactory(
        partnership__organization__agency=agency_a, expires_on=today + timedelta(days=45)
    )
    with transaction.atomic():
        outbox_add(notices.partnership_reminder_letters())
    PartnershipVersionFactory(
        partnership=version.partnership,
        kind="renewal",
        signed_on=today,
        effective_on=today,
        expires_on=today + timedelta(days=730),
    )
    assert sending.dispatch().skipped == 1
    assert mail.outbox == []
    assert "renewed" in OutboxEmail.objects.get(kind=EmailKind.PARTNERSHIP_EXPIRING).last_error


def test_an_mou_renewed_ahead_of_its_end_is_no_news(agency_a, coordinator):
    sign(agency_a, coordinator)
    today = agency_a.today()
    version = PartnershipVersionFactory(
        partnership__organization__agency=agency_a, expires_on=today + timedelta(days=40)
    )
    PartnershipVersionFactory(
        partnership=version.partnership,
        kind="renewal",
        signed_on=today,
        effective_on=version.expires_on + timedelta(days=1),
        expires_on=today + timedelta(days=800),
    )
    assert notices.partnership_reminder_letters() == []


def test_agencies_without_a_pledge_get_no_mou_or_training_reminders(agency_a, coordinator):
    today = agency_a.today()
    PartnershipVersionFactory(
        partnership__organization__agency=agency_a, expires_on=today + timedelta(days=20)
    )
    TrainingRecordFactory(
        person__agency=agency_a,
        course=course(CourseKind.MHFA),
        completed_on=today - timedelta(days=1080),
    )
    assert notices.partnership_reminder_letters() == []
    assert notices.training_expiry_letters() == []
    sign(agency_a, coordinator)
    assert len(notices.partnership_reminder_letters()) == 1
    assert len(notices.training_expiry_letters()) == 1


def test_training_expiring_is_one_summary_per_agency(agency_a, coordinator, editor):
    sign(agency_a, coordinator)
    today = agency_a.today()
    lapsing = []
    for name in ("Ortiz", "Baker", "Chen"):
        person = PersonFactory(agency=agency_a, last_name=name)
        TrainingRecordFactory(
            person=person,
            course=course(CourseKind.MHFA),
            completed_on=today - timedelta(days=1060),
        )
        lapsing.append(person)
    renewed = lapsing[2]
    TrainingRecordFactory(person=renewed, course=course(CourseKind.MHFA), completed_on=today)

    run_day()
    run_day()  # the same month: nothing new

    rows = queued(EmailKind.TRAINING_EXPIRING)
    assert len(rows) == 2  # coordinator and editor, one email each
    [message] = [
        m for m in mail.outbox if m.to == [coordinator.email] and "training lapses" in m.subject
    ]
    assert "2 people's training lapses within 60 days" in message.subject
    assert "Ortiz" in message.body and "Baker" in message.body
    assert "Chen" not in message.body  # renewed


def test_returned_submission_reaches_members_with_the_comments(
    agency_a, coordinator, editor, viewer, reviewer
):
    meets_everything(agency_a)
    submission = submit(agency_a, coordinator)
    review = certification.review_return(
        reviewer=reviewer,
        submission=submission,
        comments={"partnership": "The MOU's signature page is missing."},
    )
    assert {e.recipient.email for e in queued(EmailKind.SUBMISSION_RETURNED)} == {
        coordinator.email,
        editor.email,
    }
    sending.dispatch()
    message = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert "Partnership: The MOU's signature page is missing." in message.body
    html = message.alternatives[0].content
    assert "The MOU&#x27;s signature page is missing." in html  # escaped in HTML
    returned = OutboxEmail.objects.get(kind=EmailKind.SUBMISSION_RETURNED, recipient=coordinator)
    assert returned.context["review_id"] == review.pk


def test_an_issued_certificate_is_announced_and_a_revoked_one_is_not(
    agency_a, coordinator, reviewer, administrator
):
    Agency.objects.filter(pk=agency_a.pk).update(verified=True)
    meets_everything(agency_a)
    submission = submit(agency_a, coordinator)
    _, certificate = certification.review_approve(reviewer=reviewer, submission=submission)
    [row] = queued(EmailKind.CERTIFICATE_ISSUED)
    sending.dispatch()
    [message] = mail.outbox
    assert certificate.number in message.subject
    assert f"/verify/{certificate.token}/" in message.body

    mail.outbox.clear()
    row.status = OutboxStatus.PENDING
    row.save()
    certification.certificate_revoke(actor=administrator, certificate=certificate, reason="Error.")
    assert sending.dispatch().skipped == 1 and mail.outbox == []


def test_a_reissued_certificate_says_what_it_replaces(agency_a, coordinator, reviewer):
    Agency.objects.filter(pk=agency_a.pk).update(verified=True)
    meets_everything(agency_a)
    submission = submit(agency_a, coordinator)
    _, first = certification.review_approve(reviewer=reviewer, submission=submission)
    second = certification.certificate_reissue(
        actor=reviewer, certificate=first, reason="The agency changed its name."
    )
    sending.dispatch()
    [message] = [m for m in mail.outbox if second.number in m.subject]
    assert (
        message.subject == f"[One Mind] Replacement certificate {second.number} for {agency_a.name}"
    )
    assert (
        f"replaces {first.number}, which was revoked: The agency changed its name." in message.body
    )
    assert "Congratulations" not in message.body


def test_the_weekly_digest_goes_to_program_staff_once_a_week(
    agency_a, coordinator, reviewer, administrator
):
    monday = datetime(2026, 12, 7, 12, tzinfo=UTC)
    with time_machine.travel(monday - timedelta(days=6), tick=False):
        meets_everything(agency_a)
        pledge = sign(agency_a, coordinator)
        submit(agency_a, coordinator, pledge)
    email_services.digest_set(user=administrator, weekly_digest=False)
    for day in range(7):
        with time_machine.travel(monday + timedelta(days=day), tick=False), transaction.atomic():
            outbox_add(notices.staff_digest_letters())
    [row] = queued(EmailKind.STAFF_DIGEST)
    assert row.recipient == reviewer
    with time_machine.travel(monday + timedelta(hours=1)):
        sending.dispatch()
    [message] = mail.outbox
    assert "1 waiting for review" in message.subject
    assert "Millbrook Police Department (NY): waiting 6 days" in message.body


def test_member_preferences_default_by_role_and_can_be_changed(
    client, agency_a, coordinator, viewer
):
    login(client, viewer)
    page = client.get(reverse("email_preferences", kwargs={"agency_slug": agency_a.slug}))
    assert page.status_code == 200
    form = page.context["form"]
    assert (form["progress_report"].value(), form["reminders"].value()) == ("off", False)

    response = client.post(
        reverse("email_preferences", kwargs={"agency_slug": agency_a.slug}),
        {"progress_report": "weekly", "reminders": "on"},
    )
    assert response.status_code == 302
    saved = EmailPreference.all_agencies.get(agency=agency_a, user=viewer)
    assert (saved.progress_report, saved.reminders) == (ReportFrequency.WEEKLY, True)
    assert AuditEvent.objects.filter(action="emails.preferences_changed", actor=viewer).exists()
    wanting = {s.user_id for s in subscriptions.subscribers([agency_a.pk], Stream.REPORTS)}
    assert wanting == {coordinator.pk, viewer.pk}


def test_one_click_unsubscribe_as_a_mail_provider_posts_it(client, agency_a, coordinator):
    url = subscriptions.unsubscribe_url(
        user_id=coordinator.pk, agency_id=agency_a.pk, stream=Stream.REPORTS
    )
    path = url.removeprefix("http://localhost:8000")
    page = client.get(path)  # a link scanner opening it changes nothing
    assert page.status_code == 200 and "Stop sending progress reports" in page.content.decode()
    assert not EmailPreference.all_agencies.exists()

    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200  # no sign-in, no CSRF token: RFC 8058
    saved = EmailPreference.all_agencies.get(agency=agency_a, user=coordinator)
    assert saved.progress_report == ReportFrequency.OFF
    assert saved.reminders is True  # only what the link named
    event = AuditEvent.objects.get(action="emails.preferences_changed")
    assert event.changes["via"] == [None, "an unsubscribe link in an email"]
    assert subscriptions.subscribers([agency_a.pk], Stream.REPORTS) == []


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: "x" + t,
        lambda t: "not-a-token",
    ],
)
def test_a_forged_unsubscribe_link_changes_nothing(client, agency_a, coordinator, tamper):
    token = subscriptions.unsubscribe_token(
        user_id=coordinator.pk, agency_id=agency_a.pk, stream=Stream.REMINDERS
    )
    path = reverse("email_unsubscribe", kwargs={"token": tamper(token)})
    assert client.get(path).status_code == 404
    response = client.post(path)
    assert response.status_code == 404
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert not EmailPreference.all_agencies.exists()


def test_an_email_queued_before_unsubscribing_is_not_sent(agency_a, coordinator, reviewer):
    meets_everything(agency_a)
    submission = submit(agency_a, coordinator)
    certification.review_return(
        reviewer=reviewer, submission=submission, comments={"cit": "More CIT."}
    )
    email_services.unsubscribe(user=coordinator, agency=agency_a, stream=Stream.REMINDERS)
    assert sending.dispatch().skipped == 1
    assert mail.outbox == []
    assert (
        OutboxEmail.objects.get(kind=EmailKind.SUBMISSION_RETURNED).status == OutboxStatus.SKIPPED
    )


def test_a_member_who_left_gets_nothing_more(agency_a, coordinator, reviewer):
    leaver = member(agency_a, Role.EDITOR, "leaver@millbrook.example")
    meets_everything(agency_a)
    submission = submit(agency_a, coordinator)
    certification.review_return(
        reviewer=reviewer, submission=submission, comments={"cit": "More CIT."}
    )
    from agencies.models import Membership

    Membership.all_agencies.filter(user=leaver).delete()
    result = sending.dispatch()
    assert (result.sent, result.skipped) == (1, 1)
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_staff_turn_the_digest_off_and_on(client, reviewer):
    login(client, reviewer, mfa=True)
    assert client.get("/staff/emails/").status_code == 200
    assert "checked" in client.get("/staff/emails/digest/").content.decode()
    client.post("/staff/emails/digest/", {})
    assert StaffEmailPreference.objects.get(user=reviewer).weekly_digest is False
    assert list(subscriptions.digest_recipients()) == []
    client.post("/staff/emails/digest/", {"weekly_digest": "on"})
    assert list(subscriptions.digest_recipients()) == [reviewer]


def test_the_daily_reminders_take_the_same_queries_for_more_agencies(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AgencyFactory

    def agencies_due(count):
        for n in range(count):
            agency = AgencyFactory()
            coordinator = member(agency, Role.COORDINATOR, f"c{n}@{agency.slug}.example")
            pledge = sign(agency, coordinator)
            type(pledge).all_agencies.filter(pk=pledge.pk).update(
                target_date=agency.today() + timedelta(days=20)
            )
            TrainingRecordFactory(
                person__agency=agency,
                course=course(CourseKind.MHFA),
                completed_on=agency.today() - timedelta(days=1080),
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            letters = notices.target_reminder_letters() + notices.training_expiry_letters()
        return len(captured), len(letters)

    agencies_due(2)
    few = queries()
    agencies_due(4)
    many = queries()
    assert (few[1], many[1]) == (4, 12)  # a target reminder and a summary per agency
    assert many[0] == few[0]
