"""Sending an issue: one confirmation, then its letters written to the outbox in batches,
each subscriber's once, whatever crashes, repeats or double clicks happen on the way."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from agencies.models import AuditEvent, OutboxEmail, OutboxStatus
from agencies.outbox.sending import dispatch_all
from assistance.models import NewsletterStatus
from assistance.newsletter import sending, services, tasks
from tests.assistance.newsletter import objects
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def letters(newsletter) -> list[int]:
    period = sending.newsletter_period(newsletter)
    return sorted(
        OutboxEmail.objects.filter(kind="newsletter", key__contains=f":{period}:").values_list(
            "recipient_id", flat=True
        )
    )


def start(newsletter, actor=None) -> bool:
    with transaction.atomic():
        return services.newsletter_send(actor=actor or UserFactory(), newsletter=newsletter)


def test_letters_are_written_in_batches_to_everyone_who_opted_in():
    people = objects.subscribers(5)
    UserFactory.create_batch(2)  # never opted in
    services.newsletter_subscription_set(user=people[0], subscribed=False)
    newsletter = objects.draft()
    start(newsletter)

    assert sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=2) is True
    assert len(letters(newsletter)) == 2
    assert sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=2) is True
    assert sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=2) is False

    newsletter.refresh_from_db()
    assert letters(newsletter) == sorted(p.pk for p in people[1:])
    assert newsletter.status == NewsletterStatus.SENT and newsletter.letters_written == 4
    assert AuditEvent.objects.filter(action="newsletter.sent").count() == 1


def test_a_draft_writes_no_letter():
    objects.subscribers(2)
    newsletter = objects.draft()
    assert sending.newsletter_write_batch(newsletter_id=newsletter.pk) is False
    assert letters(newsletter) == []


class WorkerDied(BaseException):
    """A worker killed in the middle of a batch."""


def test_a_batch_that_crashed_is_written_again_and_nobody_gets_two_letters():
    people = objects.subscribers(6)
    newsletter = objects.draft()
    start(newsletter)
    sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=2)
    real_add = sending.outbox_add

    def dies_after_writing(batch):
        real_add(batch)
        raise WorkerDied

    with mock.patch.object(sending, "outbox_add", dies_after_writing), pytest.raises(WorkerDied):
        sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=2)
    assert len(letters(newsletter)) == 2  # the crashed batch rolled back whole

    while sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=2):
        pass
    assert letters(newsletter) == sorted(p.pk for p in people)


def test_a_repeated_batch_writes_nothing_twice():
    """A second worker (or the sweep) running the same issue from a stale cursor."""
    people = objects.subscribers(3)
    newsletter = objects.draft()
    start(newsletter)
    sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=10)
    type(newsletter).objects.filter(pk=newsletter.pk).update(
        status=NewsletterStatus.SENDING, written_through=0
    )

    sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=10)

    assert letters(newsletter) == sorted(p.pk for p in people)
    newsletter.refresh_from_db()
    assert newsletter.letters_written == 3


def test_a_double_click_on_send_sends_once(client, reviewer, django_capture_on_commit_callbacks):
    people = objects.subscribers(3)
    newsletter = objects.draft()
    login(client, reviewer, mfa=True)
    url = f"/staff/newsletters/{newsletter.public_id}/send/"

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"confirm": "on"})
        second = client.post(url, {"confirm": "on"})

    assert first.status_code == second.status_code == 302
    assert letters(newsletter) == sorted(p.pk for p in people)
    assert AuditEvent.objects.filter(action="newsletter.send_started").count() == 1
    dispatch_all()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


def test_sending_asks_for_confirmation_first(client, reviewer):
    objects.subscribers(1)
    newsletter = objects.draft()
    login(client, reviewer, mfa=True)
    url = f"/staff/newsletters/{newsletter.public_id}/send/"

    page = client.get(url)
    refused = client.post(url, {})

    assert "1 person subscribed" in page.content.decode()
    assert refused.status_code == 200
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT


def test_someone_who_unsubscribes_between_batches_gets_nothing():
    first, second = objects.subscribers(2)
    newsletter = objects.draft()
    start(newsletter)
    sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=1)  # first's letter
    services.newsletter_subscription_set(user=first, subscribed=False)
    services.newsletter_subscription_set(user=second, subscribed=False)
    while sending.newsletter_write_batch(newsletter_id=newsletter.pk, size=1):
        pass

    dispatch_all()

    assert letters(newsletter) == [first.pk]  # second's was never written
    row = OutboxEmail.objects.get(recipient=first, kind="newsletter")
    assert row.status == OutboxStatus.SKIPPED  # first's is checked again before sending
    assert mail.outbox == []


def test_the_chain_of_batches_runs_to_the_end_and_the_sweep_resumes_a_lost_one(settings):
    people = objects.subscribers(5)
    newsletter = objects.draft()
    start(newsletter)
    with mock.patch.object(sending, "BATCH_SIZE", 2):
        tasks.newsletter_write_letters.delay(newsletter.pk)
    assert letters(newsletter) == sorted(p.pk for p in people)

    stalled = objects.draft(subject="January news")
    start(stalled)  # its message was lost: nothing ran
    assert tasks.sweep_newsletters.delay().get() == 1
    stalled.refresh_from_db()
    assert stalled.status == NewsletterStatus.SENT and letters(stalled) == letters(newsletter)
