"""Reads of an agency's API tokens (inside its scope)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from agencies.models import User
from agencies.tokens.models import ApiToken


def live_tokens_created_by(user: User) -> QuerySet[ApiToken]:
    """The agency's tokens `user` created that still work: tokens belong to the agency and
    outlive their creator's membership, so whoever removes them is told."""
    return ApiToken.objects.filter(created_by=user, revoked_at=None, expires_at__gt=timezone.now())
