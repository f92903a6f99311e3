"""Progress reports by email: through a real SMTP server, with the PDF attached, once per
period in the agency's own calendar."""

import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail
from pypdf import PdfReader

from agencies.models import OutboxEmail, Role
from agencies.outbox import sending
from pledges.emails import notices, subscriptions
from pledges.emails import services as email_services
from pledges.models import EmailKind, ReportFrequency
from tests.conftest import member
from tests.factories import AgencyFactory, PersonFactory, TrainingRecordFactory, course, sign
from training.models import CourseKind


def trained_and_untrained(agency):
    TrainingRecordFactory(person__agency=agency, course=course(CourseKind.CIT))
    for name in ("Okafor", "Lindqvist", "Tran"):
        PersonFactory(agency=agency, last_name=name)


def test_a_progress_report_arrives_with_its_pdf_and_unsubscribe_headers(
    client, agency_a, coordinator, smtp_inbox
):
    trained_and_untrained(agency_a)
    sign(agency_a, coordinator)

    notices.queue_scheduled_emails()
    assert sending.dispatch().sent == 1

    [envelope] = smtp_inbox.envelopes
    assert envelope.rcpt_tos == [coordinator.email]
    [message] = smtp_inbox.messages
    assert (
        message["Subject"]
        .strip()
        .startswith("[One Mind] Progress report: Millbrook Police Department")
    )
    assert message["Message-ID"].startswith("<outbox.")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://localhost:8000/emails/unsubscribe/")

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "1 of 4 in scope" in text and "1 of 4 in scope" in html
    assert unsubscribe in text and unsubscribe in html.replace("&amp;", "&")

    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().startswith("one-mind-progress-millbrook-pd-")
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    pages = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Millbrook Police Department" in pages
    assert "1 of 4" in pages
    for name in ("Okafor", "Lindqvist", "Tran"):
        assert name in pages  # the untrained, in the appendix

    # The mail provider's one-click unsubscribe: a POST, no cookies, no CSRF token.
    response = client.post(
        unsubscribe.removeprefix("http://localhost:8000"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert subscriptions.subscribers([agency_a.pk], subscriptions.Stream.REPORTS) == []


def test_over_a_month_each_recipient_gets_one_monthly_report_and_weekly_ones_weekly(
    agency_a, coordinator, editor, viewer
):
    trained_and_untrained(agency_a)
    sign(agency_a, coordinator)  # coordinators get monthly reports by default
    email_services.preference_set(
        agency=agency_a, user=editor, progress_report=ReportFrequency.WEEKLY, reminders=False
    )
    # The viewer keeps the default: no report.
    start = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    for day in range(31):  # the daily schedule through December, and its dispatcher
        with time_machine.travel(start + timedelta(days=day), tick=False):
            notices.queue_scheduled_emails()
            sending.dispatch()
            sending.dispatch()  # a second run the same day sends nothing more
    reports = Counter(m.to[0] for m in mail.outbox if "Progress report" in m.subject)
    # December 2026 touches ISO weeks 49 to 53.
    assert reports == {coordinator.email: 1, editor.email: 5}

    with time_machine.travel(datetime(2027, 1, 1, 12, 0, tzinfo=UTC), tick=False):
        notices.queue_scheduled_emails()
        sending.dispatch()
    reports = Counter(m.to[0] for m in mail.outbox if "Progress report" in m.subject)
    assert reports[coordinator.email] == 2  # January's; week 53 was sent already


def test_the_period_is_the_agency_s_own(db):
    """At 05:00 UTC on December 1 it is still November 30 in Honolulu."""
    east = AgencyFactory(time_zone="America/New_York")
    hawaii = AgencyFactory(time_zone="Pacific/Honolulu")
    for agency in (east, hawaii):
        sign(agency, member(agency, Role.COORDINATOR, f"chief@{agency.slug}.example"))
    with time_machine.travel(datetime(2026, 12, 1, 5, 0, tzinfo=UTC), tick=False):
        notices.queue_scheduled_emails()
    periods = {
        row.agency_id: row.context["period"]
        for row in OutboxEmail.objects.filter(kind=EmailKind.PROGRESS_REPORT)
    }
    assert periods == {east.pk: "2026-12", hawaii.pk: "2026-11"}


def test_an_agency_without_a_signed_pledge_gets_no_report(agency_a, coordinator):
    trained_and_untrained(agency_a)
    notices.queue_scheduled_emails()
    assert not OutboxEmail.objects.filter(kind=EmailKind.PROGRESS_REPORT).exists()


def test_one_report_is_rendered_for_all_its_recipients(agency_a, coordinator, viewer):
    trained_and_untrained(agency_a)
    sign(agency_a, coordinator)
    email_services.preference_set(
        agency=agency_a, user=viewer, progress_report=ReportFrequency.MONTHLY, reminders=False
    )
    notices.queue_scheduled_emails()
    from unittest import mock

    from pledges.emails import content

    with mock.patch.object(
        content, "progress_report_pdf", wraps=content.progress_report_pdf
    ) as rendered:
        assert sending.dispatch().sent == 2
    assert rendered.call_count == 1
    first, second = (m.attachments[0][1] for m in mail.outbox)
    assert first == second


def test_send_due_emails_queues_and_sends_at_once(agency_a, coordinator):
    from io import StringIO

    from django.core.management import call_command

    trained_and_untrained(agency_a)
    sign(agency_a, coordinator)
    out = StringIO()
    call_command("send_due_emails", stdout=out)
    assert "1 email written to the outbox; 1 sent" in out.getvalue()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    call_command("send_due_emails", stdout=out)
    assert len(mail.outbox) == 1


def test_names_read_as_typed_in_the_subject_and_text_and_are_escaped_in_the_html(
    agency_a, coordinator
):
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False):
        agency_a.name = "O'Brien & Sons Sheriff's Office"
        agency_a.save()
        trained_and_untrained(agency_a)
        sign(agency_a, coordinator)
        notices.queue_scheduled_emails()
        assert sending.dispatch().sent == 1

    [message] = mail.outbox
    assert message.subject == (
        "[One Mind] Progress report: O'Brien & Sons Sheriff's Office, March 2, 2026"
    )
    assert message.body.startswith(
        f"Hello {coordinator.first_name},\n\nO'Brien & Sons Sheriff's Office: your monthly One Mind"
    )
    assert "as a member of O'Brien & Sons Sheriff's Office on" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    html = message.alternatives[0].content
    assert "O&#x27;Brien &amp; Sons Sheriff&#x27;s Office" in html
    assert "O'Brien" not in html


def test_a_member_who_gave_no_name_is_greeted_by_address(agency_a, coordinator):
    coordinator.first_name = coordinator.last_name = ""
    coordinator.save()
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False):
        trained_and_untrained(agency_a)
        sign(agency_a, coordinator)
        notices.queue_scheduled_emails()
        assert sending.dispatch().sent == 1
    [message] = mail.outbox
    assert message.body.startswith(f"Hello {coordinator.email},\n\n")
    assert f"<p>Hello {coordinator.email},</p>" in message.alternatives[0].content
