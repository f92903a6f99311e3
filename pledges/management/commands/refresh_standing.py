"""Work out again what is stored for lists to read (each agency's standing, each person's
training status) from the pledges, snapshots and records themselves: after a deploy during
which the previous version of the code was still writing, or whenever in doubt. Safe to run
at any time; it changes only what differs."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from pledges.engine import standing
from training.status import refresh_agencies_training_status

BATCH = 500


class Command(BaseCommand):
    help = "Work out each agency's standing and each person's training status again."

    def handle(self, *args, **options) -> None:
        ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
        standing.refresh(ids)
        for start in range(0, len(ids), BATCH):  # short transactions: the roster stays open
            with transaction.atomic():
                refresh_agencies_training_status(ids[start : start + BATCH])
        self.stdout.write(
            _("Standing and training status worked out again for %(agencies)s.")
            % {
                "agencies": ngettext("%(count)d agency", "%(count)d agencies", len(ids))
                % {"count": len(ids)}
            }
        )
