"""Write the scheduled emails that are due and send everything the outbox holds now: what
beat does daily and every minute, at once (after an outage, or to try the emails out)."""

from django.core.management.base import BaseCommand

from agencies.outbox import sending
from pledges import notices


class Command(BaseCommand):
    help = "Queue the progress reports, reminders and digests due now, then send the outbox."

    def handle(self, *args, **options) -> None:
        written = notices.queue_scheduled_emails()
        totals = sending.dispatch_all()
        self.stdout.write(
            f"{written} emails written to the outbox; {totals.sent} sent, "
            f"{totals.skipped} no longer wanted, {totals.retrying} to retry, "
            f"{totals.failed} failed."
        )
