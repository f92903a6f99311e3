"""The outbox sends every email exactly once: written with the event, claimed by one
worker, retried with a growing delay, and never sent twice by two workers or a rerun."""

import smtplib
import threading
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from agencies import tasks
from agencies.models import OutboxEmail, OutboxStatus
from agencies.outbox import kinds, sending
from agencies.outbox import services as outbox_services
from agencies.outbox.messages import Renderer
from agencies.outbox.services import Letter, outbox_add
from agencies.services import invitation_create
from pledges.certification import services as certification
from pledges.models import EmailKind
from tests.conftest import login
from tests.factories import meets_everything, staff_digests, submit


def statuses() -> dict[str, int]:
    found: dict[str, int] = {}
    for status in OutboxEmail.objects.values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def test_the_same_email_written_twice_is_one_row(db, reviewer):
    letter = Letter(EmailKind.STAFF_DIGEST, reviewer.pk, None, "2026-W49", {})
    with transaction.atomic():
        assert outbox_add([letter, letter]) == 1
    with transaction.atomic():
        assert outbox_add([letter]) == 0
    assert OutboxEmail.objects.count() == 1


def test_a_rolled_back_event_leaves_no_email(agency_a, coordinator, reviewer):
    meets_everything(agency_a)
    submission = submit(agency_a, coordinator)
    with pytest.raises(RuntimeError), transaction.atomic():
        certification.review_return(
            reviewer=reviewer, submission=submission, comments={"policy": "Add § 4."}
        )
        raise RuntimeError("the request failed after the decision")
    assert not OutboxEmail.objects.filter(kind=EmailKind.SUBMISSION_RETURNED).exists()


def test_running_the_dispatcher_again_sends_nothing_more(db):
    staff_digests(3)
    assert sending.dispatch().sent == 3
    assert sending.dispatch().sent == 0
    assert tasks.dispatch_outbox() == 0
    assert len(mail.outbox) == 3
    assert statuses() == {OutboxStatus.SENT: 3}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_each_email_once(smtp_inbox):
    with mock.patch.object(outbox_services, "dispatch_soon"):  # only the two dispatchers below send
        rows = staff_digests(40)
    assert statuses() == {OutboxStatus.PENDING: 40}
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.append(sending.dispatch(limit=100))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.sent for r in results) == 40
    received = [m["To"] for m in smtp_inbox.messages]
    assert sorted(received) == sorted(r.recipient.email for r in rows)  # each once
    assert statuses() == {OutboxStatus.SENT: 40}


class WorkerDied(BaseException):
    """What a worker killed mid-batch looks like to the code it was running."""


class DiesOnThirdMessage(LocmemBackend):
    sent = 0

    def send_messages(self, messages):
        DiesOnThirdMessage.sent += 1
        if DiesOnThirdMessage.sent == 3:
            raise WorkerDied
        return super().send_messages(messages)


def test_a_crash_mid_batch_drops_nothing_and_repeats_nothing(db, settings):
    staff_digests(5)
    DiesOnThirdMessage.sent = 0
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DiesOnThirdMessage"}}
    with pytest.raises(WorkerDied):
        sending.dispatch()
    assert len(mail.outbox) == 2
    # The third was claimed when the worker died; the last two were never touched.
    assert statuses() == {OutboxStatus.SENT: 2, OutboxStatus.SENDING: 1, OutboxStatus.PENDING: 2}

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert sending.dispatch().sent == 2  # the dead worker's claim still holds
    with time_machine.travel(timezone.now() + sending.LEASE + timedelta(seconds=1)):
        assert sending.dispatch().sent == 1  # its lease ran out: sent now
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        OutboxEmail.objects.values_list("recipient__email", flat=True)
    )
    assert statuses() == {OutboxStatus.SENT: 5}


class MailServerDown(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_failures_retry_later_and_later_then_show_to_staff(client, db, settings, reviewer):
    [row] = staff_digests(1)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailServerDown"}}
    waits = []
    now = timezone.now()
    for _ in range(sending.MAX_ATTEMPTS):
        with time_machine.travel(now, tick=False):
            sending.dispatch()
        row.refresh_from_db()
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert waits[:9] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64, 128, 240)]
    assert row.status == OutboxStatus.FAILED and row.attempts == sending.MAX_ATTEMPTS
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in row.last_error

    with time_machine.travel(now + timedelta(days=1)):
        assert sending.dispatch().looked_at == 0  # failed for good: nobody tries it again

    login(client, reviewer, mfa=True)
    page = client.get("/staff/emails/?status=failed").content.decode()
    assert "Connection unexpectedly closed" in page and "Send again" in page
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    response = client.post(f"/staff/emails/{row.public_id}/retry/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    assert sending.dispatch().sent == 1
    assert len(mail.outbox) == 1


class WrongPassword(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPAuthenticationError(535, b"Authentication credentials invalid")


def test_a_mail_server_refusing_us_stops_the_batch_and_fails_nothing(db, settings):
    staff_digests(3)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.WrongPassword"}}
    result = sending.dispatch()
    assert result.server_unavailable and (result.sent, result.failed) == (0, 0)
    assert list(OutboxEmail.objects.order_by("pk").values_list("status", "attempts")) == [
        (OutboxStatus.PENDING, 1),  # tried once, waits a minute
        (OutboxStatus.PENDING, 0),  # not tried: it would have failed the same way
        (OutboxStatus.PENDING, 0),
    ]
    assert "535" in OutboxEmail.objects.order_by("pk").first().last_error


def test_a_worker_whose_lease_ran_out_does_not_send(db):
    [row] = staff_digests(1)
    slow = sending.claim(row.pk)
    with time_machine.travel(timezone.now() + sending.LEASE + timedelta(seconds=1)):
        other = sending.claim(row.pk)  # the slow worker's lease ran out: claimed again
        assert other is not None
        assert sending.deliver(row.pk, slow, Renderer()) == "lost"
        assert mail.outbox == []
        assert sending.deliver(row.pk, other, Renderer()) == "sent"
    assert len(mail.outbox) == 1


def test_staff_send_every_failed_email_again(client, db, reviewer):
    staff_digests(2)
    OutboxEmail.objects.update(status=OutboxStatus.FAILED, attempts=sending.MAX_ATTEMPTS)
    login(client, reviewer, mfa=True)
    assert client.post("/staff/emails/retry-failed/").status_code == 302
    assert statuses() == {OutboxStatus.PENDING: 2}
    assert sending.dispatch().sent == 2


class NoSuchUser(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"No such user")})


def test_a_refusal_for_good_is_not_retried(db, settings):
    [row] = staff_digests(1)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.NoSuchUser"}}
    assert sending.dispatch().failed == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)


def test_with_the_broker_down_the_email_goes_out_at_the_next_run(
    client, agency_a, coordinator, reviewer, smtp_inbox, django_capture_on_commit_callbacks
):
    meets_everything(agency_a)
    submission = submit(agency_a, coordinator)
    login(client, reviewer, mfa=True)
    with (
        mock.patch.object(
            tasks.dispatch_outbox, "apply_async", side_effect=BrokerDown("Connection refused")
        ) as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            f"/staff/reviews/{submission.public_id}/",
            {"decision": "return", "policy": "Section 4 must name the crisis line."},
        )
    assert response.status_code == 302  # the decision stands
    assert queued.called
    assert smtp_inbox.messages == []
    returned = OutboxEmail.objects.get(kind=EmailKind.SUBMISSION_RETURNED)
    assert returned.status == OutboxStatus.PENDING

    assert tasks.dispatch_outbox() == 1  # the periodic run
    [message] = smtp_inbox.to(coordinator.email)
    assert "returned for changes" in message["Subject"]
    assert "Section 4 must name the crisis line." in message.get_body(("plain",)).get_content()


def test_every_app_registers_its_kinds_and_an_unknown_one_is_refused(db):
    names = {kind.name for kind in kinds.registered()}
    assert {"invitation", *EmailKind.values} <= names
    letter = Letter("carrier_pigeon", None, None, "2026-12", {}, recipient_email="a@b.example")
    with pytest.raises(LookupError, match="carrier_pigeon"), transaction.atomic():
        outbox_add([letter])
    assert not OutboxEmail.objects.exists()


def test_staff_see_an_invitation_waiting_for_its_address(
    client, agency_a, coordinator, reviewer, broker_down
):
    invitation_create(
        agency=agency_a, actor=coordinator, email="new.person@millbrook.example", role="viewer"
    )
    login(client, reviewer, mfa=True)
    page = client.get("/staff/emails/").content.decode()
    assert '<th scope="row">Invitation</th>' in page
    assert "new.person@millbrook.example" in page and "Waiting to be sent" in page
