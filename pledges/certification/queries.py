"""Reads for certification: the review queue, public verification and the public directory."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from agencies.models import Agency
from onemind.cache import cached
from pledges.models import Certificate, PledgeStatus, Submission

DIRECTORY_COUNTS_SECONDS = 60
# The pledge states the public directory lists (a certified agency is listed while its
# certificate stands).
LISTED = {PledgeStatus.PLEDGED, PledgeStatus.SUBMITTED, PledgeStatus.RETURNED}


def review_queue() -> QuerySet[Submission]:
    """Submitted pledges waiting for a decision, oldest first."""
    return (
        Submission.all_agencies.filter(pledge__status=PledgeStatus.SUBMITTED, reviews=None)
        .select_related("agency", "pledge", "submitted_by")
        .defer("snapshot")  # the frozen evidence, people and all: read on the review page
        .order_by("submitted_at")
    )


def verifiable_certificate(**criteria) -> Certificate | None:
    """The certificate a public verification looks up (by number or token), valid or not."""
    return Certificate.all_agencies.select_related("agency").filter(**criteria).first()


def directory_counts() -> list[dict]:
    """Listed agencies per state, pledged and certified: the same for every visitor, so
    kept in the cache for a minute (verification itself is always read live)."""

    def count():
        return list(
            directory_agencies()
            .values("region")
            .annotate(
                pledged=Count("pk", filter=~Q(pledge_status=PledgeStatus.CERTIFIED)),
                certified=Count("pk", filter=Q(pledge_status=PledgeStatus.CERTIFIED)),
            )
            .order_by("region")
        )

    return cached("directory:counts", count, DIRECTORY_COUNTS_SECONDS)


def directory_agencies():
    """Verified agencies that opted in, whose latest pledge is open, or certified with a
    certificate that is not revoked."""
    valid_certificate = Certificate.all_agencies.filter(agency=OuterRef("pk"), revoked_at=None)
    return (
        Agency.objects.filter(directory_opt_in=True, verified=True)
        .annotate(
            pledge_status=F("latest__pledge_status"),
            pledged_on=F("latest__pledged_on"),
        )
        .filter(
            Q(pledge_status__in=LISTED)
            | Q(Exists(valid_certificate), pledge_status=PledgeStatus.CERTIFIED)
        )
        .only("name", "region")
    )
