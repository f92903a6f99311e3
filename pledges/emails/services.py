"""Writes of email choices: a member's choice of the agency's emails, a staff member's digest,
and what an unsubscribe link turns off — each audited with how it was made."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from agencies.audit import record_event
from agencies.models import Agency, Membership, Region, RegionMembership, User
from pledges.emails.subscriptions import Stream, preference_of
from pledges.models import (
    EmailPreference,
    RegionEmailPreference,
    ReportFrequency,
    StaffEmailPreference,
)


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


def region_digest_set(
    *, region: Region, user: User, monthly_digest: bool, via: str = "their email choices"
) -> RegionEmailPreference:
    """Save a region team member's choice of the region's monthly digest (audited, in the
    region's trail)."""
    with transaction.atomic():
        saved, _ = RegionEmailPreference.all_regions.update_or_create(
            region=region,
            user=user,
            defaults={"monthly_digest": monthly_digest, "updated_at": timezone.now()},
        )
        record_event(
            action="emails.region_digest_changed",
            actor=user,
            region=region,
            obj=saved,
            values={"monthly_digest": monthly_digest, "via": via},
        )
    return saved


def unsubscribe(
    *, user: User, agency: Agency | None, stream: str, region: Region | None = None
) -> None:
    """Turn one stream off for the user, as their unsubscribe link asks."""
    if stream == Stream.DIGEST:
        digest_set(user=user, weekly_digest=False, via="an unsubscribe link in an email")
        return
    if stream == Stream.REGION_DIGEST:
        if RegionMembership.all_regions.filter(region=region, user=user).exists():
            region_digest_set(
                region=region,
                user=user,
                monthly_digest=False,
                via="an unsubscribe link in an email",
            )
        return  # no longer on the team: nothing of this region will reach them anyway
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
