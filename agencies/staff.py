"""Program staff (IACP reviewers and administrators): who they are, and the MFA they need."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

REVIEW = "agencies.review_agencies"
ADMINISTER = "agencies.administer_program"
REVIEWER_GROUP = "Program reviewers"
ADMINISTRATOR_GROUP = "Program administrators"


def is_program_staff(user) -> bool:
    return user.is_authenticated and (user.has_perm(REVIEW) or user.has_perm(ADMINISTER))


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
