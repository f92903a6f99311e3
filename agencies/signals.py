"""Receivers for allauth's signals (the only place allauth tells us about its flows)."""

from agencies.services import account_unlock


def unlock_after_password_reset(sender, request, user, **kwargs) -> None:
    """A password reset by email proves control of the account: release any lock."""
    account_unlock(user=user, actor=None)
