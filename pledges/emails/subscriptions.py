"""Who wants which email: members' choices (or their role's defaults), program staff's
weekly digest, and the signed links that unsubscribe with one click (RFC 8058). The choices
are saved by `pledges.emails.services`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from agencies.models import Agency, Membership, Region, RegionMembership, Role, User
from agencies.staff import ADMINISTER, REVIEW
from pledges.models import (
    EmailKind,
    EmailPreference,
    RegionEmailPreference,
    ReportFrequency,
    StaffEmailPreference,
)


class Stream:
    """What one unsubscribe link turns off."""

    REPORTS = "reports"  # the agency's progress report
    REMINDERS = "reminders"  # the agency's reminders and notices
    DIGEST = "digest"  # program staff's weekly digest
    REGION_DIGEST = "region_digest"  # a region team's monthly digest


STREAM_NAMES = {
    Stream.REPORTS: "progress reports",
    Stream.REMINDERS: "reminders and notices",
    Stream.DIGEST: "the weekly program digest",
    Stream.REGION_DIGEST: "the monthly region digest",
}


def stream_of(kind: str) -> str:
    if kind == EmailKind.PROGRESS_REPORT:
        return Stream.REPORTS
    if kind == EmailKind.STAFF_DIGEST:
        return Stream.DIGEST
    if kind == EmailKind.REGION_DIGEST:
        return Stream.REGION_DIGEST
    return Stream.REMINDERS


@dataclass(frozen=True)
class Preference:
    progress_report: str  # a ReportFrequency
    reminders: bool

    def wants(self, stream: str) -> bool:
        if stream == Stream.REPORTS:
            return self.progress_report != ReportFrequency.OFF
        return self.reminders


# Coordinators hear about everything; editors, who keep the records, get the reminders;
# viewers (often the chief) choose for themselves.
ROLE_DEFAULTS = {
    Role.COORDINATOR: Preference(ReportFrequency.MONTHLY, reminders=True),
    Role.EDITOR: Preference(ReportFrequency.OFF, reminders=True),
    Role.VIEWER: Preference(ReportFrequency.OFF, reminders=False),
}


def preference_of(membership: Membership) -> Preference:
    """The member's saved choice, else their role's default."""
    saved = EmailPreference.all_agencies.filter(
        agency_id=membership.agency_id, user_id=membership.user_id
    ).first()
    if saved is None:
        return ROLE_DEFAULTS[membership.role]
    return Preference(saved.progress_report, saved.reminders)


@dataclass(frozen=True)
class Subscriber:
    agency_id: int
    user_id: int
    preference: Preference


def subscribers(agency_ids: list[int] | None, stream: str) -> list[Subscriber]:
    """Active members of these agencies (all agencies when None) who want `stream`: one
    query, each member's saved choice joined to their membership."""
    saved = EmailPreference.all_agencies.filter(agency=OuterRef("agency"), user=OuterRef("user"))
    members = Membership.all_agencies.filter(user__is_active=True).annotate(
        saved_report=Subquery(saved.values("progress_report")[:1]),
        saved_reminders=Subquery(saved.values("reminders")[:1]),
    )
    if agency_ids is not None:
        members = members.filter(agency_id__in=agency_ids)
    found = []
    for agency_id, user_id, role, report, reminders in members.order_by(
        "agency_id", "user_id"
    ).values_list("agency_id", "user_id", "role", "saved_report", "saved_reminders"):
        preference = ROLE_DEFAULTS[role] if report is None else Preference(report, bool(reminders))
        if preference.wants(stream):
            found.append(Subscriber(agency_id, user_id, preference))
    return found


def program_staff():
    """Active program reviewers and administrators (staff roles are groups)."""
    codenames = [name.split(".", 1)[1] for name in (REVIEW, ADMINISTER)]
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename__in=codenames)
            | Q(user_permissions__codename__in=codenames)
        )
        .distinct()
    )


def digest_recipients():
    """Program staff who have not turned the weekly digest off."""
    off = StaffEmailPreference.objects.filter(weekly_digest=False).values("user")
    return program_staff().exclude(pk__in=off)


def wants(*, membership: Membership | None, user: User, stream: str) -> bool:
    """Whether `user` (their `membership` of the email's agency, for agency streams) wants
    `stream` now: checked again just before sending."""
    if stream == Stream.DIGEST:
        return digest_recipients().filter(pk=user.pk).exists()
    return preference_of(membership).wants(stream)


def region_digest_recipients(region: Region | None = None) -> QuerySet[RegionMembership]:
    """Active members of the region's team (of every region's, when None) who have not
    turned its monthly digest off: one query."""
    off = RegionEmailPreference.all_regions.filter(
        region=OuterRef("region"), user=OuterRef("user"), monthly_digest=False
    )
    team = RegionMembership.all_regions.filter(user__is_active=True).exclude(Exists(off))
    if region is not None:
        team = team.filter(region=region)
    return team.order_by("region_id", "user_id")


def wants_region_digest(*, region: Region, user: User) -> bool:
    """Whether `user` is on the region's team and has not turned its digest off: checked
    again just before sending."""
    return region_digest_recipients(region).filter(user=user).exists()


UNSUBSCRIBE_SALT = "pledges.unsubscribe"


def unsubscribe_token(
    *, user_id: int, agency_id: int | None, stream: str, region_id: int | None = None
) -> str:
    """The signed link's token: a region's stream names the region too."""
    payload = [user_id, agency_id or 0, stream]
    if region_id:
        payload.append(region_id)
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(
    *, user_id: int, agency_id: int | None, stream: str, region_id: int | None = None
) -> str:
    token = unsubscribe_token(
        user_id=user_id, agency_id=agency_id, stream=stream, region_id=region_id
    )
    return settings.SITE_URL + reverse("email_unsubscribe", kwargs={"token": token})


@dataclass(frozen=True)
class UnsubscribeLink:
    user: User
    agency: Agency | None
    stream: str
    region: Region | None = None

    @property
    def stream_name(self) -> str:
        return STREAM_NAMES[self.stream]


def read_unsubscribe_token(token: str) -> UnsubscribeLink | None:
    """What a link asks to turn off; None for a forged, damaged or stale one."""
    try:
        user_id, agency_id, stream, *rest = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if stream not in STREAM_NAMES or len(rest) > 1:
        return None
    region_id = rest[0] if rest else None
    if (stream == Stream.REGION_DIGEST) != bool(region_id):
        return None
    user = User.objects.filter(pk=user_id).first()
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    if user is None or (agency_id and agency is None) or (region_id and region is None):
        return None
    return UnsubscribeLink(user, agency, stream, region)
