"""Background work of newsletters: writing an issue's letters batch by batch."""

from celery import shared_task
from django.db import OperationalError

from assistance.newsletter import sending
from onemind.enqueue import enqueue


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def newsletter_write_letters(newsletter_id: int) -> None:
    """One batch of the issue's letters, then the next batch as a message of its own, so a
    worker is never held for the whole list and a lost message costs one batch's wait."""
    if sending.newsletter_write_batch(newsletter_id=newsletter_id):
        enqueue(newsletter_write_letters, newsletter_id)


@shared_task
def sweep_newsletters() -> int:
    """Every few minutes: resume the issues whose chain of batches was lost (the broker was
    down, a worker died). A batch run twice writes nothing twice."""
    pending = sending.newsletters_being_sent()
    for newsletter_id in pending:
        enqueue(newsletter_write_letters, newsletter_id)
    return len(pending)
