"""Reads for organizations and partnerships, and the partnership requirement of the pledge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from agencies.models import Agency
from agencies.tenancy import agency_scope
from onemind.lib.findings import Finding
from partnerships.models import MentalHealthOrganization, Partnership, PartnershipVersion
from partnerships.standing import Standing, standing


@dataclass(frozen=True)
class PartnershipRow:
    partnership: Partnership
    standing: Standing


def organizations(agency: Agency) -> QuerySet[MentalHealthOrganization]:
    with agency_scope(agency):
        return MentalHealthOrganization.objects.order_by("name")


def partnerships(agency: Agency, on: date) -> list[PartnershipRow]:
    """Every partnership of the agency with where it stands on `on`; three queries."""
    with agency_scope(agency):
        versions = PartnershipVersion.objects.select_related("document", "created_by")
        rows = (
            Partnership.objects.select_related("organization")
            .prefetch_related(Prefetch("versions", queryset=versions))
            .order_by("organization__name", "title")
        )
        return [PartnershipRow(p, standing(p, p.versions.all(), on)) for p in rows]


def partnership(agency: Agency, public_id) -> Partnership:
    """One partnership with its versions, newest first (DoesNotExist for another agency's)."""
    with agency_scope(agency):
        versions = PartnershipVersion.objects.select_related("document", "created_by").order_by(
            "-created_at"
        )
        return (
            Partnership.objects.select_related("organization", "created_by")
            .prefetch_related(Prefetch("versions", queryset=versions))
            .get(public_id=public_id)
        )


def partnership_finding(agency: Agency, on: date) -> Finding:
    """ "A partnership in force on `on`": signed, effective, not expired or terminated, and
    naming an alternative to arrest or civil commitment — with the reasons when not."""
    return finding_from(partnerships(agency, on))


def finding_from(rows: list[PartnershipRow]) -> Finding:
    """The partnership requirement judged from an agency's rows of `partnerships`."""
    if any(row.standing.in_force and row.standing.counts for row in rows):
        return Finding(met=True)
    if not rows:
        return Finding(
            met=False,
            reasons=["No partnership (MOU) with a mental-health organization is on record."],
        )
    return Finding(met=False, reasons=[row.standing.problem for row in rows])


def versions_in_force(on: date) -> QuerySet[PartnershipVersion]:
    """Across all agencies, in SQL: each partnership's version in force on `on` that counts.

    The same rule as `standing.standing`, written set-wise for the progress of every
    agency at once; tests hold the two to the same answers.
    """
    signed_by_then = Q(signed_on__lte=on, effective_on__lte=on)
    later = PartnershipVersion.all_agencies.filter(
        signed_by_then, partnership=OuterRef("partnership")
    ).filter(
        Q(effective_on__gt=OuterRef("effective_on"))
        | Q(effective_on=OuterRef("effective_on"), signed_on__gt=OuterRef("signed_on"))
        | Q(
            effective_on=OuterRef("effective_on"),
            signed_on=OuterRef("signed_on"),
            created_at__gt=OuterRef("created_at"),
        )
        | Q(
            effective_on=OuterRef("effective_on"),
            signed_on=OuterRef("signed_on"),
            created_at=OuterRef("created_at"),
            pk__gt=OuterRef("pk"),
        )
    )
    return (
        PartnershipVersion.all_agencies.filter(signed_by_then)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on) | Q(auto_renews=True))
        .filter(Q(partnership__terminated_on__isnull=True) | Q(partnership__terminated_on__gt=on))
        .exclude(alternative="")  # forms and services strip it
        .exclude(Exists(later))
    )


def agencies_with_partnership_in_force(on: date) -> QuerySet[Agency]:
    """Agencies meeting the partnership requirement on `on`, as one query."""
    return Agency.objects.filter(Exists(versions_in_force(on).filter(agency=OuterRef("pk"))))
