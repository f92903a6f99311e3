"""Sending an issue: its letters written to the outbox in batches, each batch in its own
transaction, after the last subscriber already written. A batch that dies rolls back whole
and is written again; the outbox's key (recipient, kind, issue) makes a repeat write
nothing twice, so a crash, a re-queued message or a second worker never doubles a letter.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from agencies.audit import record_event
from agencies.outbox.services import Letter, outbox_add
from assistance.models import Newsletter, NewsletterStatus, NewsletterSubscription

KIND = "newsletter"
BATCH_SIZE = 500


def newsletter_period(newsletter: Newsletter) -> str:
    return f"newsletter:{newsletter.pk}"


def subscriber_ids(*, after: int, limit: int) -> list[int]:
    """Active people who opted in, by user id, after the last one written."""
    return list(
        NewsletterSubscription.objects.filter(
            subscribed=True, user__is_active=True, user_id__gt=after
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)[:limit]
    )


def newsletter_write_batch(*, newsletter_id: int, size: int | None = None) -> bool:
    """Write the next batch of the issue's letters; True while more remain. An issue not
    being sent (a draft, or sent already) writes nothing."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().filter(pk=newsletter_id).first()
        if newsletter is None or newsletter.status != NewsletterStatus.SENDING:
            return False
        size = size or BATCH_SIZE
        recipients = subscriber_ids(after=newsletter.written_through, limit=size)
        period = newsletter_period(newsletter)
        written = outbox_add(
            [Letter(KIND, user_id, None, period, {"newsletter_id": newsletter.pk})
             for user_id in recipients]
        )  # fmt: skip
        newsletter.letters_written += written
        if recipients:
            newsletter.written_through = recipients[-1]
        done = len(recipients) < size
        fields = ["letters_written", "written_through"]
        if done:
            newsletter.status, newsletter.sent_at = NewsletterStatus.SENT, timezone.now()
            fields += ["status", "sent_at"]
            record_event(
                action="newsletter.sent",
                actor=newsletter.sent_by,
                obj=newsletter,
                values={"letters": newsletter.letters_written},
            )
        newsletter.save(update_fields=fields)
    return not done


def newsletters_being_sent() -> list[int]:
    """Issues whose sending has not finished: the sweep resumes them."""
    return list(
        Newsletter.objects.filter(status=NewsletterStatus.SENDING).values_list("pk", flat=True)
    )
