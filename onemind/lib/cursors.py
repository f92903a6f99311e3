"""Keyset pagination for APIs: a page of rows ordered by (timestamp, id), and an opaque,
signed cursor naming the last row, so pages hold still while rows are added and a made-up
cursor is refused rather than guessed at."""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "onemind.api.cursor"


class BadCursor(ValueError):
    """The cursor was not one this server gave."""


def page_after(rows: QuerySet, cursor: str | None, limit: int, *, field: str):
    """Up to `limit` rows after `cursor`, ordered by `field` then id; and the next cursor,
    or None on the last page."""
    ordered = rows.order_by(field, "pk")
    if cursor:
        try:
            at, pk = signing.loads(cursor, salt=SALT)
            at = datetime.fromisoformat(at)
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise BadCursor(
                "This cursor is not one the API gave; start again without it."
            ) from error
        ordered = ordered.filter(Q(**{f"{field}__gt": at}) | Q(**{field: at, "pk__gt": pk}))
    page = list(ordered[: limit + 1])
    more, page = len(page) > limit, page[:limit]
    if not more:
        return page, None
    last = page[-1]
    return page, signing.dumps([getattr(last, field).isoformat(), last.pk], salt=SALT)
