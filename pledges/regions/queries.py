"""Reads for a region's pages: its member agencies now, each with its latest pledge and
progress snapshot joined in SQL as the staff agency list reads them (a fixed number of
queries whatever the number of agencies), the totals across the region, one member agency
as the region sees it, and the report and monthly digest made of the same figures.

Nothing here names a person of an agency: the roster of a member agency is read only by
`shared_roster`, and only for an agency that shares it now.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from agencies.models import (
    Agency,
    MemberAgency,
    MemberAgencyStatus,
    OnboardingInvitation,
    Region,
    RegionInvitation,
    RegionMembership,
    Sharing,
)
from agencies.regions.queries import member_agencies
from onemind.lib.dates import day
from pledges import queries as pledge_queries
from pledges.engine import evaluation_cache
from pledges.engine.evaluation import Evaluation, Requirement, as_percent, per_mille
from pledges.engine.pace import Pace
from pledges.models import (
    SIGNED_OPEN_STATUSES,
    Pledge,
    PledgeStatus,
    ProgramRules,
    place_in_words,
)
from pledges.program.queries import with_progress
from training.queries import RosterFilters, roster_page

PAGE_SIZE = 50
DUE_SOON_DAYS = 90

# The four requirements, in the order the agency's dashboard shows them, with the column of
# the progress snapshot that says whether each is met.
REQUIREMENTS = {
    "partnership": "partnership_met",
    "policy": "policy_met",
    "cit": "cit_met",
    "coverage": "coverage_met",
}

REQUIREMENT_NAMES = {
    "partnership": gettext_lazy("Partnership"),
    "policy": gettext_lazy("Policy"),
    "cit": gettext_lazy("CIT minimum"),
    "coverage": gettext_lazy("Everyone trained"),
}

# Signed and still standing: an open pledge, or one that ended certified.
PLEDGED = Q(pledge_status__in=[*SIGNED_OPEN_STATUSES, PledgeStatus.CERTIFIED])
OPEN = Q(pledge_status__in=SIGNED_OPEN_STATUSES)
# On pace: an open pledge whose projected date (at the last 90 days' rate) is on or before
# its target date. An agency without enough history yet is neither on pace nor at risk.
ON_PACE = OPEN & Q(at_risk=False, projected_on__isnull=False)
AT_RISK = OPEN & Q(at_risk=True)

SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "state": ("region", "name", "pk"),
    "target": (F("pledge_target").asc(nulls_last=True), "name", "pk"),
    "-target": (F("pledge_target").desc(nulls_last=True), "name", "pk"),
    "trained": (F("trained_per_mille").asc(nulls_first=True), "name", "pk"),
    "-trained": (F("trained_per_mille").desc(nulls_last=True), "name", "pk"),
}


def region_today() -> date:
    """A region spans agencies in several time zones: its pages and digest read the day as
    the program's calendar has it."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.PROGRAM_TIME_ZONE))


@dataclass(frozen=True)
class RegionFilters:
    state: str = ""  # the agency's state or province code
    status: str = ""  # a pledge status, or "none" (no pledge at all)
    at_risk: bool = False
    unmet: str = ""  # a key of REQUIREMENTS: agencies that do not meet it
    sort: str = "name"


def members(region: Region, filters: RegionFilters = RegionFilters()) -> QuerySet[Agency]:
    """The region's member agencies now, each with what it shares, its pledge and its
    progress (every requirement's result, the pace), filtered and sorted."""
    standing = member_agencies(region).filter(agency=OuterRef("pk"))
    rows = with_progress(
        Agency.objects.filter(pk__in=_member_ids(region)), requirements=True
    ).annotate(
        sharing=Subquery(standing.values("sharing")[:1]),
        trained_per_mille=F("covered") * 1000 / NullIf(F("in_scope"), 0),
    )
    if filters.state:
        rows = rows.filter(region__iexact=filters.state)
    if filters.status == "none":
        rows = rows.filter(pledge_status__isnull=True)
    elif filters.status:
        rows = rows.filter(pledge_status=filters.status)
    if filters.at_risk:
        rows = rows.filter(AT_RISK)
    if filters.unmet in REQUIREMENTS:
        column = REQUIREMENTS[filters.unmet]
        rows = rows.filter(Q(**{column: False}) | Q(**{f"{column}__isnull": True}))
    return rows.order_by(*SORTS.get(filters.sort, SORTS["name"]))


@dataclass(frozen=True)
class MemberRow:
    """One member agency's line on the region's dashboard, its CSV and its report: the
    agency with its pledge and progress (as `members` annotates it), in words and shares."""

    agency: Agency

    @property
    def pledge_words(self) -> str:
        status = self.agency.pledge_status
        return PledgeStatus(status).label if status else gettext("Not pledged")

    @property
    def is_open(self) -> bool:
        return self.agency.pledge_status in SIGNED_OPEN_STATUSES

    @property
    def target_date(self) -> date | None:
        return self.agency.pledge_target if self.is_open else None

    @property
    def on_pace(self) -> bool:
        return self.is_open and not self.agency.at_risk and self.agency.projected_on is not None

    @property
    def at_risk(self) -> bool:
        return self.is_open and bool(self.agency.at_risk)

    @property
    def pace_words(self) -> str:
        if self.at_risk:
            return gettext("At risk")
        return gettext("On pace") if self.on_pace else "—"

    @property
    def requirements(self) -> list[tuple[str, bool | None]]:
        """(key, met) of the four requirements; None before the first recompute."""
        return [(key, getattr(self.agency, column)) for key, column in REQUIREMENTS.items()]

    @property
    def computed(self) -> bool:
        """Whether the agency's progress was worked out yet (its first recompute)."""
        return self.agency.all_met is not None

    @property
    def met_count(self) -> int:
        return sum(bool(met) for _, met in self.requirements)

    @property
    def unmet_names(self) -> list[str]:
        return [str(REQUIREMENT_NAMES[key]) for key, met in self.requirements if not met]

    @property
    def cit_share(self) -> str:
        return _share(self.agency.cit, self.agency.cit_total)

    @property
    def trained_share(self) -> str:
        return _share(self.agency.covered, self.agency.in_scope)


def _share(count: int | None, total: int | None) -> str:
    """count of total as the requirement cards show it ("20.7%"), or a dash for nobody."""
    if not total:
        return "—"
    return as_percent(per_mille(count or 0, total))


def member_rows(agencies) -> list[MemberRow]:
    return [MemberRow(agency) for agency in agencies]


def member_lines(agencies, link) -> list[dict]:
    """The dashboard's rows as plain values, each worked out once (a MemberRow works its
    properties out at every reading), so that the page renders each cell from a dict; its
    sentences are translated here, where a translation costs a twentieth of a template
    tag's. `link(public_id)` is the agency's page."""
    lines = []
    for agency in agencies:
        row = MemberRow(agency)
        unmet = ", ".join(row.unmet_names) if row.computed else ""
        all_trained_by = agency.projected_on if row.is_open else None
        lines.append(
            {
                "link": link(agency.public_id),
                "name": agency.name,
                "place": place_in_words(agency.locality, agency.region),
                "shares_roster": agency.sharing == Sharing.ROSTER,
                "pledge": row.pledge_words,
                "target": row.target_date,
                "requirements": gettext("%(met)s of 4 met") % {"met": row.met_count}
                if row.computed
                else gettext("Not worked out yet"),
                "not_met": gettext("Not met: %(names)s") % {"names": unmet} if unmet else "",
                "cit_share": row.cit_share,
                "trained_share": row.trained_share,
                "trained": gettext("%(covered)s of %(in_scope)s")
                % {"covered": agency.covered, "in_scope": agency.in_scope}
                if agency.in_scope
                else "",
                "at_risk": row.at_risk,
                "on_pace": row.on_pace,
                "all_trained_by": gettext("All trained by %(on)s") % {"on": day(all_trained_by)}
                if all_trained_by
                else "",
            }
        )
    return lines


def member_states(region: Region) -> list[str]:
    """The states and provinces the region's member agencies are in, for the filter."""
    return list(
        member_agencies(region)
        .exclude(agency__region="")
        .order_by("agency__region")
        .values_list("agency__region", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class RegionTotals:
    """Across the region's member agencies now: how many stand where, and people counts."""

    agencies: int = 0
    pledged: int = 0  # signed, open or certified
    on_pace: int = 0
    at_risk: int = 0
    certified: int = 0
    all_met: int = 0
    partnership_met: int = 0
    policy_met: int = 0
    cit_met: int = 0
    coverage_met: int = 0
    in_scope: int = 0
    cit: int = 0
    trained: int = 0

    @property
    def requirements_met(self) -> list[tuple[str, str, int]]:
        """(key, name, how many agencies meet it) of the four requirements."""
        return [
            (key, str(REQUIREMENT_NAMES[key]), getattr(self, column))
            for key, column in REQUIREMENTS.items()
        ]


def _member_ids(region: Region) -> QuerySet:
    return member_agencies(region).values("agency_id")


def totals(region: Region) -> RegionTotals:
    """The region's totals, in one aggregate over its member agencies' standing (the latest
    pledge and progress of each, as on the rows)."""
    rows = with_progress(Agency.objects.filter(pk__in=_member_ids(region)), requirements=True)
    figures = rows.order_by().aggregate(
        agencies=Count("pk"),
        pledged=Count("pk", filter=PLEDGED),
        certified=Count("pk", filter=Q(pledge_status=PledgeStatus.CERTIFIED)),
        on_pace=Count("pk", filter=ON_PACE),
        at_risk=Count("pk", filter=AT_RISK),
        all_met=Count("pk", filter=Q(all_met=True)),
        **{column: Count("pk", filter=Q(**{column: True})) for column in REQUIREMENTS.values()},
        # Summed from the standing's columns: an aggregate may not reuse an annotation's name.
        in_scope=Coalesce(Sum("latest__in_scope"), 0),
        cit=Coalesce(Sum("latest__cit_count"), 0),
        trained=Coalesce(Sum("latest__covered_count"), 0),
    )
    return RegionTotals(**figures)


# One member agency, as the region sees it


@dataclass(frozen=True)
class MemberProgress:
    """What the agency's dashboard cards show, without a name: where its pledge stands, the
    four requirements with their figures and how much is missing, the target date, the
    pace."""

    member: MemberAgency
    today: date
    pledge: Pledge | None
    rules: ProgramRules
    evaluation: Evaluation
    pace: Pace

    @property
    def agency(self) -> Agency:
        return self.member.agency

    @property
    def status(self) -> str:
        """The pledge's status in words ("Not pledged" before one is signed)."""
        if self.pledge is None or self.pledge.status == PledgeStatus.DRAFT:
            return gettext("Not pledged")
        return self.pledge.get_status_display()

    @property
    def target_date(self) -> date | None:
        if self.pledge is None or self.pledge.status not in SIGNED_OPEN_STATUSES:
            return None
        return self.pledge.target_date

    @property
    def days_left(self) -> int | None:
        return None if self.target_date is None else (self.target_date - self.today).days

    @property
    def requirements_met(self) -> int:
        return sum(r.met for r in self.evaluation.requirements)

    @property
    def cards(self) -> list[tuple[Requirement, int]]:
        """Each requirement with how much it lacks, counted rather than told: people still
        to train for the training requirements, open items for the partnership and policy
        (whose reasons in words can name a partner or the policy's title)."""
        return [(r, _missing_count(r)) for r in self.evaluation.requirements]


def _missing_count(requirement: Requirement) -> int:
    if requirement.met:
        return 0
    if requirement.required is not None:
        return max(requirement.required - requirement.count, 0)
    return len(requirement.missing)


def member_progress(member: MemberAgency) -> MemberProgress:
    """The agency's progress today as its own dashboard works it out, in a fixed number of
    queries; the caller has checked that the agency is a member now."""
    agency = member.agency
    today = agency.today()
    pledge, rules = pledge_queries.pledge_and_rules(agency, today)
    evaluation = evaluation_cache.evaluation(agency, today, rules)
    coverage = evaluation["coverage"]
    open_pledge = pledge if pledge and pledge.status in SIGNED_OPEN_STATUSES else None
    history = pledge_queries.snapshot_history(agency, today)
    pace = pledge_queries.pace(history, coverage.count, coverage.required, today, open_pledge)
    return MemberProgress(member, today, pledge, rules, evaluation, pace)


class RosterNotShared(Exception):
    """The agency does not share its roster with the region (or no longer)."""


def shared_roster(member: MemberAgency, page_number, on: date) -> Page:
    """One page of the people in the pledge's scope of an agency that shares its roster with
    the region, each with their training status. Read only after the check, inside the
    agency's own scope (`roster_page` enters it)."""
    if not member.shares_roster:
        raise RosterNotShared(f"Agency {member.agency_id} shares no roster with the region.")
    return roster_page(member.agency, RosterFilters(scope="in"), on, page_number, PAGE_SIZE)


# The region's report (PDF) and its monthly digest


@dataclass(frozen=True)
class RegionReport:
    region: Region
    on: date
    totals: RegionTotals
    agencies: list[MemberRow]  # every member agency, by name
    at_risk: list[Agency]
    due_soon: list[Agency]  # open pledges with a target date within DUE_SOON_DAYS


def _due_soon(rows: QuerySet[Agency], on: date) -> QuerySet[Agency]:
    """Open pledges whose target date falls within DUE_SOON_DAYS, soonest first."""
    within = Q(pledge_target__gte=on, pledge_target__lte=on + timedelta(days=DUE_SOON_DAYS))
    return rows.filter(OPEN, within).order_by("pledge_target", "name")


def _at_risk(rows: QuerySet[Agency]) -> QuerySet[Agency]:
    return rows.filter(AT_RISK).order_by("pledge_target", "name")


def region_report(region: Region, on: date) -> RegionReport:
    """Every member agency's standing and the totals: four queries."""
    rows = members(region)
    return RegionReport(
        region=region,
        on=on,
        totals=totals(region),
        agencies=member_rows(rows),
        at_risk=list(_at_risk(rows)),
        due_soon=list(_due_soon(rows, on)),
    )


DIGEST_LIMIT = 25


@dataclass(frozen=True)
class RegionDigest:
    region: Region
    on: date
    totals: RegionTotals
    at_risk: list[Agency]
    at_risk_count: int
    due_soon: list[Agency]
    due_soon_count: int


def region_digest(region: Region, on: date) -> RegionDigest:
    """What the region's team hears monthly: the totals, the agencies at risk of missing
    their target date and those whose target date is near (the first DIGEST_LIMIT of each)."""
    rows = members(region)
    at_risk, due_soon = _at_risk(rows), _due_soon(rows, on)
    return RegionDigest(
        region=region,
        on=on,
        totals=totals(region),
        at_risk=list(at_risk[:DIGEST_LIMIT]),
        at_risk_count=at_risk.count(),
        due_soon=list(due_soon[:DIGEST_LIMIT]),
        due_soon_count=due_soon.count(),
    )


# A region as program staff see it


@dataclass(frozen=True)
class RegionRecord:
    """What program staff know of a region beside its member agencies' progress: its team,
    the invitations it has out, and the agencies that were invited, declined or left."""

    region: Region
    team: list[RegionMembership]
    team_invitations: list[RegionInvitation]  # waiting for an answer
    agency_invitations: list[MemberAgency]  # agencies invited, not yet answered
    onboarding: list[OnboardingInvitation]  # agencies asked to register, not yet registered
    former: list[MemberAgency]  # declined, withdrawn or left, latest first


def region_record(region: Region) -> RegionRecord:
    """Five queries, whatever the size of the region."""
    now = timezone.now()
    standings = MemberAgency.all_regions.filter(region=region).select_related("agency")
    return RegionRecord(
        region=region,
        team=list(
            RegionMembership.all_regions.filter(region=region)
            .select_related("user")
            .order_by("role", "user__email")
        ),
        team_invitations=list(
            RegionInvitation.all_regions.filter(
                region=region, accepted_at=None, revoked_at=None, expires_at__gt=now
            ).order_by("created_at")
        ),
        agency_invitations=list(
            standings.filter(status=MemberAgencyStatus.INVITED).order_by("invited_at")
        ),
        onboarding=list(
            OnboardingInvitation.all_regions.filter(
                region=region, registered_at=None, revoked_at=None
            )
        ),
        former=list(
            standings.filter(
                status__in=[
                    MemberAgencyStatus.DECLINED,
                    MemberAgencyStatus.WITHDRAWN,
                    MemberAgencyStatus.LEFT,
                ]
            ).order_by("-ended_at", "-answered_at")
        ),
    )
