"""The program's rules, in versions: thresholds, the coverage mode and the pledge's window."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from agencies.names import NameField


class CoverageMode(models.TextChoices):
    MHFA_FOR_ALL = "mhfa_for_all", "MHFA for everyone in scope, and CIT for the minimum share"
    CIT_OR_MHFA = "cit_or_mhfa", "Everyone in scope has CIT or MHFA"


class ProgramRulesQuerySet(models.QuerySet):
    def in_force(self, on) -> ProgramRules | None:
        """The rules version that applies to a pledge signed on `on`."""
        return self.filter(effective_on__lte=on).order_by("-effective_on").first()


class ProgramRules(models.Model):
    """One version of the program's rules. A pledge stays bound to the version it was signed
    under; new versions only apply to pledges signed from their effective date."""

    name = NameField(max_length=100, unique=True)
    effective_on = models.DateField("takes effect", unique=True)
    cit_minimum_percent = models.PositiveSmallIntegerField(
        "CIT minimum (% of people in scope)",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    coverage_target_percent = models.PositiveSmallIntegerField(
        "coverage target (% of people in scope)",
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    coverage_mode = models.CharField(max_length=20, choices=CoverageMode.choices)
    equivalents_count = models.BooleanField("approved equivalent courses count", default=True)
    window_min_months = models.PositiveSmallIntegerField(default=12)
    window_max_months = models.PositiveSmallIntegerField(default=36)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProgramRulesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "program rules"
        ordering = ["-effective_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_min_months__lte=F("window_max_months")),
                name="rules_window_in_order",
                violation_error_message="The shortest window cannot exceed the longest.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return gettext("program rules “%(name)s”") % {"name": self.name}
