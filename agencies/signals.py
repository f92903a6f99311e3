"""Receivers: allauth's signals (the only place allauth tells us about its flows), the
changes to users, groups and permissions that can make someone program staff or not, and
the changes that make what the cache keeps of a signed-in user stale."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from agencies.audit import record_event
from agencies.auth_backends import forget_signed_in_user
from agencies.models import User
from agencies.services import account_unlock, email_address_release
from agencies.staff import forget_mfa, forget_program_staff


def unlock_after_password_reset(sender, request, user, **kwargs) -> None:
    """A password reset by email proves control of the account: release any lock."""
    account_unlock(user=user, actor=None)


def email_confirmed(sender, request, email_address, **kwargs) -> None:
    """Whoever confirmed an address owns it: other accounts that merely added it lose it."""
    email_address_release(
        email=email_address.email, claimant=email_address.user, reason="confirmed by its owner"
    )


def authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    """Audit the new factor; a TOTP or passkey just proven counts as this session's MFA."""
    record_event(action="mfa.added", actor=user, obj=user, values={"type": authenticator.type})
    if authenticator.type in (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN):
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


def authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    record_event(action="mfa.removed", actor=user, obj=user, values={"type": authenticator.type})


def staff_standing_changed(sender, instance, action, model, pk_set, **kwargs) -> None:
    """A change to who is in which group, or to what a group or user may do."""
    if action in ("post_add", "post_remove", "pre_clear"):
        forget_program_staff(_users_touched(instance, model, pk_set))


def user_saved_or_deleted(sender, instance, **kwargs) -> None:
    """Any field may have changed (the password, the active and superuser flags): the cached
    user and staff standing are read again."""
    forget_signed_in_user([instance.pk])
    forget_program_staff([instance.pk])


def authenticator_saved_or_deleted(sender, instance, **kwargs) -> None:
    """A second factor added or removed, however (allauth's pages, the admin, a deletion of
    the account): whether the user has MFA is asked again."""
    forget_mfa([instance.user_id])


def group_or_permission_deleted(sender, instance, **kwargs) -> None:
    """Their rows in the relations go with them, without m2m signals."""
    forget_program_staff(_users_touched(instance, type(instance), set()))


def _users_touched(instance, model, pk_set) -> set[int]:
    """Every user whose permissions the change can reach, on either side of the relation."""
    users: set[int] = set()
    for side, pks in ((type(instance), {instance.pk}), (model, pk_set or set())):
        if not pks:
            continue
        if issubclass(side, User):
            users |= set(pks)
        elif issubclass(side, Group):
            users |= set(User.objects.filter(groups__in=pks).values_list("pk", flat=True))
        elif issubclass(side, Permission):
            holding = Q(user_permissions__in=pks) | Q(groups__permissions__in=pks)
            holders = User.objects.filter(holding)
            users |= set(holders.values_list("pk", flat=True))
    return users
