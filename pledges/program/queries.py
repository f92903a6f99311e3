"""Reads for program staff across every agency: the agency list, with each agency's pledge
and latest progress joined in SQL (a fixed number of queries per page, whatever the count),
and everything staff know of one agency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies.models import (
    Agency,
    AgencyType,
    AuditEvent,
    Invitation,
    MemberAgency,
    MemberAgencyStatus,
    Membership,
    Region,
)
from agencies.queries import agency_members, open_invitations
from partnerships.queries import PartnershipRow, partnerships
from pledges.certification.queries import review_queue
from pledges.engine import evaluation_cache, policy
from pledges.engine.evaluation import Evaluation
from pledges.models import (
    OPEN_STATUSES,
    Certificate,
    CrisisPolicy,
    Pledge,
    PledgeStatus,
    ProgramRules,
    Review,
    Submission,
    place_in_words,
)
from pledges.queries import pledge_and_rules

SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "state": ("region", "name"),
    "target": ("pledge_target", "name"),
    "-target": ("-pledge_target", "name"),
    "registered": ("-created_at",),
}


@dataclass(frozen=True)
class AgencyFilters:
    search: str = ""
    state: str = ""  # the agency's state or province code
    region: str = ""  # the slug of a region the agency is a member of now
    agency_type: str = ""
    status: str = ""  # a pledge status, or "none"
    verified: str = ""  # "yes" / "no"
    at_risk: bool = False
    target_from: date | None = None
    target_to: date | None = None
    sort: str = "name"


# What each agency row carries of its latest pledge and of its latest progress, as
# (annotation, column of its `AgencyStanding`); the detailed ones only where a page shows
# each requirement.
PLEDGE_COLUMNS = [
    ("pledge_status", "pledge_status"),
    ("pledge_target", "pledge_target"),
    ("pledged_on", "pledged_on"),
]
PROGRESS_COLUMNS = [
    ("in_scope", "in_scope"),
    ("covered", "covered_count"),
    ("cit", "cit_count"),
    ("all_met", "all_met"),
    ("at_risk", "at_risk"),
]
REQUIREMENT_COLUMNS = [
    ("cit_total", "cit_total"),
    ("cit_required", "cit_required"),
    ("covered_required", "covered_required"),
    ("projected_on", "projected_on"),
    ("partnership_met", "partnership_met"),
    ("policy_met", "policy_met"),
    ("cit_met", "cit_met"),
    ("coverage_met", "coverage_met"),
]


def with_progress(rows: QuerySet[Agency], *, requirements: bool = False) -> QuerySet[Agency]:
    """The agencies, each with its latest pledge and latest progress (with `requirements`,
    each requirement's result and the pace too), read from its standing: one join, whatever
    the number of agencies. Agencies never pledged or recomputed read as None."""
    columns = PLEDGE_COLUMNS + PROGRESS_COLUMNS + (REQUIREMENT_COLUMNS if requirements else [])
    return rows.annotate(**{name: F(f"latest__{column}") for name, column in columns})


def members_of(region_slug: str) -> Exists:
    """Whether the agency is a member of the region now (staff see every agency anyway)."""
    return Exists(
        MemberAgency.all_regions.filter(
            agency=OuterRef("pk"), region__slug=region_slug, status=MemberAgencyStatus.MEMBER
        )
    )


def region_names() -> dict[str, str]:
    """Every region's name by its slug, for the filters of staff pages."""
    return dict(Region.objects.order_by("name").values_list("slug", "name"))


def agencies(filters: AgencyFilters) -> QuerySet[Agency]:
    """Every agency with its latest pledge and latest progress snapshot, filtered and sorted."""
    rows = with_progress(Agency.objects.all())
    if filters.search:
        term = filters.search
        # Every condition has an index (trigram ones for the names, on PostgreSQL); ORIs are
        # stored in capitals (ORI_VALIDATOR), so the ORI is compared as such.
        rows = rows.filter(
            Q(name__icontains=term) | Q(ori=term.upper()) | Q(locality__icontains=term)
        )
    if filters.state:
        rows = rows.filter(region__iexact=filters.state)
    if filters.region:
        rows = rows.filter(members_of(filters.region))
    if filters.agency_type:
        rows = rows.filter(agency_type=filters.agency_type)
    if filters.verified in {"yes", "no"}:
        rows = rows.filter(verified=filters.verified == "yes")
    if filters.status == "none":
        rows = rows.filter(pledge_status__isnull=True)
    elif filters.status:
        rows = rows.filter(pledge_status=filters.status)
    if filters.at_risk:
        rows = rows.filter(at_risk=True)
    if filters.target_from:
        rows = rows.filter(pledge_target__gte=filters.target_from)
    if filters.target_to:
        rows = rows.filter(pledge_target__lte=filters.target_to)
    return rows.order_by(*SORTS.get(filters.sort, SORTS["name"]))


# What a row of the staff agency list shows, read as plain values: the page renders each
# cell from a dict, without a call into a model (see `agency_rows`).
AGENCY_ROW = (
    "public_id", "name", "agency_type", "ori", "locality", "region", "verified",
    "pledge_status", "pledge_target", "in_scope", "covered", "all_met", "at_risk",
)  # fmt: skip


def agency_rows(rows: QuerySet[Agency]) -> QuerySet:
    """`agencies(...)` as plain rows (dicts of AGENCY_ROW), for `agency_rows_in_words`."""
    return rows.values(*AGENCY_ROW)


def agency_rows_in_words(rows, link) -> list[dict]:
    """A page of `agency_rows`, with what the cells say worked out once per row: the type's
    and the pledge's words, the place, and the link to the agency (`link(public_id)`)."""
    types = dict(AgencyType.choices)
    statuses = dict(PledgeStatus.choices)
    return [
        {
            **row,
            "link": link(row["public_id"]),
            "type": types.get(row["agency_type"], row["agency_type"]),
            "place": place_in_words(row["locality"], row["region"]),
            "pledge": statuses.get(row["pledge_status"], ""),
        }
        for row in rows
    ]


@dataclass(frozen=True)
class ProgramFigures:
    by_status: list[tuple[str, int]]
    by_state: list[dict]
    people: dict[str, int]
    due_soon: list[Agency]
    at_risk: list[Agency]
    on: date


def program_figures(on: date, region: str = "") -> ProgramFigures:
    """The program at a glance (or the agencies of one region, by its slug), from each
    agency's latest pledge and progress: a handful of aggregate queries over every agency."""
    rows = agencies(AgencyFilters(region=region))
    by_status = [
        (
            PledgeStatus(row["pledge_status"]).label if row["pledge_status"] else "Not pledged",
            row["n"],
        )
        for row in rows.order_by().values("pledge_status").annotate(n=Count("pk"))
    ]
    by_state = list(
        rows.order_by()
        .values("region")
        .annotate(
            agencies=Count("pk"),
            pledged=Count("pk", filter=Q(pledge_status__in=OPEN_STATUSES)),
            certified=Count("pk", filter=Q(pledge_status=PledgeStatus.CERTIFIED)),
        )
        .order_by("region")
    )
    totals = rows.order_by().aggregate(
        people_in_scope=Coalesce(Sum("in_scope"), 0),
        people_cit=Coalesce(Sum("cit"), 0),
        people_trained=Coalesce(Sum("covered"), 0),
    )
    people = {key.removeprefix("people_"): value for key, value in totals.items()}
    open_pledge = Q(pledge_status__in=OPEN_STATUSES)
    due_soon = list(
        rows.filter(
            open_pledge, pledge_target__gte=on, pledge_target__lte=on + timedelta(90)
        ).order_by("pledge_target")[:100]
    )
    at_risk = list(rows.filter(open_pledge, at_risk=True).order_by("pledge_target")[:100])
    return ProgramFigures(by_status, by_state, people, due_soon, at_risk, on)


@dataclass(frozen=True)
class WeeklyDigest:
    on: date
    waiting: list[tuple[Submission, int]]  # (submission, days waiting), oldest first
    waiting_count: int
    new_pledges: list[Pledge]
    at_risk: list[Agency]
    at_risk_count: int


DIGEST_LIMIT = 25


def weekly_digest(on: date) -> WeeklyDigest:
    """What program staff hear weekly: the review queue, pledges of the last 7 days and the
    agencies at risk of missing their target date."""
    queue = review_queue()
    waiting = [(s, (on - timezone.localdate(s.submitted_at)).days) for s in queue[:DIGEST_LIMIT]]
    new_pledges = list(
        Pledge.all_agencies.filter(pledged_on__gt=on - timedelta(days=7), pledged_on__lte=on)
        .select_related("agency")
        .order_by("-pledged_on", "agency__name")
    )
    rows = agencies(AgencyFilters()).filter(pledge_status__in=OPEN_STATUSES, at_risk=True)
    return WeeklyDigest(
        on=on,
        waiting=waiting,
        waiting_count=queue.count(),
        new_pledges=new_pledges,
        at_risk=list(rows.order_by("pledge_target")[:DIGEST_LIMIT]),
        at_risk_count=rows.count(),
    )


# One agency, as program staff see it


@dataclass(frozen=True)
class SubmissionRecord:
    """One submission of a pledge and the decision on it (None while it waits)."""

    submission: Submission
    review: Review | None

    @property
    def comments(self) -> list[tuple[str, str]]:
        return self.review.titled_comments if self.review else []


@dataclass(frozen=True)
class StatusMove:
    """One move of a pledge's status, as its audit trail recorded it."""

    event: AuditEvent
    before: str  # the statuses' labels ("" for none)
    after: str

    @classmethod
    def from_event(cls, event: AuditEvent) -> StatusMove:
        before, after = event.changes["status"]  # written by pledges.engine.lifecycle
        return cls(event, _status_label(before), _status_label(after))


def _status_label(value) -> str:
    return PledgeStatus(value).label if value in PledgeStatus.values else (value or "")


@dataclass(frozen=True)
class PledgeRecord:
    """One pledge of the agency with everything that happened to it, oldest first."""

    pledge: Pledge
    moves: list[StatusMove]
    submissions: list[SubmissionRecord]
    certificates: list[Certificate]


@dataclass(frozen=True)
class AgencyRecord:
    """What program staff know of one agency: its pledges from the first, today's figures
    (as its dashboard shows them), its documents and its members."""

    agency: Agency
    today: date
    pledges: list[PledgeRecord]  # newest first
    rules: ProgramRules  # those today's evaluation is judged by
    evaluation: Evaluation
    partnerships: list[PartnershipRow]
    policies: list[CrisisPolicy]  # newest first
    policy_in_force: CrisisPolicy | None
    members: list[Membership]
    invitations: list[Invitation]


def agency_record(agency: Agency) -> AgencyRecord:
    """Everything the agency's staff page shows but its audit trail, in a fixed number of
    queries however many pledges, submissions, documents and members it has."""
    today = agency.today()
    pledges = list(
        Pledge.all_agencies.filter(agency=agency).select_related("rules").order_by("-created_at")
    )
    submissions = (
        Submission.all_agencies.filter(agency=agency)
        .select_related("submitted_by")
        .defer("snapshot")  # the frozen evidence: read on the review page
        .order_by("submitted_at")
    )
    reviews = {
        review.submission_id: review
        for review in Review.all_agencies.filter(agency=agency).select_related("reviewer")
    }
    certificates = Certificate.all_agencies.filter(agency=agency).order_by("created_at")
    events = AuditEvent.objects.filter(
        agency=agency,
        object_type=Pledge._meta.label,
        object_id__in=[str(pledge.public_id) for pledge in pledges],
    ).order_by("at", "id")
    history = {pledge.pk: PledgeRecord(pledge, [], [], []) for pledge in pledges}
    by_public_id = {str(pledge.public_id): history[pledge.pk] for pledge in pledges}
    for event in events:
        if "status" in event.changes:  # a move (a decision's own event says the same)
            by_public_id[event.object_id].moves.append(StatusMove.from_event(event))
    for submission in submissions:
        record = SubmissionRecord(submission, reviews.get(submission.pk))
        history[submission.pledge_id].submissions.append(record)
    for certificate in certificates:
        history[certificate.pledge_id].certificates.append(certificate)
    _, rules = pledge_and_rules(agency, today)  # judged as its dashboard judges it
    policies = policy.versions(agency)
    return AgencyRecord(
        agency=agency,
        today=today,
        pledges=list(history.values()),
        rules=rules,
        evaluation=evaluation_cache.evaluation(agency, today, rules),
        partnerships=partnerships(agency, today),
        policies=policies,
        policy_in_force=policy.in_force(policies, today),
        members=list(agency_members(agency)),
        invitations=list(open_invitations(agency).select_related("invited_by")),
    )
