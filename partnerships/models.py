"""Mental-health organizations and the partnerships (MOUs) agencies sign with them.

A partnership is the relationship with one organization; each signed text of it — the
original agreement, every renewal and amendment — is a `PartnershipVersion` kept for good.
Which version is in force, and the partnership's status, follow from the dates
(`partnerships.standing`).

A *shared* partnership (one county MOU naming several agencies) is kept once, by its lead
agency, with a `PartnershipParty` row for every agency it names, the lead's included: each
party confirms it, and may later leave it, for itself alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from agencies.names import NameField
from agencies.tenancy import TenantModel


class OrganizationType(models.TextChoices):
    CRISIS_CENTER = "crisis_center", "Crisis center"
    CCBHC = "ccbhc", "Certified community behavioral health clinic (CCBHC)"
    CMHC = "cmhc", "Community mental health center"
    MOBILE_CRISIS = "mobile_crisis", "Mobile crisis team"
    CRISIS_LINE = "crisis_line", "988 / crisis line"
    HOSPITAL = "hospital", "Hospital"
    PEER_RUN = "peer_run", "Peer-run organization"
    OTHER = "other", "Other"


class AlternativeService(models.TextChoices):
    """Services an organization offers as alternatives to arrest or civil commitment."""

    CRISIS_STABILIZATION = "crisis_stabilization", "Crisis stabilization"
    DROP_OFF = "drop_off", "24/7 drop-off"
    MOBILE_CRISIS = "mobile_crisis", "Mobile crisis"
    CO_RESPONDER = "co_responder", "Co-responder"
    CASE_MANAGEMENT = "case_management", "Case management"
    FOLLOW_UP = "follow_up", "Follow-up"


class ProgramModel(models.TextChoices):
    CIT = "cit", "Crisis Intervention Team (CIT)"
    CO_RESPONDER = "co_responder", "Co-responder"
    MOBILE_CRISIS = "mobile_crisis", "Mobile crisis"
    CASE_MANAGEMENT = "case_management", "Case management"
    DROP_OFF = "drop_off", "Crisis drop-off"
    OTHER = "other", "Other"


class ReviewCadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    TWICE_A_YEAR = "twice_a_year", "Twice a year"
    YEARLY = "yearly", "Yearly"
    AS_NEEDED = "as_needed", "As needed"


class MentalHealthOrganization(TenantModel):
    """A community mental-health organization the agency works with."""

    name = NameField(max_length=200)
    organization_type = models.CharField("type", max_length=20, choices=OrganizationType.choices)
    address = models.TextField(blank=True)
    contact_name = NameField("contact person", max_length=200, blank=True)
    contact_email = models.EmailField("contact email", blank=True)
    contact_phone = models.CharField("contact phone", max_length=40, blank=True)
    services = models.JSONField(
        "alternatives to arrest or civil commitment it offers", default=list, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency", "name"],
                name="organization_name_per_agency",
                violation_error_message="Your agency already lists an organization of this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return gettext("organization “%(name)s”") % {"name": self.name}

    def get_services_display(self) -> list[str]:
        labels = dict(AlternativeService.choices)
        return [labels.get(s, s) for s in self.services]


class Partnership(TenantModel):
    """The agency's agreement with one organization, across all its versions."""

    organization = models.ForeignKey(
        MentalHealthOrganization, on_delete=models.PROTECT, related_name="partnerships"
    )
    title = NameField(max_length=200, help_text="For example: “Crisis stabilization MOU”.")
    terminated_on = models.DateField(
        null=True, blank=True, help_text="The first day the agreement is no longer in force."
    )
    termination_reason = models.TextField(blank=True)
    # The region that recorded a shared partnership for its member agencies (on behalf of the
    # lead, whose row this stays); the region reads the partnerships it recorded.
    region = models.ForeignKey(
        "agencies.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        ordering = ["organization__name", "title"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | ~Q(termination_reason=""),
                name="partnership_termination_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} with {self.organization}"

    @property
    def audit_label(self) -> str:
        return gettext("MOU “%(title)s” with %(organization)s") % {
            "title": self.title,
            "organization": self.organization.name,
        }


class VersionKind(models.TextChoices):
    ORIGINAL = "original", "Original agreement"
    RENEWAL = "renewal", "Renewal"
    AMENDMENT = "amendment", "Amendment"


VERSION_TERMS = [
    "program_models",
    "signed_on",
    "effective_on",
    "expires_on",
    "auto_renews",
    "signatories",
    "alternative",
    "referral_criteria",
    "custody_transfer",
    "information_sharing",
    "review_cadence",
]


class PartnershipVersion(TenantModel):
    """One text of a partnership: the original, a renewal or an amendment.

    A draft (not yet signed) can be edited; a signed version never changes. A renewal or an
    amendment is a new version, in force from its effective date.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="versions")
    kind = models.CharField(max_length=20, choices=VersionKind.choices)
    summary = models.TextField(
        "what this version changes", blank=True, help_text="For renewals and amendments."
    )
    program_models = models.JSONField(default=list, blank=True)
    signed_on = models.DateField("signed", null=True, blank=True)
    effective_on = models.DateField("effective from", null=True, blank=True)
    expires_on = models.DateField(
        "expires", null=True, blank=True, help_text="The last day in force. Blank: open-ended."
    )
    auto_renews = models.BooleanField(
        "renews automatically",
        default=False,
        help_text="Renews for the same term unless either side ends it.",
    )
    signatories = models.JSONField(default=list, blank=True)  # [{name, title, organization}]
    alternative = models.TextField(
        "alternative to arrest or civil commitment",
        blank=True,
        help_text="What the partner provides instead of arrest or civil commitment.",
    )
    referral_criteria = models.TextField(blank=True)
    custody_transfer = models.TextField(
        "how custody or responsibility passes to the clinician", blank=True
    )
    information_sharing = models.TextField(
        "information-sharing terms", blank=True, help_text="HIPAA and 42 CFR Part 2."
    )
    review_cadence = models.CharField(
        "joint review meetings", max_length=20, choices=ReviewCadence.choices, blank=True
    )
    document = models.ForeignKey(
        "agencies.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        ordering = ["effective_on", "created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | (Q(effective_on__isnull=False) & Q(document__isnull=False)),
                name="signed_version_has_dates_and_document",
                violation_error_message="A signed agreement needs its effective date and "
                "the signed document.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(expires_on__gte=F("effective_on")),
                name="version_expires_after_effective",
                violation_error_message="The expiry date cannot be before the effective date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.partnership_id}"

    @property
    def is_draft(self) -> bool:
        return self.signed_on is None

    def get_program_models_display(self) -> list[str]:
        labels = dict(ProgramModel.choices)
        return [labels.get(m, m) for m in self.program_models]


class PartyStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    LEFT = "left", "Left"


# A party that confirmed counts the partnership until the day it leaves (`left_on`), which
# may be set ahead: a party that gave notice is `left` before its last day has passed.
COUNTING_STATUSES = [PartyStatus.CONFIRMED, PartyStatus.LEFT]


class PartnershipParty(TenantModel):
    """One agency's part in a shared partnership: named by whoever recorded it, confirmed or
    declined by the agency's coordinator, left by the agency for itself alone.

    The row is the party's (`agency`); its `partnership` is the lead agency's row — a
    deliberate reference across agencies, and the only way a party reaches the shared
    partnership, its versions and documents (`partnerships.shared.queries`).
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="parties")
    status = models.CharField(
        max_length=12, choices=PartyStatus.choices, default=PartyStatus.AWAITING
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField(default=timezone.now, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)  # confirmed or declined
    left_on = models.DateField(
        null=True, blank=True, help_text="The first day the agreement no longer applies to it."
    )
    reason = models.TextField(blank=True)  # why it declined or left
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name_plural = "partnership parties"
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency", "partnership"],
                name="partnership_party_once",
                violation_error_message="This agency is already a party to the agreement.",
            ),
            models.CheckConstraint(
                condition=Q(status=PartyStatus.LEFT, left_on__isnull=False)
                | (~Q(status=PartyStatus.LEFT) & Q(left_on__isnull=True)),
                name="partnership_party_left_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=PartyStatus.LEFT) | ~Q(reason=""),
                name="partnership_party_left_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="partnership_party_status")]

    def __str__(self) -> str:
        return f"{self.agency_id} in partnership {self.partnership_id} ({self.status})"

    @property
    def audit_label(self) -> str:
        return gettext("part of %(agency)s in %(partnership)s") % {
            "agency": self.agency.name,
            "partnership": self.partnership.audit_label,
        }

    def counts_on(self, on) -> bool:
        """Whether the agreement applies to this party on `on` (its dates permitting)."""
        return self.status in COUNTING_STATUSES and (self.left_on is None or self.left_on > on)
