"""Reads of shared partnerships: who may be named a party, and what each party and each
region may see of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from agencies.models import Agency, MemberAgency, MemberAgencyStatus, Region
from agencies.regions.queries import member_agencies
from agencies.tenancy import agency_scope
from partnerships.models import Partnership, PartnershipParty, PartnershipVersion, PartyStatus
from partnerships.standing import Standing, standing


def fellow_members(agency: Agency) -> QuerySet[Agency]:
    """The agencies the agency may name as parties: members now of a region it is a member of
    now."""
    regions = MemberAgency.all_regions.filter(
        agency=agency, status=MemberAgencyStatus.MEMBER
    ).values("region")
    fellows = MemberAgency.all_regions.filter(
        agency=OuterRef("pk"), status=MemberAgencyStatus.MEMBER, region__in=regions
    )
    return Agency.objects.filter(Exists(fellows)).exclude(pk=agency.pk).order_by("name")


def region_members(region: Region) -> QuerySet[Agency]:
    """The agencies a region may name as parties: its members now."""
    return Agency.objects.filter(pk__in=member_agencies(region).values("agency")).order_by("name")


def _with_versions_and_parties(
    partnerships: QuerySet[Partnership], parties: QuerySet[PartnershipParty] | None = None
) -> QuerySet[Partnership]:
    versions = PartnershipVersion.all_agencies.select_related("document", "created_by")
    if parties is None:
        parties = PartnershipParty.all_agencies
    parties = parties.select_related("agency").order_by("agency__name")
    return partnerships.select_related("organization", "agency", "region").prefetch_related(
        Prefetch("versions", queryset=versions.order_by("-created_at")),
        Prefetch("parties", queryset=parties),
    )


def visible_partnership(agency: Agency, public_id) -> tuple[Partnership, PartnershipParty | None]:
    """A partnership the agency may read, with its versions (newest first) and parties, and
    the agency's part in it when it is shared: the agency's own, or a shared one that names it.
    DoesNotExist for any other."""
    with agency_scope(agency):
        party = PartnershipParty.objects.filter(partnership__public_id=public_id).first()
        if party is None:  # its own partnership, shared or not
            partnership = _with_versions_and_parties(Partnership.objects).get(public_id=public_id)
            party = next((p for p in partnership.parties.all() if p.agency_id == agency.pk), None)
            return partnership, party
    partnership = _with_versions_and_parties(Partnership.all_agencies).get(pk=party.partnership_id)
    return partnership, party


def visible_version(agency: Agency, partnership_id, version_id) -> PartnershipVersion:
    """A version of a partnership the agency may read (DoesNotExist otherwise)."""
    partnership, _ = visible_partnership(agency, partnership_id)
    return _version_of(partnership, version_id)


def _version_of(partnership: Partnership, version_id) -> PartnershipVersion:
    for version in partnership.versions.all():
        if str(version.public_id) == str(version_id):
            return version
    raise PartnershipVersion.DoesNotExist


def awaiting_answer(agency: Agency) -> QuerySet[PartnershipParty]:
    """Shared partnerships naming the agency that wait for its coordinator's answer."""
    with agency_scope(agency):
        return (
            PartnershipParty.objects.filter(status=PartyStatus.AWAITING)
            .select_related("partnership__organization")
            .order_by("named_at")
        )


@dataclass(frozen=True)
class RegionPartnershipRow:
    partnership: Partnership
    standing: Standing  # of the agreement itself, by its dates


def _recorded_by(region: Region) -> QuerySet[Partnership]:
    """The partnerships the region recorded, as far as it may read them now: each is its
    lead's record, read while the lead is a member, with the parts of the parties that are
    members (an agency that left the region takes its answers out of the region's view)."""
    members = member_agencies(region).values("agency")
    return _with_versions_and_parties(
        Partnership.all_agencies.filter(region=region, agency__in=members),
        PartnershipParty.all_agencies.filter(agency__in=members),
    )


def region_partnerships(region: Region, on: date) -> list[RegionPartnershipRow]:
    """The partnerships the region recorded, with where each stands; four queries."""
    rows = _recorded_by(region).order_by("title", "created_at")
    return [RegionPartnershipRow(p, standing(p, p.versions.all(), on)) for p in rows]


def region_partnership(region: Region, public_id) -> Partnership:
    """One partnership the region recorded (DoesNotExist for any other)."""
    return _recorded_by(region).get(public_id=public_id)


def region_version(region: Region, partnership_id, version_id) -> PartnershipVersion:
    """A version of a partnership the region recorded (DoesNotExist otherwise)."""
    return _version_of(region_partnership(region, partnership_id), version_id)
