"""Program staff (IACP reviewers and administrators): who they are, and the MFA they need."""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from onemind.cache import cached

REVIEW = "agencies.review_agencies"
ADMINISTER = "agencies.administer_program"
REVIEWER_GROUP = "Program reviewers"
ADMINISTRATOR_GROUP = "Program administrators"

log = logging.getLogger(__name__)


# Whether a user is program staff decides the header's staff link and the MFA enrolment
# asked of staff before any page, so it is asked on every request. The answer is kept in
# the cache and forgotten whenever the user, their groups or a group's permissions change
# (agencies.signals); staff pages themselves check the permission live (staff_view).
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


def staff_view(permission: str = REVIEW):
    """A staff page: the staff permission and a session that passed MFA, checked server-side."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account_login')}?{query}")
            if not request.user.has_perm(permission):
                raise PermissionDenied("This page is for program staff.")
            if not session_passed_mfa(request):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('staff:mfa_required')}?{query}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
