"""Reads for agencies, members and the audit trail."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from agencies.models import (
    Agency,
    AuditEvent,
    Invitation,
    Membership,
    RegionMembership,
    SignInLock,
    User,
)
from agencies.tenancy import agency_scope


def user_memberships(user: User) -> QuerySet[Membership]:
    """Every agency the user belongs to (for the agency switcher and home page), each marked
    `on_region_team` when the user also helps run a region: the header then offers the way
    there without a query of its own."""
    return (
        Membership.all_agencies.filter(user=user)
        .select_related("agency")
        .annotate(on_region_team=Exists(RegionMembership.all_regions.filter(user=user)))
        .order_by("agency__name")
    )


def _locked(email_path: str) -> Exists:
    return Exists(SignInLock.objects.filter(email=Lower(OuterRef(email_path))))


def own_agency_like(user: User, profile: dict) -> Agency | None:
    """The user's agency with this name and place, if they belong to one."""
    return Agency.objects.filter(
        name__iexact=profile.get("name", ""),
        country=profile.get("country", ""),
        region__iexact=profile.get("region", ""),
        locality__iexact=profile.get("locality", ""),
        pk__in=Membership.all_agencies.filter(user=user).values("agency"),
    ).first()


def agency_members(agency: Agency) -> QuerySet[Membership]:
    """The agency's members with their accounts, each marked `locked` when sign-in is locked."""
    with agency_scope(agency):
        return (
            Membership.objects.select_related("user")
            .annotate(locked=_locked("user__email"))
            .order_by("role", "user__email")
        )


def open_invitations(agency: Agency) -> QuerySet[Invitation]:
    with agency_scope(agency):
        return Invitation.objects.filter(
            accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        ).order_by("-created_at")


def agency_audit_trail(agency: Agency) -> QuerySet[AuditEvent]:
    """The agency's events, newest first: changes to its data and to its members' accounts."""
    return AuditEvent.objects.filter(agency=agency).select_related("actor")


def all_audit_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor", "agency")


def locked_accounts() -> QuerySet[User]:
    """Accounts whose sign-in is locked, most recently locked first, with `locked_at`."""
    lock = SignInLock.objects.filter(email=Lower(OuterRef("email")))
    return (
        User.objects.annotate(locked_at=Subquery(lock.values("locked_at")[:1]))
        .filter(locked_at__isnull=False)
        .order_by("-locked_at")
    )


def email_in_use(email: str) -> bool:
    """Whether an address belongs to an account: confirmed on one, or one's sign-in
    address. An address some account merely added and never confirmed belongs to nobody."""
    return (
        EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
        or User.objects.filter(email__iexact=email).exists()
    )


def email_belongs_to(user: User, email: str) -> bool:
    """Whether `email` is the user's sign-in address or one they confirmed."""
    return (
        user.email.lower() == email.lower()
        or EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )
