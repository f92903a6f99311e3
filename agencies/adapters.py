"""allauth hooks: lockout after repeated failed sign-ins, and sign-ins in the audit trail."""

from __future__ import annotations

import time

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import ngettext

from agencies import lockout
from agencies.audit import record_event
from agencies.services import account_lock

SESSION_LOGIN_AT = "onemind_login_at"
SESSION_SEEN_AT = "onemind_seen_at"


def locked_message() -> str:
    limit = settings.LOGIN_FAILURE_LIMIT
    return ngettext(
        "This account is locked after %(limit)d failed sign-in attempt. To unlock it, reset "
        "your password by email, or ask your agency coordinator or a program administrator to "
        "unlock it.",
        "This account is locked after %(limit)d failed sign-in attempts. To unlock it, reset "
        "your password by email, or ask your agency coordinator or a program administrator to "
        "unlock it.",
        limit,
    ) % {"limit": limit}


class AccountAdapter(DefaultAccountAdapter):
    def _user_for(self, email: str):
        return get_user_model().objects.filter(email__iexact=email.strip()).first()

    def pre_authenticate(self, request, **credentials) -> None:
        email = credentials.get("email", "")
        if email and lockout.is_locked(email):
            record_event(
                action="login.refused_locked", obj=self._user_for(email), actor_email=email[:254]
            )
            raise ValidationError(locked_message(), code="account_locked")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials) -> None:
        email = credentials.get("email", "")
        if not email:
            return
        user = self._user_for(email)
        count = lockout.record_failure(email)
        record_event(
            action="login.failed",
            obj=user,
            actor_email=email[:254],
            values={"failures_in_window": count},
        )
        if count >= settings.LOGIN_FAILURE_LIMIT:
            account_lock(email=email, user=user)
            raise ValidationError(locked_message(), code="account_locked")

    def pre_login(self, request, user, **kwargs):
        # Every way in (password, passkey, emailed code, email confirmation) stops here.
        if lockout.is_locked(user.email):
            return render(request, "account/locked.html", {"message": locked_message()}, status=403)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        now = time.time()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_SEEN_AT] = now
        lockout.clear_failures(user.email)
        record_event(action="login.succeeded", actor=user, obj=user)
        return response
