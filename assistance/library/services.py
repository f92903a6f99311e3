"""Writes of the library, by program staff: resources and events, each write audited (as
program-wide changes, with no agency)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from agencies import documents
from agencies.audit import changes_between, record_event, snapshot
from agencies.documents import CheckedUpload
from agencies.models import User
from assistance.models import Event, Resource, ResourceAudience, ResourceRequirement, Status

# Outside documents/, whose files agencies.documents.sweep_orphans removes when no agency's
# document row names them.
LIBRARY_FOLDER = "library"

RESOURCE_FIELDS = ["title", "summary", "kind", "status", "url", "published_on", "updated_on"]
EVENT_FIELDS = [
    "title",
    "summary",
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "time_zone",
    "registration_url",
]


def _resource_facts(resource: Resource) -> dict[str, Any]:
    facts = snapshot(resource, RESOURCE_FIELDS)
    facts["file"] = f"{resource.filename} (SHA-256 {resource.sha256})" if resource.file else None
    facts["topics"] = sorted(topic.name for topic in resource.topics.all())
    facts["requirements"] = sorted(r.requirement for r in resource.requirements.all())
    facts["audiences"] = sorted(a.audience for a in resource.audiences.all())
    return facts


def _store_file(resource: Resource, checked: CheckedUpload) -> None:
    """Write the checked file under a server-made name and name it on the resource."""
    resource.file = documents.store_file_once(checked, folder=LIBRARY_FOLDER)
    resource.filename = checked.filename
    resource.content_type = checked.file_type.content_type
    resource.size = checked.size
    resource.sha256 = checked.sha256
    resource.url = ""


def _set_labels(
    resource: Resource, *, topics: list, requirements: list[str], audiences: list[str]
) -> None:
    resource.topics.set(topics)
    resource.requirements.all().delete()
    ResourceRequirement.objects.bulk_create(
        ResourceRequirement(resource=resource, requirement=key) for key in sorted(set(requirements))
    )
    resource.audiences.all().delete()
    ResourceAudience.objects.bulk_create(
        ResourceAudience(resource=resource, audience=key) for key in sorted(set(audiences))
    )


def _published_today(item: Resource) -> None:
    if item.status == Status.PUBLISHED and item.published_on is None:
        item.published_on = timezone.localdate()


def resource_create(
    *,
    actor: User,
    topics: list,
    requirements: list[str],
    audiences: list[str],
    upload: CheckedUpload | None = None,
    **fields: Any,
) -> Resource:
    """A new resource of the library: a link, or an uploaded file checked beforehand."""
    resource = Resource(created_by=actor, **fields)
    with transaction.atomic():
        if upload is not None:
            _store_file(resource, upload)
        _published_today(resource)
        resource.full_clean()
        resource.save()
        _set_labels(resource, topics=topics, requirements=requirements, audiences=audiences)
        record_event(
            action="library.resource_created",
            actor=actor,
            obj=resource,
            values=_resource_facts(resource),
        )
    return resource


def resource_update(
    *,
    resource: Resource,
    actor: User,
    topics: list,
    requirements: list[str],
    audiences: list[str],
    upload: CheckedUpload | None = None,
    **fields: Any,
) -> Resource:
    """Change a resource; a new file replaces the old one (kept in storage, as the trail
    names it), and a link given instead of a file drops the file."""
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        before = _resource_facts(resource)
        for name, value in fields.items():
            setattr(resource, name, value)
        if upload is not None:
            _store_file(resource, upload)
        elif resource.url:
            resource.file = ""
            resource.filename = resource.content_type = resource.sha256 = ""
            resource.size = None
        _published_today(resource)
        resource.updated_at = timezone.now()
        resource.full_clean()
        resource.save()
        _set_labels(resource, topics=topics, requirements=requirements, audiences=audiences)
        changes = changes_between(before, _resource_facts(resource))
        if changes:
            record_event(
                action="library.resource_updated", actor=actor, obj=resource, changes=changes
            )
    return resource


def event_create(*, actor: User, **fields: Any) -> Event:
    """A new webinar or training on the calendar."""
    event = Event(**fields)
    with transaction.atomic():
        event.full_clean()
        event.save()
        record_event(
            action="library.event_created",
            actor=actor,
            obj=event,
            values=snapshot(event, EVENT_FIELDS),
        )
    return event


def event_update(*, event: Event, actor: User, **fields: Any) -> Event:
    """Change an event (its dates, its link, whether it is published or withdrawn)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = snapshot(event, EVENT_FIELDS)
        for name, value in fields.items():
            setattr(event, name, value)
        event.updated_at = timezone.now()
        event.full_clean()
        event.save()
        changes = changes_between(before, snapshot(event, EVENT_FIELDS))
        if changes:
            record_event(action="library.event_updated", actor=actor, obj=event, changes=changes)
    return event
