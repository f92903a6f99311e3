"""Resources and events of the library, made as staff would make them (through the
services, so each has its labels), for the library's tests and the page walks."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from agencies.documents import AGREEMENT_TYPES, check_upload
from assistance.library import services
from assistance.models import Event, Resource, Status, Topic
from tests.factories import UserFactory


def curator():
    return UserFactory(email="curator@onemind.example")


def make_resource(
    title: str = "Model policy on response to people in crisis",
    *,
    kind: str = "model_policy",
    status: str = Status.PUBLISHED,
    summary: str = "",
    requirements: tuple[str, ...] = ("policy",),
    audiences: tuple[str, ...] = ("leadership",),
    topics: tuple[str, ...] = (),
    url: str = "https://example.org/resource",
    upload=None,
    actor=None,
) -> Resource:
    return services.resource_create(
        actor=actor or UserFactory(),
        title=title,
        summary=summary,
        kind=kind,
        status=status,
        url="" if upload is not None else url,
        published_on=None,
        updated_on=None,
        topics=list(Topic.objects.filter(slug__in=topics)),
        requirements=list(requirements),
        audiences=list(audiences),
        upload=check_upload(upload, AGREEMENT_TYPES) if upload is not None else None,
    )


def make_event(
    title: str = "CIT for small agencies",
    *,
    starts: datetime | None = None,
    hours: float = 1.5,
    time_zone: str = "America/Chicago",
    status: str = Status.PUBLISHED,
    kind: str = "webinar",
    actor=None,
) -> Event:
    """An event starting at `starts` (aware), by default a week from now."""
    starts = starts or timezone.now() + timedelta(days=7)
    return services.event_create(
        actor=actor or UserFactory(),
        title=title,
        summary="How a ten-officer department trains its first CIT officers.",
        kind=kind,
        status=status,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        time_zone=time_zone,
        registration_url="https://example.org/register",
    )


def local(year, month, day, hour, minute=0, *, zone: str) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))
