"""Receivers for allauth's signals (the only place allauth tells us about its flows)."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator

from agencies.audit import record_event
from agencies.services import account_unlock


def unlock_after_password_reset(sender, request, user, **kwargs) -> None:
    """A password reset by email proves control of the account: release any lock."""
    account_unlock(user=user, actor=None)


def authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    """Audit the new factor; a TOTP or passkey just proven counts as this session's MFA."""
    record_event(action="mfa.added", actor=user, obj=user, values={"type": authenticator.type})
    if authenticator.type in (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN):
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


def authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    record_event(action="mfa.removed", actor=user, obj=user, values={"type": authenticator.type})
