"""Writes for API tokens, each with its audit event; and the one check a request's token
goes through."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import record_event
from agencies.models import Agency, User
from agencies.tokens.models import ApiToken, TokenScope

TOKEN_PREFIX = "om"  # noqa: S105 - the label every token text starts with, not a secret
VALID_DAYS = (30, 90, 180, 365)
# How stale "last used" may get before it is written again (saves a write per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(
    *, agency: Agency, actor: User, name: str, scopes: list[str], valid_days: int
) -> tuple[ApiToken, str]:
    """A new token and its secret text, which is shown once and never stored.

    The text names the agency by its public id, so a request's token is found by the
    agency's key and the digest, as every tenant row is."""
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(TokenScope.values):
        raise ValidationError({"scopes": _("Choose what the token may do.")})
    if valid_days not in VALID_DAYS:
        raise ValidationError({"valid_days": _("Choose how long the token is valid.")})
    secret = secrets.token_urlsafe(32)
    text = f"{TOKEN_PREFIX}_{agency.public_id.hex}_{secret}"
    with transaction.atomic():
        token = ApiToken.all_agencies.create(
            agency=agency,
            name=name,
            scopes=scopes,
            prefix=secret[:8],
            digest=_digest(text),
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=valid_days),
        )
        record_event(
            action="api_token.created",
            actor=actor,
            agency=agency,
            obj=token,
            values={"name": name, "scopes": scopes, "expires_at": token.expires_at},
        )
    return token, text


def token_revoke(*, agency: Agency, actor: User, token: ApiToken) -> ApiToken:
    """The token stops working at once; revoking twice is refused with the reason."""
    if token.agency_id != agency.pk:
        raise ValidationError(_("This token belongs to another agency."))
    with transaction.atomic():
        revoked = ApiToken.all_agencies.filter(pk=token.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        token.refresh_from_db()
        if not revoked:
            raise ValidationError(_("This token was already revoked."))
        record_event(action="api_token.revoked", actor=actor, agency=agency, obj=token)
    return token


def token_in_use(text: str) -> ApiToken | None:
    """The live token a request presents, or None for anything else (malformed, unknown,
    revoked, expired). Its last use is noted, at most once a minute."""
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    try:
        agency_id = uuid.UUID(hex=parts[1])
    except ValueError:
        return None
    now = timezone.now()
    token = (
        ApiToken.all_agencies.select_related("agency")
        .filter(
            agency__public_id=agency_id,
            digest=_digest(text.strip()),
            revoked_at=None,
            expires_at__gt=now,
        )
        .first()
    )
    if token is not None and (
        token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION
    ):
        ApiToken.all_agencies.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
