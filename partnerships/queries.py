"""Reads for organizations and partnerships, and the partnership requirement of the pledge:
in Python for one agency with its reasons (`partnership_finding`), in SQL for every agency at
once (`agencies_with_partnership_in_force`); tests hold the two to the same answers, shared
partnerships included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from agencies.models import Agency
from agencies.tenancy import agency_scope
from onemind.lib.findings import Finding
from partnerships.models import (
    COUNTING_STATUSES,
    MentalHealthOrganization,
    Partnership,
    PartnershipParty,
    PartnershipVersion,
    PartyStatus,
)
from partnerships.standing import Standing, standing


@dataclass(frozen=True)
class PartnershipRow:
    partnership: Partnership
    standing: Standing  # as it stands for the agency the rows were read for
    party: PartnershipParty | None = None  # that agency's part, when the partnership is shared

    @property
    def shared(self) -> bool:
        return self.party is not None


def organizations(agency: Agency) -> QuerySet[MentalHealthOrganization]:
    with agency_scope(agency):
        return MentalHealthOrganization.objects.order_by("name")


def applying_to(agency: Agency) -> Q:
    """The partnerships that concern the agency: its own that are not shared, and the shared
    ones it is a party to (unless it declined)."""
    with agency_scope(agency):
        as_party = PartnershipParty.objects.exclude(status=PartyStatus.DECLINED)
    shared = PartnershipParty.all_agencies.filter(partnership=OuterRef("pk"))
    return (Q(agency=agency) & ~Exists(shared)) | Exists(
        as_party.filter(partnership=OuterRef("pk"))
    )


def partnerships(agency: Agency, on: date) -> list[PartnershipRow]:
    """Every partnership that concerns the agency, with where it stands for the agency on
    `on`: its own, and the shared ones it is a party to (a shared one's lead may be another
    agency: its versions are read through the agency's party row). Three queries."""
    versions = PartnershipVersion.all_agencies.select_related("document", "created_by")
    own_part = PartnershipParty.all_agencies.filter(agency=agency)
    rows = (
        Partnership.all_agencies.filter(applying_to(agency))
        .select_related("organization", "agency")
        .prefetch_related(
            Prefetch("versions", queryset=versions),
            Prefetch("parties", queryset=own_part, to_attr="own_part"),
        )
        .order_by("organization__name", "title")
    )
    return [_row(p, p.own_part[0] if p.own_part else None, on) for p in rows]


def _row(partnership: Partnership, party: PartnershipParty | None, on: date) -> PartnershipRow:
    versions = partnership.versions.all()
    return PartnershipRow(partnership, standing(partnership, versions, on, party), party)


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


def is_shared(partnership: Partnership) -> bool:
    return PartnershipParty.all_agencies.filter(partnership=partnership).exists()


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


def parties_counting(on: date) -> QuerySet[PartnershipParty]:
    """Across all agencies: the parties a shared partnership applies to on `on` — confirmed,
    and not left by then (the same rule as `standing.standing` with a party)."""
    return PartnershipParty.all_agencies.filter(status__in=COUNTING_STATUSES).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on)
    )


def agencies_with_partnership_in_force(on: date) -> QuerySet[Agency]:
    """Agencies meeting the partnership requirement on `on`, as one query: by a partnership
    of their own that is not shared, or by a shared one that applies to them that day."""
    in_force = versions_in_force(on)
    shared = PartnershipParty.all_agencies.filter(partnership=OuterRef("partnership"))
    own = in_force.filter(agency=OuterRef("pk")).exclude(Exists(shared))
    as_party = parties_counting(on).filter(
        agency=OuterRef("pk"), partnership__in=in_force.values("partnership")
    )
    return Agency.objects.filter(Exists(own) | Exists(as_party))
