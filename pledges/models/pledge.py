"""An agency's pledge, its submissions for certification and its daily progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import UUID4
from django.utils import timezone
from django.utils.translation import gettext

from agencies.names import NameField
from agencies.tenancy import TenantModel
from onemind.lib.dates import day
from pledges.models.rules import ProgramRules


class PledgeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PLEDGED = "pledged", "Pledged"
    SUBMITTED = "submitted", "Submitted for certification"
    RETURNED = "returned", "Returned for changes"
    CERTIFIED = "certified", "Certified"
    LAPSED = "lapsed", "Lapsed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (
    PledgeStatus.DRAFT,
    PledgeStatus.PLEDGED,
    PledgeStatus.SUBMITTED,
    PledgeStatus.RETURNED,
)


# Signed and not yet ended: what "the agency's pledge" means on its pages.
SIGNED_OPEN_STATUSES = tuple(s for s in OPEN_STATUSES if s != PledgeStatus.DRAFT)


class Pledge(TenantModel):
    """An agency's commitment to meet the four requirements by its target date."""

    rules = models.ForeignKey(ProgramRules, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.DRAFT
    )
    pledged_on = models.DateField(null=True, blank=True)
    target_date = models.DateField()
    chief_name = NameField("chief executive's name", max_length=200)
    chief_title = NameField("chief executive's title", max_length=200)
    signature = NameField("typed signature", max_length=200, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_pledge_per_agency",
                violation_error_message="Your agency already has an open pledge.",
            ),
        ]

    def __str__(self) -> str:
        return f"Pledge of {self.agency_id} ({self.get_status_display()})"

    @property
    def audit_label(self) -> str:
        if self.pledged_on is None:
            return gettext("the draft pledge")
        return gettext("the pledge signed %(on)s") % {"on": day(self.pledged_on)}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Submission(TenantModel):
    """A pledge submitted for certification, with the evidence frozen as the reviewer sees
    it: later changes to the roster or documents do not change what was submitted."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField()
    snapshot_sha256 = models.CharField(max_length=64)

    class Meta(TenantModel.Meta):
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Submission of {self.pledge_id} at {self.submitted_at:%Y-%m-%d %H:%M}"


class ProgressSnapshot(TenantModel):
    """An agency's figures and requirement results on one day, updated in place during the
    day; the rows over time are the progress chart."""

    # Given by the database to the rows the recompute writes in bulk, without it.
    public_id = models.UUIDField(default=uuid.uuid4, db_default=UUID4(), editable=False)
    day = models.DateField()
    # Not indexed: the snapshot is rewritten for every agency nightly, and nothing looks
    # snapshots up by rules or pledge.
    rules = models.ForeignKey(
        ProgramRules, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    pledge = models.ForeignKey(
        Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    in_scope = models.PositiveIntegerField(default=0)
    cit_count = models.PositiveIntegerField(default=0)
    # Whom the CIT minimum is a share of: everyone in scope, or its sworn officers.
    cit_total = models.PositiveIntegerField(default=0)
    cit_required = models.PositiveIntegerField(default=0)
    covered_count = models.PositiveIntegerField(default=0)
    covered_required = models.PositiveIntegerField(default=0)
    partnership_met = models.BooleanField(default=False)
    policy_met = models.BooleanField(default=False)
    cit_met = models.BooleanField(default=False)
    coverage_met = models.BooleanField(default=False)
    all_met = models.BooleanField(default=False)
    # At the last 90 days' pace: when everyone would be trained, and whether that misses the
    # open pledge's target date.
    projected_on = models.DateField(null=True, blank=True)
    at_risk = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "day"], name="snapshot_agency_day"),
        ]

    def __str__(self) -> str:
        return f"Progress of {self.agency_id} on {self.day}"
