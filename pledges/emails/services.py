"""Writes of email choices: a member's choice of the agency's emails, a staff member's digest,
and what an unsubscribe link turns off — each audited with how it was made."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from agencies.audit import record_event
from agencies.models import Agency, Membership, User
from pledges.emails.subscriptions import Stream, preference_of
from pledges.models import EmailPreference, ReportFrequency, StaffEmailPreference


def preference_set(
    *,
    agency: Agency,
    user: User,
    progress_report: str,
    reminders: bool,
    via: str = "their email choices",
) -> EmailPreference:
    """Save a member's choice of the agency's emails (audited, with how it was made)."""
    if progress_report not in ReportFrequency.values:
        raise ValueError(f"Unknown report frequency {progress_report!r}.")
    with transaction.atomic():
        membership = Membership.all_agencies.get(agency=agency, user=user)
        before = preference_of(membership)
        saved, _ = EmailPreference.all_agencies.update_or_create(
            agency=agency,
            user=user,
            defaults={
                "progress_report": progress_report,
                "reminders": reminders,
                "updated_at": timezone.now(),
            },
        )
        record_event(
            action="emails.preferences_changed",
            actor=user,
            agency=agency,
            obj=saved,
            changes={
                "progress_report": [before.progress_report, progress_report],
                "reminders": [before.reminders, reminders],
            },
            values={"via": via},
        )
    return saved


def digest_set(
    *, user: User, weekly_digest: bool, via: str = "the staff emails page"
) -> StaffEmailPreference:
    with transaction.atomic():
        saved, _ = StaffEmailPreference.objects.update_or_create(
            user=user, defaults={"weekly_digest": weekly_digest, "updated_at": timezone.now()}
        )
        record_event(
            action="emails.digest_changed",
            actor=user,
            obj=saved,
            values={"weekly_digest": weekly_digest, "via": via},
        )
    return saved


def unsubscribe(*, user: User, agency: Agency | None, stream: str) -> None:
    """Turn one stream off for the user, as their unsubscribe link asks."""
    if stream == Stream.DIGEST:
        digest_set(user=user, weekly_digest=False, via="an unsubscribe link in an email")
        return
    membership = Membership.all_agencies.filter(agency=agency, user=user).first()
    if membership is None:
        return  # no longer a member: nothing of this agency will reach them anyway
    current = preference_of(membership)
    preference_set(
        agency=agency,
        user=user,
        progress_report=ReportFrequency.OFF
        if stream == Stream.REPORTS
        else current.progress_report,
        reminders=False if stream == Stream.REMINDERS else current.reminders,
        via="an unsubscribe link in an email",
    )
