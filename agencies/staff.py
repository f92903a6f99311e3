"""Program staff (IACP reviewers and administrators): who they are, and the MFA they need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator

from onemind.cache import cached, forget

REVIEW = "agencies.review_agencies"
ADMINISTER = "agencies.administer_program"
REVIEWER_GROUP = "Program reviewers"
ADMINISTRATOR_GROUP = "Program administrators"
# Declared by the staff pages every staff role needs (the one that asks for MFA): open to
# reviewers, administrators and whoever holds a registered staff role.
ANY_STAFF_ROLE = "agencies.any_staff_role"


# Whether a user is program staff decides the header's staff link and the MFA enrolment
# asked of staff before any page, so it is asked on every request. The answer is kept in
# the cache and forgotten whenever the user, their groups or a group's permissions change
# (agencies.signals); staff pages themselves check the permission live (StaffAreaMiddleware).
STAFF_CACHE_SECONDS = 300


def _staff_key(user_id: int) -> str:
    return f"staff-standing:{user_id}"


@dataclass(frozen=True)
class StaffRole:
    """A narrower staff role an app above defines (a subject-matter expert): the permission
    that makes it, the page its holders start from (a URL name) and what the header calls it.
    Its holders need MFA as all staff do, and see only its link in the header."""

    permission: str
    home: str
    label: str


_ROLES: dict[str, StaffRole] = {}


def register_staff_role(*roles: StaffRole) -> None:
    """Make roles known (from an AppConfig.ready); agencies never imports the apps above."""
    for role in roles:
        _ROLES[role.permission] = role


# The standing kept in the cache: "program" for reviewers and administrators, else the
# permissions of the registered roles the user holds.
_PROGRAM = "program"


def _standing(user) -> list[str]:
    if user.has_perm(REVIEW) or user.has_perm(ADMINISTER):
        return [_PROGRAM]
    return [permission for permission in _ROLES if user.has_perm(permission)]


def _cached_standing(user) -> list[str]:
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_staff_standing"):
        user._staff_standing = list(
            cached(_staff_key(user.pk), lambda: _standing(user), STAFF_CACHE_SECONDS)
        )
    return user._staff_standing


def is_program_staff(user) -> bool:
    """A reviewer or an administrator (not merely the holder of a narrower staff role)."""
    return _PROGRAM in _cached_standing(user)


def staff_roles_of(user) -> list[StaffRole]:
    """The narrower staff roles a user who is not program staff holds (for the header)."""
    return [_ROLES[p] for p in _cached_standing(user) if p in _ROLES]


def holds_staff_role(user) -> bool:
    """Program staff or the holder of a registered staff role: both need MFA."""
    return bool(_cached_standing(user))


def has_staff_permission(user, permission: str) -> bool:
    """Asked live on every staff page (never from the cache): a role that expired is gone."""
    if permission == ANY_STAFF_ROLE:
        return any(user.has_perm(p) for p in (REVIEW, ADMINISTER, *_ROLES))
    return user.has_perm(permission)


def forget_program_staff(user_ids) -> None:
    """The users' staff standing may have changed: their next request asks the database."""
    forget([_staff_key(pk) for pk in user_ids])


def _mfa_key(user_id: int) -> str:
    return f"mfa-standing:{user_id}"


def has_mfa(user) -> bool:
    """Whether the user has a second factor (an authenticator app or a passkey). Asked of
    staff on every request, so kept in the cache like the staff standing and forgotten when
    one of the user's authenticators is added or removed (agencies.signals)."""
    return cached(_mfa_key(user.pk), lambda: _has_mfa(user), STAFF_CACHE_SECONDS)


def _has_mfa(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def forget_mfa(user_ids) -> None:
    """The users' authenticators changed: their next request asks the database."""
    forget([_mfa_key(pk) for pk in user_ids])


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


@dataclass(frozen=True)
class DashboardPanel:
    """A panel an app above adds to the program dashboard (`staff:program_dashboard`): the
    template it is drawn with, and the function that reads what the template shows (given
    as `panel`)."""

    template: str
    read: Callable[[], dict]


_PANELS: list[DashboardPanel] = []


def register_dashboard_panel(panel: DashboardPanel) -> None:
    """Add a panel (from an AppConfig.ready); registering the same panel twice adds it once."""
    if panel not in _PANELS:
        _PANELS.append(panel)


def dashboard_panels() -> list[tuple[str, dict]]:
    """(template, what it shows) of every registered panel, in the order registered."""
    return [(panel.template, panel.read()) for panel in _PANELS]
