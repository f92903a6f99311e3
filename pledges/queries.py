"""Reads for the agency dashboard: the pledge, today's evaluation, history and pace, and the
getting-started checklist of a new agency."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Exists
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.tenancy import agency_scope
from partnerships.queries import (
    PartnershipRow,
    agencies_with_partnership_in_force,
    partnerships,
)
from pledges.charts import Point, progress_chart
from pledges.engine import evaluation_cache, lifecycle, policy
from pledges.engine.evaluation import Evaluation, per_mille
from pledges.engine.pace import PACE_WINDOW_DAYS, Pace, project
from pledges.engine.scope import Scope, scope
from pledges.models import (
    OPEN_STATUSES,
    Certificate,
    CrisisPolicy,
    Pledge,
    PledgeStatus,
    ProgramRules,
    ProgressSnapshot,
    Review,
    Submission,
)
from training.models import IN_SCOPE, Person, TrainingRecord

# The chart covers the longest pledge window, from signing to a 36-month target date.
CHART_DAYS = 3 * 366


@dataclass(frozen=True)
class Dashboard:
    pledge: Pledge | None
    rules: ProgramRules
    evaluation: Evaluation
    today: date
    pace: Pace
    chart: SafeString
    review: Review | None  # the latest decision on the pledge, with its comments
    certificate: Certificate | None
    scope: Scope  # who the pledge leaves out; the roster's sworn officers
    submission: Submission | None = None  # the pledge's latest, without its frozen evidence

    @property
    def stage(self) -> str:
        """Where the agency stands: "none" (nothing signed yet) or its pledge's status."""
        if self.pledge is None or self.pledge.status == PledgeStatus.DRAFT:
            return "none"
        return self.pledge.status

    @property
    def resubmit_by(self) -> date | None:
        """The last day a returned pledge may be submitted again."""
        if self.stage != PledgeStatus.RETURNED:
            return None
        return lifecycle.submission_deadline(self.pledge)

    @property
    def days_left(self) -> int | None:
        if self.pledge is None or self.pledge.target_date is None:
            return None
        return (self.pledge.target_date - self.today).days


def dashboard(agency: Agency) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries."""
    today = agency.today()
    pledge, rules = pledge_and_rules(agency, today)
    history = snapshot_history(agency, today)
    review = certificate = submission = None
    if pledge:
        review = (
            Review.all_agencies.filter(submission__pledge=pledge)
            .select_related("reviewer")
            .order_by("-decided_at")
            .first()
        )
        certificate = Certificate.all_agencies.filter(pledge=pledge, revoked_at=None).first()
        submission = (
            Submission.all_agencies.filter(pledge=pledge)
            .defer("snapshot")
            .order_by("-submitted_at")
            .first()
        )
    open_pledge = pledge if pledge and pledge.status in OPEN_STATUSES else None
    evaluation = evaluation_cache.evaluation(agency, today, rules)
    coverage = evaluation["coverage"]
    return Dashboard(
        pledge=pledge,
        rules=rules,
        evaluation=evaluation,
        today=today,
        pace=pace(history, coverage.count, coverage.required, today, open_pledge),
        review=review,
        certificate=certificate,
        chart=chart(history, evaluation, rules, today),
        scope=scope(agency),
        submission=submission,
    )


@dataclass(frozen=True)
class SubmissionPreview:
    """What a reviewer will see if the pledge is submitted now: the parts a submission
    freezes (`pledges.engine.submissions`), read live."""

    evaluation: Evaluation
    partnerships: list[PartnershipRow]  # in force today
    policy: CrisisPolicy | None  # in force today
    scope: Scope

    @property
    def in_scope(self) -> int:
        return self.evaluation["coverage"].total or 0


def submission_preview(agency: Agency) -> SubmissionPreview:
    today = agency.today()
    _, rules = pledge_and_rules(agency, today)
    return SubmissionPreview(
        evaluation=evaluation_cache.evaluation(agency, today, rules),
        partnerships=[row for row in partnerships(agency, today) if row.standing.in_force],
        policy=policy.in_force(policy.versions(agency), today),
        scope=scope(agency),
    )


def pledge_and_rules(agency: Agency, on: date) -> tuple[Pledge | None, ProgramRules]:
    """The agency's latest pledge, and the rules it is judged by: its open pledge's, else
    those in force on `on`."""
    with agency_scope(agency):
        pledge = Pledge.objects.select_related("rules").order_by("-created_at").first()
    if pledge and pledge.status in OPEN_STATUSES:
        return pledge, pledge.rules
    return pledge, ProgramRules.objects.in_force(on)


class HistoryDay(NamedTuple):
    """What the chart and the pace need of one day's snapshot."""

    day: date
    in_scope: int
    cit_count: int
    cit_total: int  # whom the CIT minimum is a share of
    covered_count: int


def snapshot_history(agency: Agency, on: date) -> list[HistoryDay]:
    """The agency's daily snapshots of the CHART_DAYS before `on`, oldest first: up to three
    years of them are read on every dashboard, so as plain rows rather than model instances."""
    with agency_scope(agency):
        rows = (
            ProgressSnapshot.objects.filter(day__gte=on - timedelta(days=CHART_DAYS), day__lt=on)
            .order_by("day")
            .values_list("day", "in_scope", "cit_count", "cit_total", "covered_count")
        )
        return [HistoryDay(*row) for row in rows]


def chart(history, evaluation: Evaluation, rules: ProgramRules, on: date) -> SafeString:
    """The progress chart: the snapshots given, then the figures of `on`, each share rounded
    as the requirement cards round it."""
    points = [
        Point(s.day, per_mille(s.cit_count, s.cit_total), per_mille(s.covered_count, s.in_scope))
        for s in history
    ]
    cit, coverage = evaluation["cit"], evaluation["coverage"]
    points.append(
        Point(on, per_mille(cit.count, cit.total), per_mille(coverage.count, coverage.total))
    )
    cit_name = _("CIT or equivalent") if rules.equivalents_count else _("CIT")
    return mark_safe(progress_chart(points, rules.cit_minimum_percent, cit_name))  # noqa: S308 - built from numbers and escaped text


def pace(history, covered: int, required: int, today: date, pledge: Pledge | None) -> Pace:
    since = today - timedelta(days=PACE_WINDOW_DAYS)
    earlier = next((s for s in history if s.day >= since), None)
    baseline = (earlier.day, earlier.covered_count) if earlier else None
    return project(baseline, covered, required, today, pledge.target_date if pledge else None)


# Getting started: the five things a new agency sets up, each read from the agency's own data
# (never from a box someone ticked), for the checklist on its dashboard.


@dataclass(frozen=True)
class GettingStarted:
    """Which steps the agency has done, in the order the checklist lists them."""

    roster: bool  # someone in scope on the roster
    training: bool  # at least one training record
    partnership: bool  # a partnership (MOU) in force today that counts
    policy: bool  # a crisis-response policy recorded
    pledge: bool  # the pledge signed (at any time: a withdrawn one was signed too)

    @property
    def done_count(self) -> int:
        return sum(astuple(self))

    @property
    def step_count(self) -> int:
        return len(astuple(self))

    @property
    def complete(self) -> bool:
        return all(astuple(self))


def getting_started(agency: Agency) -> GettingStarted:
    """The agency's getting-started steps, in one query whatever the size of its roster."""
    today = agency.today()
    with agency_scope(agency):
        steps = (
            Agency.objects.filter(pk=agency.pk)
            .values(
                roster=Exists(Person.objects.filter(IN_SCOPE)),
                training=Exists(TrainingRecord.objects.all()),
                partnership=Exists(agencies_with_partnership_in_force(today).filter(pk=agency.pk)),
                policy=Exists(CrisisPolicy.objects.all()),
                pledge=Exists(Pledge.objects.exclude(status=PledgeStatus.DRAFT)),
            )
            .get()
        )
    return GettingStarted(**{name: bool(done) for name, done in steps.items()})
