"""Outbox rows made into emails, at the moment they are sent.

Each kind has three templates, `emails/<kind>_subject.txt`, `_body.txt` and `_body.html`,
rendered in the agency's time zone. Every email carries its unsubscribe link, in the footer
and in the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058), and a Message-ID
made from its outbox row, so a repeat of the same row is recognisably the same message.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from agencies.emails import render_email
from agencies.models import Agency, Membership
from agencies.tenancy import agency_scope
from pledges import staff_queries, subscriptions
from pledges.models import (
    SIGNED_OPEN_STATUSES,
    Certificate,
    EmailKind,
    OutboxEmail,
    Pledge,
    PledgeStatus,
    Review,
)

# How many lines of a list an email body shows before pointing to the page or the PDF.
LIST_LIMIT = 25


class Skip(Exception):  # noqa: N818 - it is not an error: the email is no longer wanted
    """Nothing to send any more: the recipient opted out or left, or the reason passed."""


@dataclass
class Content:
    context: dict
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def agency_url(name: str, agency: Agency, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


class Renderer:
    """Builds the messages of one dispatcher run; an agency's progress report is rendered
    once per run and day however many members receive it."""

    def __init__(self) -> None:
        self._reports: dict[tuple[int, object], tuple[object, bytes]] = {}

    def report(self, agency: Agency):
        from pledges.report import progress_report, progress_report_pdf

        key = (agency.pk, agency.today())
        if key not in self._reports:
            report = progress_report(agency)
            self._reports = {key: (report, progress_report_pdf(report))}  # keep only one
        return self._reports[key]

    def message(self, row: OutboxEmail) -> EmailMultiAlternatives:
        stream = subscriptions.stream_of(row.kind)
        _check_still_wanted(row, stream)
        zone = row.agency.time_zone if row.agency else settings.PROGRAM_TIME_ZONE
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            content = COMPOSERS[row.kind](self, row)
            unsubscribe = subscriptions.unsubscribe_url(
                user_id=row.recipient_id, agency_id=row.agency_id, stream=stream
            )
            context = {
                "site_url": settings.SITE_URL,
                "recipient": row.recipient,
                "agency": row.agency,
                "unsubscribe_url": unsubscribe,
                "stream_name": subscriptions.STREAM_NAMES[stream],
                "preferences_url": (
                    agency_url("email_preferences", row.agency)
                    if row.agency
                    else settings.SITE_URL + reverse("staff:outbox")
                ),
                **content.context,
            }
            subject, text, html = render_email(f"emails/{row.kind}", context)
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=text,
            to=[row.recipient.email],
            headers={
                "Message-ID": message_id(row),
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(html, "text/html")
        for filename, data, mimetype in content.attachments:
            message.attach(filename, data, mimetype)
        return message


def message_id(row: OutboxEmail) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(row.key.encode()).hexdigest()[:24]
    return f"<outbox.{row.pk}.{digest}@{domain}>"


def _check_still_wanted(row: OutboxEmail, stream: str) -> None:
    if not row.recipient.is_active:
        raise Skip("The recipient's account is deactivated.")
    membership = None
    if row.agency:
        membership = Membership.all_agencies.filter(agency=row.agency, user=row.recipient).first()
        if membership is None:
            raise Skip("The recipient is no longer a member of the agency.")
    if not subscriptions.wants(membership=membership, user=row.recipient, stream=stream):
        raise Skip(f"The recipient turned off {subscriptions.STREAM_NAMES[stream]}.")


def _progress_report(renderer: Renderer, row: OutboxEmail) -> Content:
    with agency_scope(row.agency):
        if not Pledge.objects.filter(status__in=SIGNED_OPEN_STATUSES).exists():
            raise Skip("The agency has no open pledge.")
    report, pdf = renderer.report(row.agency)
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
    from pledges.progress import agency_evaluation

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
    from partnerships.queries import partnerships
    from partnerships.standing import Status, renewed_in_time

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
    from pledges.report import lapsing_training

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
    from pledges.reviews import REQUIREMENT_TITLES

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
    digest = staff_queries.weekly_digest(timezone.localdate())
    return Content({"digest": digest, "staff_url": settings.SITE_URL + reverse("staff:dashboard")})


COMPOSERS: dict[str, Callable[[Renderer, OutboxEmail], Content]] = {
    EmailKind.PROGRESS_REPORT: _progress_report,
    EmailKind.TARGET_REMINDER: _target_reminder,
    EmailKind.PARTNERSHIP_EXPIRING: _partnership_expiring,
    EmailKind.TRAINING_EXPIRING: _training_expiring,
    EmailKind.SUBMISSION_RETURNED: _submission_returned,
    EmailKind.CERTIFICATE_ISSUED: _certificate_issued,
    EmailKind.STAFF_DIGEST: _staff_digest,
}
