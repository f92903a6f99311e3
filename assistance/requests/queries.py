"""Reads of technical-assistance requests: an agency's own, and the program side's through
one query that fails closed."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from agencies.models import Agency, Membership, Role, User
from agencies.staff import REVIEW
from assistance.experts.backends import live_expert
from assistance.models import (
    ANSWER_REQUESTS,
    OPEN_STATUSES,
    AssistanceRequest,
    Expert,
    RequestAttachment,
    RequestMessage,
    RequestStatus,
)

# The window the dashboard's median time to a first answer is taken over.
MEDIAN_WINDOW_DAYS = 90


def agency_requests(agency: Agency) -> QuerySet[AssistanceRequest]:
    """The agency's requests, open ones first, newest first (inside its scope)."""
    return (
        AssistanceRequest.objects.filter(agency=agency)
        .annotate(message_count=Count("messages"))
        .order_by(F("closed_at").asc(nulls_first=True), "-opened_at")
    )


def program_requests(user: User) -> QuerySet[AssistanceRequest]:
    """Every request a program-side user may open: all of them for reviewers, a live
    expert's assigned ones for that expert, none for anyone else."""
    requests = AssistanceRequest.all_agencies.select_related("agency", "expert__user")
    if user.has_perm(REVIEW):
        return requests
    expert = live_expert(user) if user.has_perm(ANSWER_REQUESTS) else None
    if expert is None:
        return requests.none()
    return requests.filter(expert=expert)


def queue(user: User, *, status: str = "", requirement: str = "") -> QuerySet[AssistanceRequest]:
    """The staff's queue: open requests unless a status is asked for, oldest waiting first."""
    requests = program_requests(user).annotate(message_count=Count("messages"))
    statuses = [status] if status in RequestStatus.values else list(OPEN_STATUSES)
    requests = requests.filter(status__in=statuses)
    if requirement:
        requests = requests.filter(requirement=requirement)
    return requests.order_by(F("waiting_since").asc(nulls_last=True), "opened_at")


def assigned_open(user: User) -> QuerySet[AssistanceRequest]:
    """An expert's open requests, the ones waiting longest first."""
    return (
        program_requests(user)
        .filter(expert__user=user, status__in=OPEN_STATUSES)
        .order_by(F("waiting_since").asc(nulls_last=True), "opened_at")
    )


def thread(request: AssistanceRequest) -> list[RequestMessage]:
    """The request's messages in order, each with its author and attachments."""
    return list(
        RequestMessage.all_agencies.filter(agency_id=request.agency_id, request=request)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=RequestAttachment.all_agencies.select_related("document"),
            )
        )
    )


def attachment_of(request: AssistanceRequest, attachment_id) -> RequestAttachment | None:
    return (
        RequestAttachment.all_agencies.filter(
            agency_id=request.agency_id, request=request, public_id=attachment_id
        )
        .select_related("document")
        .first()
    )


def live_experts(now: datetime | None = None) -> QuerySet[Expert]:
    now = now or timezone.now()
    return (
        Expert.objects.filter(ended_at__isnull=True, access_until__gt=now)
        .select_related("user")
        .order_by("user__email")
    )


def all_experts() -> QuerySet[Expert]:
    """Every expert role, live ones first, with how many open requests each holds."""
    return (
        Expert.objects.select_related("user")
        .annotate(open_count=Count("requests", filter=Q(requests__status__in=OPEN_STATUSES)))
        .order_by("ended_at", "-access_until")
    )


def agency_side_recipients(request: AssistanceRequest) -> list[int]:
    """Who hears of the program's answers: the agency's coordinators and editors."""
    return list(
        Membership.all_agencies.filter(
            agency_id=request.agency_id, role__in=[Role.COORDINATOR, Role.EDITOR]
        ).values_list("user_id", flat=True)
    )


@dataclass(frozen=True)
class ResponseFigures:
    open_count: int
    opened: int  # in the window
    answered: int  # of those, answered by the program
    median: timedelta | None


def response_figures(now: datetime | None = None) -> ResponseFigures:
    """Open requests, and the median time from opening to the program's first answer over
    the requests opened in the last 90 days.

    The median is taken in Python over that window's answered requests (two timestamps
    each): the window bounds them to a few thousand at most, and SQLite, the embedded
    default, has no percentile function."""
    now = now or timezone.now()
    since = now - timedelta(days=MEDIAN_WINDOW_DAYS)
    open_count = AssistanceRequest.all_agencies.filter(status__in=OPEN_STATUSES).count()
    rows = list(
        AssistanceRequest.all_agencies.filter(opened_at__gte=since).values_list(
            "opened_at", "first_response_at"
        )
    )
    waits = [answered - opened for opened, answered in rows if answered is not None]
    return ResponseFigures(
        open_count=open_count,
        opened=len(rows),
        answered=len(waits),
        median=statistics.median(waits) if waits else None,
    )
