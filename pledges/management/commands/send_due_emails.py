"""Write the scheduled emails that are due and send everything the outbox holds now: what
beat does daily and every minute, at once (after an outage, or to try the emails out)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.outbox import sending
from pledges.emails import notices


class Command(BaseCommand):
    help = "Queue the progress reports, reminders and digests due now, then send the outbox."

    def handle(self, *args, **options) -> None:
        written = notices.queue_scheduled_emails()
        totals = sending.dispatch_all()
        self.stdout.write(
            _("%(written)s; %(sent)s, %(skipped)s, %(retrying)s, %(failed)s.")
            % {
                "written": ngettext(
                    "%(count)d email written to the outbox",
                    "%(count)d emails written to the outbox",
                    written,
                )
                % {"count": written},
                "sent": ngettext("%(count)d sent", "%(count)d sent", totals.sent)
                % {"count": totals.sent},
                "skipped": ngettext(
                    "%(count)d no longer wanted", "%(count)d no longer wanted", totals.skipped
                )
                % {"count": totals.skipped},
                "retrying": ngettext("%(count)d to retry", "%(count)d to retry", totals.retrying)
                % {"count": totals.retrying},
                "failed": ngettext("%(count)d failed", "%(count)d failed", totals.failed)
                % {"count": totals.failed},
            }
        )
