"""Outbox rows made into emails, at the moment they are sent.

Each kind has three templates, `emails/<kind>_subject.txt`, `_body.txt` and `_body.html`,
rendered in the agency's time zone (the program's for staff emails); only the HTML body is
HTML-escaped, so an agency called "O'Brien & Sons" does not arrive in the subject or the
plain text as "O&#x27;Brien &amp; Sons". Every message carries a
Message-ID made from its outbox row, so a repeat of the same row is recognisably the same
message; a kind people can turn off adds its one-click unsubscribe headers (RFC 8058).
"""

from __future__ import annotations

import hashlib
import zoneinfo
from collections.abc import Callable
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.models import OutboxEmail
from agencies.outbox import kinds
from agencies.outbox.kinds import Skip


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    """(subject on one line, plain-text body, HTML body) of the templates at the prefix."""
    subject = " ".join(render_text(f"{template_prefix}_subject.txt", context).split())
    text = render_text(f"{template_prefix}_body.txt", context)
    html = render_to_string(f"{template_prefix}_body.html", context)
    return subject, text, html


class Renderer:
    """Builds the messages of one dispatcher run."""

    def __init__(self) -> None:
        self._kept: tuple[object, Any] | None = None

    def reuse(self, key: object, make: Callable[[], Any]) -> Any:
        """What `make` built for `key`, built once while the rows that follow ask for the
        same key (an agency's report, for each member who receives it); only the latest is
        kept, so a run holds one at a time."""
        if self._kept is None or self._kept[0] != key:
            self._kept = (key, make())
        return self._kept[1]

    def message(self, row: OutboxEmail) -> EmailMultiAlternatives:
        """The email for this row, or Skip when it is no longer wanted."""
        kind = kinds.get(row.kind)
        if row.recipient_id and not row.recipient.is_active:
            raise Skip("The recipient's account is deactivated.")
        if kind.still_wanted:
            kind.still_wanted(row)
        zone = row.agency.time_zone if row.agency else settings.PROGRAM_TIME_ZONE
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            content = kind.compose(self, row)
            context = {
                "site_url": settings.SITE_URL,
                "recipient": row.recipient,
                "agency": row.agency,
                **content.context,
            }
            subject, text, html = render_email(f"emails/{row.kind}", context)
        headers = {"Message-ID": message_id(row), "Auto-Submitted": "auto-generated"}
        if content.unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{content.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=text,
            to=[row.address],
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        for filename, data, mimetype in content.attachments:
            message.attach(filename, data, mimetype)
        return message


def message_id(row: OutboxEmail) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(row.key.encode()).hexdigest()[:24]
    return f"<outbox.{row.pk}.{digest}@{domain}>"
