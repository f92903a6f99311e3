"""The program's emails: what each kind says, and who still wants it when it is sent.

Registered with the outbox (`agencies.outbox`) in PledgesConfig.ready. Every one of them
goes to a member (or to program staff, for the digest) who can turn it off: each is checked
again just before sending, and carries its unsubscribe link in the footer and in the
List-Unsubscribe headers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Membership, OutboxEmail, Region
from agencies.outbox.kinds import Content, Kind, Skip
from agencies.outbox.messages import Renderer
from agencies.tenancy import agency_scope
from partnerships.queries import partnerships
from partnerships.standing import Status, renewed_in_time
from pledges.certification.services import REQUIREMENT_TITLES
from pledges.emails import subscriptions
from pledges.engine.progress import agency_evaluation
from pledges.models import (
    SIGNED_OPEN_STATUSES,
    Certificate,
    EmailKind,
    Pledge,
    PledgeStatus,
    Review,
    Submission,
)
from pledges.program import queries as program_queries
from pledges.regions import queries as region_queries
from pledges.report import lapsing_training, progress_report, progress_report_pdf

# How many lines of a list an email body shows before pointing to the page or the PDF.
LIST_LIMIT = 25


def agency_url(name: str, agency: Agency, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


def _still_wanted(row: OutboxEmail) -> None:
    """Still a member, and still subscribed to this kind's stream."""
    stream = subscriptions.stream_of(row.kind)
    membership = None
    if row.agency:
        membership = Membership.all_agencies.filter(agency=row.agency, user=row.recipient).first()
        if membership is None:
            raise Skip("The recipient is no longer a member of the agency.")
    if not subscriptions.wants(membership=membership, user=row.recipient, stream=stream):
        raise Skip(f"The recipient turned off {subscriptions.STREAM_NAMES[stream]}.")


def _region_of(row: OutboxEmail) -> Region | None:
    """The region a region's email is about (its id is in the row's context)."""
    region_id = row.context.get("region_id")
    return Region.objects.filter(pk=region_id).first() if region_id else None


def _region_still_wanted(row: OutboxEmail) -> None:
    """Still on the region's team, and still subscribed to its digest."""
    region = _region_of(row)
    if region is None:
        raise Skip("The region no longer exists.")
    if not subscriptions.wants_region_digest(region=region, user=row.recipient):
        raise Skip(f"The recipient left the team of {region.name}, or turned its digest off.")


def _preferences_url(row: OutboxEmail, region: Region | None) -> str:
    if row.agency:
        return agency_url("email_preferences", row.agency)
    if region:
        return settings.SITE_URL + reverse(
            "region_email_preferences", kwargs={"region_slug": region.slug}
        )
    return settings.SITE_URL + reverse("staff:outbox")


def _with_unsubscribe(compose: Callable[[Renderer, OutboxEmail], Content]):
    """The composer, with the footer every program email has: the stream, a link to the
    recipient's choices, and the one-click unsubscribe link."""

    def composer(renderer: Renderer, row: OutboxEmail) -> Content:
        content = compose(renderer, row)
        stream = subscriptions.stream_of(row.kind)
        region = _region_of(row)
        content.unsubscribe_url = subscriptions.unsubscribe_url(
            user_id=row.recipient_id,
            agency_id=row.agency_id,
            stream=stream,
            region_id=region.pk if region else None,
        )
        content.context = {
            "unsubscribe_url": content.unsubscribe_url,
            "stream_name": subscriptions.STREAM_NAMES[stream],
            "preferences_url": _preferences_url(row, region),
            "region": region,
            **content.context,
        }
        return content

    return composer


def _report_and_pdf(agency: Agency):
    report = progress_report(agency)
    return report, progress_report_pdf(report)


def _progress_report(renderer: Renderer, row: OutboxEmail) -> Content:
    with agency_scope(row.agency):
        if not Pledge.objects.filter(status__in=SIGNED_OPEN_STATUSES).exists():
            raise Skip("The agency has no open pledge.")
    # Rendered once per agency and day however many members receive it.
    report, pdf = renderer.reuse(
        ("progress_report", row.agency.pk, row.agency.today()),
        lambda: _report_and_pdf(row.agency),
    )
    filename = f"one-mind-progress-{row.agency.slug}-{report.on:%Y-%m-%d}.pdf"
    return Content(
        {
            "report": report,
            "frequency": row.context.get("frequency", ""),
            "dashboard_url": agency_url("agency_dashboard", row.agency),
        },
        [(filename, pdf, "application/pdf")],
    )


def _target_reminder(renderer: Renderer, row: OutboxEmail) -> Content:
    pledge = Pledge.all_agencies.select_related("rules").get(pk=row.context["pledge_id"])
    today = row.agency.today()
    if pledge.status not in (PledgeStatus.PLEDGED, PledgeStatus.RETURNED):
        raise Skip(f"The pledge is {pledge.get_status_display().lower()}.")
    days_left = (pledge.target_date - today).days
    if days_left < 0:
        raise Skip("The target date has passed.")
    evaluation = agency_evaluation(row.agency, today, rules=pledge.rules)
    return Content(
        {
            "pledge": pledge,
            "days_left": days_left,
            "evaluation": evaluation,
            "missing": [r for r in evaluation.requirements if not r.met],
            "dashboard_url": agency_url("agency_dashboard", row.agency),
        }
    )


def _partnership_expiring(renderer: Renderer, row: OutboxEmail) -> Content:
    today = row.agency.today()
    found = [
        r
        for r in partnerships(row.agency, today)
        if r.partnership.pk == row.context["partnership_id"]
    ]
    if (
        not found
        or found[0].standing.status != Status.EXPIRING
        or renewed_in_time(found[0].standing, found[0].partnership.versions.all())
    ):
        raise Skip("The partnership was renewed, or is no longer in force.")
    standing = found[0].standing
    return Content(
        {
            "partnership": found[0].partnership,
            "ends_on": standing.ends_on,
            "days_left": (standing.ends_on - today).days,
            "partnership_url": agency_url(
                "partnership_detail", row.agency, partnership_id=found[0].partnership.public_id
            ),
        }
    )


def _training_expiring(renderer: Renderer, row: OutboxEmail) -> Content:
    lapsing = lapsing_training(row.agency, row.agency.today(), row.context.get("days", 60))
    if not lapsing:
        raise Skip("No one's training lapses in the coming days any more.")
    return Content(
        {
            "lapsing": lapsing[:LIST_LIMIT],
            "more": max(len(lapsing) - LIST_LIMIT, 0),
            "total": len(lapsing),
            "days": row.context.get("days", 60),
            "roster_url": agency_url("roster", row.agency) + "?training=expiring",
        }
    )


def _submission_returned(renderer: Renderer, row: OutboxEmail) -> Content:
    review = Review.all_agencies.select_related("submission__pledge").get(
        pk=row.context["review_id"]
    )
    comments = [
        (REQUIREMENT_TITLES[key], text)
        for key, text in review.comments.items()
        if key in REQUIREMENT_TITLES
    ]
    return Content(
        {
            "review": review,
            "comments": comments,
            "dashboard_url": agency_url("agency_dashboard", row.agency),
        }
    )


def _pledge_signed(renderer: Renderer, row: OutboxEmail) -> Content:
    pledge = Pledge.all_agencies.select_related("rules", "signed_by").get(
        pk=row.context["pledge_id"]
    )
    return Content({"pledge": pledge, "dashboard_url": agency_url("agency_dashboard", row.agency)})


def _pledge_submitted(renderer: Renderer, row: OutboxEmail) -> Content:
    submission = Submission.all_agencies.select_related("pledge", "submitted_by").get(
        pk=row.context["submission_id"]
    )
    if submission.pledge.status == PledgeStatus.WITHDRAWN:
        raise Skip("The pledge was withdrawn.")
    snapshot = submission.snapshot
    return Content(
        {
            "submission": submission,
            "requirements": snapshot.get("requirements", []),
            "partnerships": snapshot.get("partnerships", []),
            "policy": snapshot.get("policy"),
            "people_counted": len(snapshot.get("people", [])),
            "fingerprint": submission.snapshot_sha256,
            "dashboard_url": agency_url("agency_dashboard", row.agency),
        }
    )


def _certificate_issued(renderer: Renderer, row: OutboxEmail) -> Content:
    certificate = Certificate.all_agencies.get(pk=row.context["certificate_id"])
    if not certificate.is_valid:
        raise Skip("The certificate was revoked.")
    verify = settings.SITE_URL + reverse(
        "certificate_verify_token", kwargs={"token": certificate.token}
    )
    return Content(
        {
            "certificate": certificate,
            "verify_url": verify,
            "dashboard_url": agency_url("agency_dashboard", row.agency),
        }
    )


def _staff_digest(renderer: Renderer, row: OutboxEmail) -> Content:
    digest = program_queries.weekly_digest(timezone.localdate())
    queue = settings.SITE_URL + reverse("staff:review_queue")
    return Content({"digest": digest, "staff_url": queue})


def _region_digest(renderer: Renderer, row: OutboxEmail) -> Content:
    region = _region_of(row)
    digest = region_queries.region_digest(region, region_queries.region_today())
    dashboard = settings.SITE_URL + reverse("region_home", kwargs={"region_slug": region.slug})
    return Content({"digest": digest, "dashboard_url": dashboard})


COMPOSERS: dict[str, Callable[[Renderer, OutboxEmail], Content]] = {
    EmailKind.PROGRESS_REPORT: _progress_report,
    EmailKind.TARGET_REMINDER: _target_reminder,
    EmailKind.PARTNERSHIP_EXPIRING: _partnership_expiring,
    EmailKind.TRAINING_EXPIRING: _training_expiring,
    EmailKind.SUBMISSION_RETURNED: _submission_returned,
    EmailKind.CERTIFICATE_ISSUED: _certificate_issued,
    EmailKind.STAFF_DIGEST: _staff_digest,
    EmailKind.PLEDGE_SIGNED: _pledge_signed,
    EmailKind.PLEDGE_SUBMITTED: _pledge_submitted,
    EmailKind.REGION_DIGEST: _region_digest,
}

# Who must still want each kind when it is sent: a region's team member for the region's
# emails, a member of the agency (or program staff) for the others.
STILL_WANTED = {EmailKind.REGION_DIGEST: _region_still_wanted}

KINDS = [
    Kind(
        kind.value,
        kind.label,
        compose=_with_unsubscribe(COMPOSERS[kind]),
        still_wanted=STILL_WANTED.get(kind, _still_wanted),
    )
    for kind in EmailKind
]
