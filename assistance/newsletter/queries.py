"""Reads of newsletters and spotlights: the public archive (sent issues only), an issue's
items in order, and the spotlights that may be shown (published, consented, certified)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from agencies.models import Agency, User
from assistance.models import (
    Event,
    Newsletter,
    NewsletterItem,
    NewsletterStatus,
    NewsletterSubscription,
    Resource,
    Spotlight,
    SpotlightConsent,
    Status,
)
from pledges.models import Certificate


def sent_newsletters() -> QuerySet[Newsletter]:
    """The archive: issues sent, newest first; drafts and issues still sending are not in it."""
    return Newsletter.objects.filter(status=NewsletterStatus.SENT).order_by("-sent_at", "-pk")


def sent_newsletter(public_id: uuid.UUID) -> Newsletter:
    """A sent issue, or 404 (a draft is never public)."""
    return get_object_or_404(sent_newsletters(), public_id=public_id)


def _consenting() -> Exists:
    return Exists(SpotlightConsent.all_agencies.filter(agency=OuterRef("agency"), consented=True))


def _certified() -> Exists:
    return Exists(Certificate.all_agencies.filter(agency=OuterRef("agency"), revoked_at=None))


def public_spotlights() -> QuerySet[Spotlight]:
    """Spotlights anyone may read: published, about an agency that still agrees to be
    featured and whose certificate stands. Checked on every read, so withdrawing consent or
    revoking the certificate takes a story down at once."""
    return (
        Spotlight.all_agencies.filter(published=True)
        .filter(_consenting(), _certified())
        .select_related("agency")
        .order_by("-updated_at", "-pk")
    )


def public_spotlight(public_id: uuid.UUID) -> Spotlight:
    return get_object_or_404(public_spotlights(), public_id=public_id)


def spotlight_candidates() -> QuerySet[Agency]:
    """Agencies staff may write a spotlight about: certified, and agreeing to be featured."""
    consenting = SpotlightConsent.all_agencies.filter(agency=OuterRef("pk"), consented=True)
    certified = Certificate.all_agencies.filter(agency=OuterRef("pk"), revoked_at=None)
    return Agency.objects.filter(Exists(consenting), Exists(certified)).order_by("name")


def spotlight_consent(agency: Agency) -> SpotlightConsent | None:
    return SpotlightConsent.all_agencies.filter(agency=agency).select_related("changed_by").first()


def is_certified(agency: Agency) -> bool:
    return Certificate.all_agencies.filter(agency=agency, revoked_at=None).exists()


@dataclass(frozen=True)
class IssueItem:
    """One item of an issue as readers see it: exactly one of the three is set."""

    item: NewsletterItem
    resource: Resource | None = None
    event: Event | None = None
    spotlight: Spotlight | None = None


def issue_items(newsletter: Newsletter, *, public: bool = True) -> list[IssueItem]:
    """The issue's items in order, in two queries. What was taken down since — a spotlight
    (consent withdrawn, certificate revoked, unpublished), a resource or event no longer
    published — is left out of public reads (the archive, the letters); staff's preview
    shows every item that still exists."""
    items = list(newsletter.items.select_related("resource", "event").order_by("position"))
    ids = [item.spotlight_public_id for item in items if item.spotlight_public_id]
    spotlights = {}
    if ids:
        shown = public_spotlights() if public else Spotlight.all_agencies.select_related("agency")
        spotlights = {each.public_id: each for each in shown.filter(public_id__in=ids)}
    found = []
    for item in items:
        if item.spotlight_public_id:
            spotlight = spotlights.get(item.spotlight_public_id)
            if spotlight is not None:
                found.append(IssueItem(item, spotlight=spotlight))
        elif not public or (item.resource or item.event).status == Status.PUBLISHED:
            found.append(IssueItem(item, resource=item.resource, event=item.event))
    return found


def is_subscribed(user: User) -> bool:
    return NewsletterSubscription.objects.filter(user=user, subscribed=True).exists()


def subscriber_count() -> int:
    """How many active people would receive an issue sent now."""
    return NewsletterSubscription.objects.filter(subscribed=True, user__is_active=True).count()
