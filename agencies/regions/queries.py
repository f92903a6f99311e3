"""Reads for regions: who runs them, and which agencies are members and share what."""

from __future__ import annotations

from django.db.models import QuerySet

from agencies.models import Agency, User
from agencies.regions.models import MemberAgency, MemberAgencyStatus, Region, RegionMembership


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
