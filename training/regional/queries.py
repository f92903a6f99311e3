"""Reads for regional classes: what the region (or the host) sees of each agency's part,
only as far as that agency shares; and an agency's attendees waiting for its decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from agencies.models import Agency, MemberAgency, MemberAgencyStatus, Region
from agencies.regions.queries import member_agencies
from training.models import Course, CourseStatus, Person
from training.queries import roster_matches
from training.regional.models import (
    RECORDED_STATUSES,
    AttendeeStatus,
    ClassAttendee,
    RegionalClass,
)

# People offered to confirm a pending attendee as, at a time.
CANDIDATES_LIMIT = 20


def regional_courses() -> QuerySet[Course]:
    """The courses a regional class can be of: the program's catalogue, as every member
    agency holds it (an agency's own proposals are that agency's alone)."""
    return Course.objects.filter(agency=None).exclude(status=CourseStatus.REJECTED)


def member_agency_choices(region: Region) -> QuerySet[Agency]:
    """The agencies whose people a class of the region can record: its members now."""
    return Agency.objects.filter(pk__in=member_agencies(region).values("agency")).order_by("name")


def region_classes(region: Region) -> QuerySet[RegionalClass]:
    """The region's classes, latest first, with how many attendees each listed."""
    with_counts = RegionalClass.all_regions.filter(region=region).annotate(
        attendee_count=Count("attendees")
    )
    return with_counts.select_related("course", "host_agency").order_by("-completed_on", "-pk")


def regions_to_host_for(agency: Agency) -> QuerySet[MemberAgency]:
    """The regions the agency is a member of now: it may host a class for each."""
    return (
        MemberAgency.all_regions.filter(agency=agency, status=MemberAgencyStatus.MEMBER)
        .select_related("region")
        .order_by("region__name")
    )


def hosted_classes(agency: Agency) -> QuerySet[RegionalClass]:
    """The classes the agency hosted for its regions, latest first."""
    return (
        RegionalClass.all_regions.filter(host_agency=agency)
        .annotate(attendee_count=Count("attendees"))
        .select_related("course", "region")
        .order_by("-completed_on", "-pk")
    )


@dataclass(frozen=True)
class Party:
    """One attendee agency's part of a class, as the region sees it: every attendee and their
    status when the agency shares its roster; otherwise how many were sent and, once the
    agency has decided on every one it could not match, how many it recorded."""

    agency: Agency
    sent: int
    shares_roster: bool
    attendees: list[ClassAttendee]  # empty unless the agency shares its roster
    recorded: int | None  # None while the agency still has attendees to decide on

    @property
    def waiting(self) -> bool:
        return self.recorded is None


def class_parties(regional_class: RegionalClass, own_agency: Agency | None = None) -> list[Party]:
    """Each attendee agency's part of the class, read as far as the agency shares with the
    region now; a host agency (`own_agency`) sees its own attendees in full, and the others'
    only while it is a member of the region itself."""
    sharing = {m.agency_id: m.shares_roster for m in member_agencies(regional_class.region)}
    if own_agency is not None:
        if own_agency.pk not in sharing:  # the host left: the region's view is not its own
            sharing = {}
        sharing[own_agency.pk] = True
    rows = (
        ClassAttendee.all_agencies.filter(regional_class=regional_class)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )
    by_agency: dict[int, list[ClassAttendee]] = {}
    for row in rows:
        by_agency.setdefault(row.agency_id, []).append(row)
    parties = []
    for attendees in by_agency.values():
        agency = attendees[0].agency
        statuses = [a.status for a in attendees]
        shares_roster = sharing.get(agency.pk, False)
        decided = AttendeeStatus.PENDING not in statuses
        parties.append(
            Party(
                agency=agency,
                sent=len(attendees),
                shares_roster=shares_roster,
                attendees=attendees if shares_roster else [],
                recorded=sum(s in RECORDED_STATUSES for s in statuses) if decided else None,
            )
        )
    return parties


def pending_attendees(agency: Agency) -> QuerySet[ClassAttendee]:
    """The agency's attendees of regional classes waiting for its decision, oldest first.
    Inside the agency's scope."""
    return (
        ClassAttendee.objects.filter(agency=agency, status=AttendeeStatus.PENDING)
        .select_related("regional_class__course", "regional_class__region")
        .order_by("regional_class__completed_on", "last_name", "first_name")
    )


def pending_count(agency: Agency) -> int:
    return ClassAttendee.objects.filter(agency=agency, status=AttendeeStatus.PENDING).count()


def attendee_candidates(attendee: ClassAttendee, find: str) -> list[Person]:
    """People on the roster the attendee may be: matches for `find`, or by default for the
    last name written on the sheet. Active people first (the statuses sort so)."""
    people = Person.objects.all()
    matches = roster_matches(people, find or attendee.last_name)
    return list(matches.order_by("status", "last_name", "first_name")[:CANDIDATES_LIMIT])
