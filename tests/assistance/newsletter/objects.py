"""Newsletters, subscribers and spotlights for the tests, made as the product makes them."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, User
from assistance.models import Event, Newsletter, Resource, Spotlight, Status
from assistance.newsletter import services
from assistance.newsletter.sending import newsletter_write_batch
from tests.factories import AgencyFactory, UserFactory, certificate_of


def resource(**fields) -> Resource:
    defaults = {
        "title": "Responding to youth in crisis",
        "kind": "toolkit",
        "summary": "A guide.",
        "url": "https://resources.example/youth-in-crisis",
        "status": Status.PUBLISHED,
    }
    return Resource.objects.create(**{**defaults, **fields})


def event(**fields) -> Event:
    starts = timezone.now() + timedelta(days=14)
    defaults = {
        "title": "Co-responder programs webinar",
        "kind": "webinar",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "registration_url": "https://events.example/register",
        "status": Status.PUBLISHED,
    }
    return Event.objects.create(**{**defaults, **fields})


def subscribers(count: int) -> list[User]:
    people = UserFactory.create_batch(count)
    for person in people:
        services.newsletter_subscription_set(user=person, subscribed=True)
    return people


def draft(actor: User | None = None, **fields) -> Newsletter:
    """A draft issue with a resource and an event."""
    actor = actor or UserFactory()
    fields = {"subject": "December news", "intro": "Hello **everyone**.", **fields}
    newsletter = services.newsletter_create(actor=actor, **fields)
    services.newsletter_item_add(actor=actor, newsletter=newsletter, resource=resource())
    services.newsletter_item_add(actor=actor, newsletter=newsletter, event=event())
    return newsletter


def sent(actor: User | None = None, **fields) -> Newsletter:
    """An issue sent (to nobody in particular: whoever subscribed)."""
    actor = actor or UserFactory()
    newsletter = draft(actor, **fields)
    with transaction.atomic():
        services.newsletter_send(actor=actor, newsletter=newsletter)
    while services_write(newsletter):
        pass
    newsletter.refresh_from_db()
    return newsletter


def services_write(newsletter: Newsletter) -> bool:
    return newsletter_write_batch(newsletter_id=newsletter.pk)


def featured_agency(agency: Agency | None = None) -> Agency:
    """A certified agency whose coordinator agreed to be featured."""
    agency = agency or AgencyFactory()
    certificate_of(agency)
    return consenting(agency)


def consenting(agency: Agency) -> Agency:
    services.spotlight_consent_set(actor=UserFactory(), agency=agency, consented=True)
    return agency


def spotlight(agency: Agency | None = None, **fields) -> Spotlight:
    """A published spotlight on a featured agency."""
    agency = agency or featured_agency()
    fields = {"title": "Riverton's crisis team", "body": "A *story*.", "published": True, **fields}
    return services.spotlight_create(actor=UserFactory(), agency=agency, **fields)
