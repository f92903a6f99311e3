"""allauth hooks: lockout after repeated failed sign-ins, sign-ins in the audit trail,
account emails that speak as the product and link to SITE_URL, and no second password
prompt right after signing in."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.email_verification import send_verification_email_at_login
from allauth.account.stages import EmailVerificationStage, LoginStageController
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
PRODUCT_NAME = "One Mind Pledge Tracker"
# The ways of signing in that prove what "Confirm access" would ask for again: the password,
# or an authenticator (a TOTP or recovery code, a passkey). An emailed link proves less.
SIGN_IN_PROOFS = {"password", "mfa"}


@dataclass(frozen=True)
class ProductSite:
    """What allauth's email templates call `current_site`: the product, never the host
    the request happened to name."""

    name: str
    domain: str


def product_site() -> ProductSite:
    return ProductSite(name=PRODUCT_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def on_site_url(url: str) -> str:
    """An absolute link allauth built on the request's host, moved to SITE_URL."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{settings.SITE_URL}{parts.path}{query}{fragment}"


def addressed_as(user, email: str) -> str:
    """How an email greets its reader: the first name they gave, else their address."""
    return getattr(user, "first_name", "") or email


def signed_in_within_reauthentication_timeout(request) -> bool:
    """Whether this session signed in with a password or an authenticator less than
    ACCOUNT_REAUTHENTICATION_TIMEOUT ago."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    proofs = [
        record["at"]
        for record in get_authentication_records(request, user)
        if record.get("method") in SIGN_IN_PROOFS
    ]
    return bool(proofs) and time.time() - max(proofs) < account_settings.REAUTHENTICATION_TIMEOUT


def email_confirmation_send_again(request) -> bool | None:
    """Send again the confirmation email that the sign-up or sign-in waiting in this session
    asked for, through allauth's own step, so its pause between two emails to one address
    (ACCOUNT_EMAIL_CONFIRMATION_COOLDOWN, 3 minutes) holds. True when sent, False when the
    pause held it back, None when nothing waits (the pending sign-in ends after
    ACCOUNT_LOGIN_TIMEOUT, 15 minutes: signing in again sends a new link then)."""
    stage = LoginStageController.enter(request, EmailVerificationStage.key)
    if stage is None:
        return None
    return send_verification_email_at_login(request, stage.login)


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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account email speaks as the product and links to SITE_URL. allauth would
        greet from the request's host ("Hello from 127.0.0.1:8125!") and build its links
        on that host: an email that reads like phishing, whose links a forged Host header
        could aim elsewhere."""
        ctx = {
            "request": self.request,
            "email": email,
            "current_site": product_site(),
            "site_url": settings.SITE_URL,
            "support_email": settings.SUPPORT_EMAIL,
            "addressed_as": addressed_as(context.get("user"), email),
        }
        for key, value in context.items():
            is_link = key.endswith("_url") and isinstance(value, str) and "://" in value
            ctx[key] = on_site_url(value) if is_link else value
        self.render_mail(template_prefix, email, ctx).send()

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth asks for the password again ("Confirm access") before a change to the
        account's sign-in factors unless the person reauthenticated within
        ACCOUNT_REAUTHENTICATION_TIMEOUT, and it does not count the sign-in itself: staff
        sent to set up an authenticator at their first sign-in typed the password twice in
        a row. A password or authenticator used to sign in within that time counts here."""
        if signed_in_within_reauthentication_timeout(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)
