"""Reads for regions: who runs them, and which agencies are members and share what."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies.models import Agency, AuditEvent, User
from agencies.regions.models import (
    CURRENT_STATUSES,
    MemberAgency,
    MemberAgencyStatus,
    Region,
    RegionInvitation,
    RegionMembership,
)

# What a region's pages read of a standing; of the agency, only its name, place and ORI.
STANDING_FIELDS = [
    "public_id", "region", "agency", "status", "sharing", "invited_at", "answered_at", "ended_at",
    "agency__public_id", "agency__name", "agency__locality", "agency__region", "agency__ori",
]  # fmt: skip


def user_region_memberships(user: User) -> QuerySet[RegionMembership]:
    """Every region the user helps run (for the header and the home page)."""
    return (
        RegionMembership.all_regions.filter(user=user)
        .select_related("region")
        .order_by("region__name")
    )


def member_agencies(region: Region) -> QuerySet[MemberAgency]:
    """The region's member agencies now: those that accepted and have not left."""
    return MemberAgency.all_regions.filter(
        region=region, status=MemberAgencyStatus.MEMBER
    ).select_related("agency")


def shared_agency(region: Region, agency_public_id) -> MemberAgency | None:
    """The member agency's standing with the region, if it is a member now."""
    return member_agencies(region).filter(agency__public_id=agency_public_id).first()


def agency_regions(agency: Agency) -> QuerySet[MemberAgency]:
    """The agency's standing with every region that invited it or that it joined."""
    return MemberAgency.all_regions.filter(agency=agency).select_related("region")


def own_region_like(user: User, profile: dict) -> Region | None:
    """The region of this name and country the user helps run, if there is one."""
    return Region.objects.filter(
        name__iexact=profile.get("name", ""),
        country=profile.get("country", ""),
        pk__in=RegionMembership.all_regions.filter(user=user).values("region"),
    ).first()


def region_team(region: Region) -> QuerySet[RegionMembership]:
    """The people who run the region, coordinators first."""
    return (
        RegionMembership.all_regions.filter(region=region)
        .select_related("user")
        .order_by("role", "user__email")
    )


def open_region_invitations(region: Region) -> QuerySet[RegionInvitation]:
    return RegionInvitation.all_regions.filter(
        region=region, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def region_standings(region: Region) -> QuerySet[MemberAgency]:
    """Every agency the region asked, with where each stands now (and past rows as history),
    with no more of the agency than its name, place and ORI."""
    return (
        MemberAgency.all_regions.filter(region=region)
        .select_related("agency")
        .only(*STANDING_FIELDS)
        .order_by("agency__name", "-invited_at")
    )


def agencies_to_invite(*, ori: str = "", name: str = "", state: str = "") -> QuerySet[Agency]:
    """Verified agencies a region may ask to join: the one with this ORI, or those whose name
    holds `name` (in `state`, when given). Unverified agencies are not offered."""
    agencies = Agency.objects.filter(verified=True)
    if ori:
        agencies = agencies.filter(ori__iexact=ori)
    else:
        agencies = agencies.filter(name__icontains=name)
        if state:
            agencies = agencies.filter(region__iexact=state)
    return agencies.only("public_id", "name", "locality", "region", "country", "ori").order_by(
        "name", "region"
    )


def region_audit_trail(region: Region) -> QuerySet[AuditEvent]:
    """The region's events, newest first: its own, and its agencies' dealings with it."""
    return AuditEvent.objects.filter(region=region).select_related("actor", "agency")


def regions_for_staff(*, verified: bool | None = None) -> QuerySet[Region]:
    """Every region, awaiting verification first, each with its member agency count."""
    members = (
        MemberAgency.all_regions.filter(region=OuterRef("pk"), status=MemberAgencyStatus.MEMBER)
        .order_by()
        .values("region")
        .annotate(n=Count("pk"))
        .values("n")
    )
    regions = Region.objects.annotate(member_count=Coalesce(Subquery(members), 0))
    if verified is not None:
        regions = regions.filter(verified=verified)
    return regions.order_by("verified", "name")


def agency_to_invite(public_id: str) -> Agency | None:
    """The verified agency with this public id, if there is one."""
    try:
        return Agency.objects.filter(verified=True).get(public_id=public_id)
    except (Agency.DoesNotExist, ValidationError):
        return None


def current_standings(region: Region, agencies: list[Agency]) -> dict[int, MemberAgency]:
    """Where each of `agencies` stands with the region now (invited or member), by agency."""
    return {
        standing.agency_id: standing
        for standing in MemberAgency.all_regions.filter(
            region=region, agency__in=agencies, status__in=CURRENT_STATUSES
        ).only("agency", "status", "region")
    }
