"""Regions, the people who run them, and the agencies that joined them by consent.

Foreign keys name their models by label ("agencies.Agency"), so this module imports nothing
of `agencies.models`, which re-exports it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from agencies.names import NameField
from agencies.regions.scope import RegionManager, RegionOwnedModel
from agencies.tenancy import TenantManager


class RegionKind(models.TextChoices):
    STATE_ASSOCIATION = "state_association", _("State or provincial chiefs' association")
    COUNTY_COLLABORATIVE = "county_collaborative", _("County collaborative")
    REGIONAL_CIT = "regional_cit", _("Regional CIT program")
    OTHER = "other", _("Other collaborative")


class Region(models.Model):
    """A collaborative of agencies, led by its coordinators: the second kind of scope."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = NameField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField("type", max_length=30, choices=RegionKind.choices)
    country = CountryField(default="US")
    state = models.CharField(
        "state or province",
        max_length=100,
        blank=True,
        help_text="Two-letter code of the state or province it serves, if it serves one.",
    )
    verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"),
                "country",
                name="region_name_unique",
                violation_error_message="A region of this name is already registered.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return gettext("region “%(name)s”") % {"name": self.name}


class RegionRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Region coordinator")
    VIEWER = "viewer", _("Region viewer")


class RegionCapability(models.TextChoices):
    """What a region page needs from the member's role."""

    VIEW = "view"  # every member: the dashboard, the region's shared MOUs and classes
    MANAGE = "manage"  # invite agencies and people, record shared MOUs and classes


REGION_ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    RegionRole.COORDINATOR: frozenset({RegionCapability.VIEW, RegionCapability.MANAGE}),
    RegionRole.VIEWER: frozenset({RegionCapability.VIEW}),
}


class RegionMembership(RegionOwnedModel):
    """A user's role in one region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_memberships"
    )
    role = models.CharField(max_length=20, choices=RegionRole.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(RegionOwnedModel.Meta):
        constraints = [
            *RegionOwnedModel.Meta.constraints,
            models.UniqueConstraint(fields=["region", "user"], name="region_membership_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def audit_label(self) -> str:
        return gettext("region membership of %(email)s as %(role)s") % {
            "email": self.user.email,
            "role": self.get_role_display().lower(),
        }

    def can(self, capability: str) -> bool:
        return capability in REGION_ROLE_CAPABILITIES[self.role]


class RegionInvitation(RegionOwnedModel):
    """An emailed invitation to join a region's team with a role; single use, expiring."""

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=RegionRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(RegionOwnedModel.Meta):
        constraints = [
            *RegionOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["region", "email"],
                condition=Q(accepted_at=None, revoked_at=None),
                name="region_invitation_one_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to region {self.region_id} as {self.role}"

    @property
    def audit_label(self) -> str:
        return gettext("region invitation of %(email)s as %(role)s") % {
            "email": self.email,
            "role": self.get_role_display().lower(),
        }

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class Sharing(models.TextChoices):
    """What a member agency lets its region see."""

    PROGRESS = "progress", _("Progress: requirement status, figures, target date and pace")
    ROSTER = "roster", _("Progress and roster: also the names and training of its people")


class MemberAgencyStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    MEMBER = "member", _("Member")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Invitation withdrawn")
    LEFT = "left", _("Left")


# The states in which a row is the agency's current standing with the region: at most one.
CURRENT_STATUSES = [MemberAgencyStatus.INVITED, MemberAgencyStatus.MEMBER]


class MemberAgency(RegionOwnedModel):
    """An agency's place in a region, by its consent: invited by the region, accepted (or
    declined) by the agency's coordinator with what it shares, changed or left by the agency
    at any time. Leaving ends the region's view at once: every region read asks for
    `status = member` now. A rejoin after leaving is a new row; the old one stays as history.

    Belongs to two scopes: region pages read it through `objects` (region scope), agency
    pages through `of_agency` (agency scope); both fail closed.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=12, choices=MemberAgencyStatus.choices, default=MemberAgencyStatus.INVITED
    )
    sharing = models.CharField(max_length=12, choices=Sharing.choices, default=Sharing.PROGRESS)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)  # accepted or declined
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)  # left, or invitation withdrawn

    objects = RegionManager()
    of_agency = TenantManager()
    all_regions = models.Manager()

    class Meta(RegionOwnedModel.Meta):
        verbose_name_plural = "member agencies"
        constraints = [
            *RegionOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["region", "agency"],
                condition=Q(status__in=CURRENT_STATUSES),
                name="member_agency_one_current",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="member_agency_region_status"),
            models.Index(fields=["agency", "status"], name="member_agency_agency_status"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} in region {self.region_id} ({self.status})"

    @property
    def audit_label(self) -> str:
        return gettext("membership of agency %(agency)s in region %(region)s") % {
            "agency": self.agency.name,
            "region": self.region.name,
        }

    @property
    def shares_roster(self) -> bool:
        return self.status == MemberAgencyStatus.MEMBER and self.sharing == Sharing.ROSTER


class OnboardingList(RegionOwnedModel):
    """A list of agencies a region coordinator uploaded and sent invitations to, all at once.
    Its public id is given when the list is checked, so a confirmation sent twice (a double
    click, a resubmitted page) finds the list sent and sends nothing more."""

    filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    invited = models.PositiveIntegerField(default=0)  # agencies invited to register
    asked = models.PositiveIntegerField(default=0)  # registered agencies asked to join

    class Meta(RegionOwnedModel.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Onboarding list {self.filename} of region {self.region_id}"

    @property
    def audit_label(self) -> str:
        return gettext("list of agencies “%(file)s”") % {"file": self.filename}


class OnboardingInvitation(RegionOwnedModel):
    """An agency not yet registered, invited by a region: its coordinator-to-be gets a link
    to register the agency and join the region (consenting to what it shares as it joins).
    Written one by one, or many at once by the bulk onboarding upload."""

    agency_name = NameField(max_length=200)
    ori = models.CharField("ORI", max_length=9, blank=True)
    state = models.CharField("state or province", max_length=100, blank=True)
    email = models.EmailField("coordinator email")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    registered_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_with = models.ForeignKey(
        OnboardingList, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations"
    )

    class Meta(RegionOwnedModel.Meta):
        ordering = ["created_at", "agency_name"]
        constraints = [
            *RegionOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["region", "email"],
                condition=Q(registered_at=None, revoked_at=None),
                name="onboarding_one_waiting_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"Onboarding of {self.agency_name} ({self.email})"

    @property
    def audit_label(self) -> str:
        return gettext("invitation of %(agency)s (%(email)s) to register") % {
            "agency": self.agency_name,
            "email": self.email,
        }

    @property
    def status(self) -> str:
        if self.registered_at:
            return "registered"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
