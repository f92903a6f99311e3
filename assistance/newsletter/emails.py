"""The newsletter as an email kind of the outbox (registered in AssistanceConfig.ready): its
letter composed when it is sent, a check that the person still wants it, and its own
unsubscribe stream, a signed link that turns off the newsletter and nothing else."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import OutboxEmail, User
from agencies.outbox.kinds import Content, Kind, Skip
from agencies.outbox.messages import Renderer
from assistance.models import Newsletter
from assistance.newsletter import queries
from assistance.newsletter.sending import KIND

UNSUBSCRIBE_SALT = "assistance.newsletter.unsubscribe"


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"newsletter": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    path = reverse("newsletter_unsubscribe", kwargs={"token": unsubscribe_token(user)})
    return settings.SITE_URL + path


def read_unsubscribe_token(token: str) -> User | None:
    """Whom a link unsubscribes; None for a forged or damaged one."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user_id = payload.get("newsletter") if isinstance(payload, dict) else None
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id).first()


def issue_context(
    newsletter: Newsletter, recipient: User | None, items: list[queries.IssueItem]
) -> dict:
    """What the email's templates show: the issue, its items, and the footer's links."""
    return {
        "site_url": settings.SITE_URL,
        "newsletter": newsletter,
        "items": items,
        "issue_url": settings.SITE_URL + newsletter.get_absolute_url(),
        "stream_name": _("the One Mind newsletter"),
        "preferences_url": settings.SITE_URL + reverse("newsletter_subscription"),
        "unsubscribe_url": unsubscribe_url(recipient) if recipient else "",
    }


def _compose(renderer: Renderer, row: OutboxEmail) -> Content:
    newsletter_id = row.context["newsletter_id"]
    # Read once for the run's letters of the same issue, not once per letter.
    newsletter, items = renderer.reuse(("newsletter", newsletter_id), lambda: _issue(newsletter_id))
    context = issue_context(newsletter, row.recipient, items)
    return Content(context, unsubscribe_url=context["unsubscribe_url"])


def _issue(newsletter_id: int) -> tuple[Newsletter, list[queries.IssueItem]]:
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    return newsletter, queries.issue_items(newsletter)


def _still_wanted(row: OutboxEmail) -> None:
    """Unsubscribed between the letter's writing and its sending: nothing is sent."""
    if not queries.is_subscribed(row.recipient):
        raise Skip("The recipient turned the newsletter off.")


KINDS = [Kind(KIND, _("Newsletter"), compose=_compose, still_wanted=_still_wanted)]
