"""Program staff (IACP reviewers and administrators): who they are, and the MFA they need."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.db import transaction

from onemind.cache import cached

REVIEW = "agencies.review_agencies"
ADMINISTER = "agencies.administer_program"
REVIEWER_GROUP = "Program reviewers"
ADMINISTRATOR_GROUP = "Program administrators"

log = logging.getLogger(__name__)


# Whether a user is program staff decides the header's staff link and the MFA enrolment
# asked of staff before any page, so it is asked on every request. The answer is kept in
# the cache and forgotten whenever the user, their groups or a group's permissions change
# (agencies.signals); staff pages themselves check the permission live (StaffAreaMiddleware).
STAFF_CACHE_SECONDS = 300


def _staff_key(user_id: int) -> str:
    return f"program-staff:{user_id}"


def is_program_staff(user) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_program_staff"):
        user._program_staff = cached(
            _staff_key(user.pk),
            lambda: user.has_perm(REVIEW) or user.has_perm(ADMINISTER),
            STAFF_CACHE_SECONDS,
        )
    return user._program_staff


def forget_program_staff(user_ids) -> None:
    """The users' staff standing may have changed: their next request asks the database.

    Forgotten now and again on commit, so that a request answered from the database before
    the change committed cannot keep the old answer."""
    keys = [_staff_key(pk) for pk in user_ids]
    _forget(keys)
    transaction.on_commit(lambda: _forget(keys))


def _forget(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:  # the entries expire on their own
        log.exception("Could not forget the staff standing %s", keys)


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def session_passed_mfa(request) -> bool:
    """True when this session's sign-in (or a later re-authentication) used a second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


@dataclass(frozen=True)
class StaffAccess:
    """What a staff page asks of its visitor: a staff permission and, for every page but the
    one that asks for it, a session that passed MFA."""

    permission: str
    session_mfa: bool = True


def staff_view(permission: str, *, session_mfa: bool = True):
    """Mark a view under /staff/ with the staff permission it needs; StaffAreaMiddleware
    checks it (and refuses a staff view that declares nothing).

    session_mfa=False is for the page that asks staff for their second factor: it must open
    before the session has passed MFA.
    """

    def decorator(view: Callable) -> Callable:
        view.staff_access = StaffAccess(permission, session_mfa)
        return view

    return decorator
