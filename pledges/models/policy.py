"""The agency's crisis-response policy: one of the four requirements the pledge judges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from agencies.names import NameField
from agencies.tenancy import TenantModel
from onemind.lib.dates import day

# The six elements the program requires of the policy: (field, what it covers).
POLICY_ELEMENTS: list[tuple[str, str]] = [
    ("definitions_at", "Definitions of key terms"),
    ("signs_and_symptoms_at", "Recognizing signs and symptoms"),
    ("risk_assessment_at", "Assessing risk"),
    ("referrals_at", "Making referrals"),
    ("care_providers_at", "A list of care providers"),
    ("training_at", "Training requirements"),
]


# Which version supersedes which: the later effective date, then adoption, then recording.
NEWEST_FIRST = ["-effective_on", "-adopted_on", "-created_at", "-pk"]


def _element(label: str) -> models.CharField:
    return models.CharField(
        label,
        max_length=100,
        blank=True,
        help_text="The section or page of the policy that covers it; blank if it does not.",
    )


class CrisisPolicy(TenantModel):
    """One adopted version of the agency's policy on police response to people with
    mental-health conditions. A new version supersedes the old from its effective date;
    no version is ever changed or deleted."""

    title = NameField(max_length=200)
    adopted_on = models.DateField("adopted")
    effective_on = models.DateField("effective from")
    based_on_iacp_model = models.BooleanField(
        "based on the IACP model policy",
        default=False,
        help_text="IACP's Model Policy on Responding to Persons Affected by Mental Illness "
        "or in Crisis.",
    )
    definitions_at = _element("Definitions of key terms")
    signs_and_symptoms_at = _element("Recognizing signs and symptoms")
    risk_assessment_at = _element("Assessing risk")
    referrals_at = _element("Making referrals")
    care_providers_at = _element("A list of care providers")
    training_at = _element("Training requirements")
    change_summary = models.TextField("what changed from the previous version", blank=True)
    document = models.ForeignKey("agencies.Document", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        verbose_name_plural = "crisis policies"
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(effective_on__gte=F("adopted_on")),
                name="policy_effective_after_adoption",
                violation_error_message="The effective date cannot be before the adoption date.",
            ),
        ]
        indexes = [models.Index(fields=["agency", "effective_on"], name="policy_agency_effective")]

    def __str__(self) -> str:
        return f"{self.title} (adopted {self.adopted_on:%Y-%m-%d})"

    @property
    def audit_label(self) -> str:
        return gettext("policy “%(title)s” (adopted %(on)s)") % {
            "title": self.title,
            "on": day(self.adopted_on),
        }

    @property
    def elements(self) -> list[tuple[str, str]]:
        """(what the element covers, where the policy covers it — "" when it does not)."""
        return [(label, getattr(self, name)) for name, label in POLICY_ELEMENTS]

    @property
    def missing_elements(self) -> list[str]:
        return [label for label, where in self.elements if not where.strip()]

    @property
    def covered_count(self) -> int:
        return len(self.elements) - len(self.missing_elements)
