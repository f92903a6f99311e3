"""Writes of newsletters and spotlights: staff's issues and stories, members' choice of the
newsletter, and an agency's consent to be featured. Each audited, in its transaction."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from agencies.audit import record_event
from agencies.models import Agency, User
from agencies.tenancy import agency_scope
from assistance.models import (
    Event,
    Newsletter,
    NewsletterItem,
    NewsletterStatus,
    NewsletterSubscription,
    Resource,
    Spotlight,
    SpotlightConsent,
)
from assistance.newsletter.markup import render_markdown
from assistance.newsletter.tasks import newsletter_write_letters
from onemind.enqueue import enqueue_on_commit


class NotADraft(Exception):
    """An issue that is being sent, or was, cannot change."""


def _locked_draft(newsletter: Newsletter) -> Newsletter:
    locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not locked.is_draft:
        raise NotADraft(locked.public_id)
    return locked


def newsletter_create(*, actor: User, subject: str, intro: str) -> Newsletter:
    """A new draft issue (audited)."""
    with transaction.atomic():
        newsletter = Newsletter(
            subject=subject, intro=intro, intro_html=render_markdown(intro), created_by=actor
        )
        newsletter.full_clean()
        newsletter.save()
        record_event(action="newsletter.created", actor=actor, obj=newsletter)
    return newsletter


def newsletter_update(
    *, actor: User, newsletter: Newsletter, subject: str, intro: str
) -> Newsletter:
    """A draft's subject and introduction, its HTML made again (audited)."""
    with transaction.atomic():
        locked = _locked_draft(newsletter)
        changes = {
            field: [getattr(locked, field), value]
            for field, value in (("subject", subject), ("intro", intro))
            if getattr(locked, field) != value
        }
        locked.subject, locked.intro = subject, intro
        locked.intro_html = render_markdown(intro)
        locked.updated_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["subject", "intro", "intro_html", "updated_at"])
        record_event(action="newsletter.updated", actor=actor, obj=locked, changes=changes)
    return locked


def newsletter_item_add(
    *,
    actor: User,
    newsletter: Newsletter,
    resource: Resource | None = None,
    event: Event | None = None,
    spotlight: Spotlight | None = None,
) -> NewsletterItem:
    """One resource, event or spotlight at the end of a draft (audited)."""
    if [resource, event, spotlight].count(None) != 2:
        raise ValueError("An item is one resource, one event or one spotlight.")
    with transaction.atomic():
        locked = _locked_draft(newsletter)
        last = locked.items.aggregate(last=Max("position"))["last"] or 0
        item = NewsletterItem.objects.create(
            newsletter=locked,
            position=last + 1,
            resource=resource,
            event=event,
            spotlight_public_id=spotlight.public_id if spotlight else None,
        )
        what = resource or event or spotlight
        record_event(
            action="newsletter.item_added",
            actor=actor,
            obj=locked,
            values={"item": str(what.audit_label)},
        )
    return item


def newsletter_item_remove(*, actor: User, newsletter: Newsletter, item: NewsletterItem) -> None:
    """Take an item out of a draft (audited)."""
    with transaction.atomic():
        locked = _locked_draft(newsletter)
        item.delete()
        record_event(
            action="newsletter.item_removed",
            actor=actor,
            obj=locked,
            values={"position": item.position},
        )


def newsletter_item_move(
    *, actor: User, newsletter: Newsletter, item: NewsletterItem, up: bool
) -> None:
    """Swap an item with its neighbour above or below (audited); at an end, nothing moves."""
    with transaction.atomic():
        locked = _locked_draft(newsletter)
        items = list(locked.items.select_for_update().order_by("position"))
        index = next((i for i, each in enumerate(items) if each.pk == item.pk), None)
        if index is None:  # removed meanwhile, in another tab
            return
        other = index - 1 if up else index + 1
        if not 0 <= other < len(items):
            return
        first, second = items[index], items[other]
        # Through a free position: (newsletter, position) is unique at every step.
        free = max(each.position for each in items) + 1
        positions = first.position, second.position
        NewsletterItem.objects.filter(pk=first.pk).update(position=free)
        NewsletterItem.objects.filter(pk=second.pk).update(position=positions[0])
        NewsletterItem.objects.filter(pk=first.pk).update(position=positions[1])
        record_event(
            action="newsletter.item_moved",
            actor=actor,
            obj=locked,
            values={"from": positions[0], "to": positions[1]},
        )


def newsletter_send(*, actor: User, newsletter: Newsletter) -> bool:
    """Start sending a draft to everyone who opted in (audited); False when it was started
    already (a second click), which changes nothing."""
    with transaction.atomic():
        locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if locked.status != NewsletterStatus.DRAFT:
            return False
        locked.status, locked.sent_by = NewsletterStatus.SENDING, actor
        locked.send_started_at = timezone.now()
        locked.save(update_fields=["status", "sent_by", "send_started_at"])
        record_event(action="newsletter.send_started", actor=actor, obj=locked)
        enqueue_on_commit(newsletter_write_letters, locked.pk)
    return True


def newsletter_subscription_set(*, user: User, subscribed: bool, via: str = "their choice") -> bool:
    """A person's choice of the newsletter (audited, with how it was made); True when it
    changed."""
    with transaction.atomic():
        choice, _ = NewsletterSubscription.objects.select_for_update().get_or_create(user=user)
        if choice.subscribed == subscribed:
            return False
        NewsletterSubscription.objects.filter(pk=choice.pk).update(
            subscribed=subscribed, changed_at=timezone.now()
        )
        record_event(
            action="newsletter.subscribed" if subscribed else "newsletter.unsubscribed",
            actor=user,
            obj=user,
            values={"via": via},
        )
    return True


def spotlight_consent_set(*, actor: User, agency: Agency, consented: bool) -> SpotlightConsent:
    """The agency agrees to be featured, or withdraws (audited with who and when); withdrawn
    consent takes its spotlights off the public pages at once."""
    with transaction.atomic():
        consent, _ = SpotlightConsent.all_agencies.select_for_update().get_or_create(agency=agency)
        consent.consented, consent.changed_by = consented, actor
        consent.changed_at = timezone.now()
        consent.save(update_fields=["consented", "changed_by", "changed_at"])
        record_event(
            action="spotlight.consent_given" if consented else "spotlight.consent_withdrawn",
            actor=actor,
            agency=agency,
            obj=consent,
        )
    return consent


def spotlight_create(
    *, actor: User, agency: Agency, title: str, body: str, published: bool
) -> Spotlight:
    """Program staff write a story about an agency (audited)."""
    with transaction.atomic():
        spotlight = Spotlight(
            agency=agency,
            title=title,
            body=body,
            body_html=render_markdown(body),
            published=published,
            created_by=actor,
        )
        with agency_scope(agency):  # the model's checks read through the scoped manager
            spotlight.full_clean()
        spotlight.save()
        record_event(action="spotlight.created", actor=actor, agency=agency, obj=spotlight)
    return spotlight


def spotlight_update(
    *, actor: User, spotlight: Spotlight, title: str, body: str, published: bool
) -> Spotlight:
    """A story's words and whether it is published (audited)."""
    with transaction.atomic():
        spotlight = Spotlight.all_agencies.select_for_update().get(pk=spotlight.pk)
        changes = {
            field: [getattr(spotlight, field), value]
            for field, value in (("title", title), ("body", body), ("published", published))
            if getattr(spotlight, field) != value
        }
        spotlight.title, spotlight.body, spotlight.published = title, body, published
        spotlight.body_html = render_markdown(body)
        spotlight.updated_at = timezone.now()
        with agency_scope(spotlight.agency):  # the model's checks read through the scope
            spotlight.full_clean()
        spotlight.save(update_fields=["title", "body", "body_html", "published", "updated_at"])
        record_event(
            action="spotlight.updated",
            actor=actor,
            agency=spotlight.agency,
            obj=spotlight,
            changes=changes,
        )
    return spotlight
