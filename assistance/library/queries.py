"""Reads of the library: the public catalogue with its search and filters, the events ahead
and behind, and the staff's lists."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from assistance.models import Event, Resource, Status, Topic

# The same weighted vector as the GIN index of migration 0002_library, so PostgreSQL uses it.
SEARCH_VECTOR = SearchVector("title", weight="A", config="english") + SearchVector(
    "summary", weight="B", config="english"
)


@dataclass(frozen=True)
class LibraryFilters:
    """What a visitor asked the library for; empty values ask for everything."""

    text: str = ""
    kind: str = ""
    topic: str = ""  # a topic's slug
    requirement: str = ""
    audience: str = ""


def _with_labels(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    """Resources with what their cards show, fetched in one query per relation."""
    return resources.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name")),
        "requirements",
        "audiences",
    )


def library_resources(filters: LibraryFilters) -> QuerySet[Resource]:
    """The published resources that match, the best matches first when searching."""
    resources = Resource.objects.filter(status=Status.PUBLISHED)
    if filters.kind:
        resources = resources.filter(kind=filters.kind)
    if filters.topic:
        resources = resources.filter(topics__slug=filters.topic)
    if filters.requirement:
        resources = resources.filter(requirements__requirement=filters.requirement)
    if filters.audience:
        resources = resources.filter(audiences__audience=filters.audience)
    if filters.text.strip():
        resources = _searched(resources, filters.text)
    return _with_labels(resources)


def _searched(resources: QuerySet[Resource], text: str) -> QuerySet[Resource]:
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            resources.annotate(search=SEARCH_VECTOR, rank=SearchRank(SEARCH_VECTOR, query))
            .filter(search=query)
            .order_by("-rank", "-published_on", "title")
        )
    # SQLite has no full-text search: every word must appear in the title or the summary.
    for word in text.split():
        resources = resources.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return resources


def public_resource(resource_id) -> Resource | None:
    """A published resource by its public id, or None."""
    resources = Resource.objects.filter(public_id=resource_id, status=Status.PUBLISHED)
    return _with_labels(resources).first()


def topics_in_use() -> QuerySet[Topic]:
    """Topics that published resources are filed under, for the library's filter."""
    return Topic.objects.filter(resources__status=Status.PUBLISHED).distinct().order_by("name")


def upcoming_events(now: datetime, limit: int | None = None) -> QuerySet[Event]:
    """Published events not yet over, the soonest first."""
    events = Event.objects.filter(status=Status.PUBLISHED, ends_at__gt=now).order_by("starts_at")
    return events[:limit] if limit else events


def past_events(now: datetime) -> QuerySet[Event]:
    """Published events that are over, the latest first."""
    return Event.objects.filter(status=Status.PUBLISHED, ends_at__lte=now).order_by("-starts_at")


def public_event(event_id) -> Event | None:
    return Event.objects.filter(public_id=event_id, status=Status.PUBLISHED).first()


def staff_resources(status: str = "") -> QuerySet[Resource]:
    """Every resource, drafts and retired ones too, for the staff's list."""
    resources = Resource.objects.order_by("title")
    return _with_labels(resources.filter(status=status) if status else resources)


def staff_events() -> QuerySet[Event]:
    """Every event, the latest start first."""
    return Event.objects.order_by("-starts_at")
