"""The registry of email kinds: each app registers its own in its AppConfig.ready, and the
outbox sends them knowing nothing of the apps.

A kind is a name (also the prefix of its three templates, `emails/<name>_subject.txt`,
`_body.txt`, `_body.html`), a label for staff, a composer that turns a row into the
templates' context, and optionally a check made again just before sending (the recipient
unsubscribed, left the agency, the invitation was withdrawn...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agencies.models import OutboxEmail


class Skip(Exception):  # noqa: N818 - it is not an error: the email is no longer wanted
    """Nothing to send any more: the recipient opted out or left, or the reason passed."""


@dataclass
class Content:
    """What a composer gives the templates, and the message's attachments. A kind that
    people can turn off gives its one-click unsubscribe link (RFC 8058 headers)."""

    context: dict
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    unsubscribe_url: str = ""


# The composer gets the dispatcher's renderer (to reuse what several rows share, such as an
# agency's report) and the row.
Composer = Callable[[Any, "OutboxEmail"], Content]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    compose: Composer
    still_wanted: Callable[[OutboxEmail], None] | None = None  # raises Skip when not


_KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Make kinds known to the outbox; registering the same name twice is a mistake."""
    for kind in kinds:
        known = _KINDS.get(kind.name)
        if known is not None and known != kind:
            raise ValueError(f"The email kind {kind.name!r} is registered already.")
        _KINDS[kind.name] = kind


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No email kind {name!r} is registered.") from None


def label(name: str) -> str:
    kind = _KINDS.get(name)
    return kind.label if kind else name


def registered() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.label)
