"""Who wants which of the program's emails: members' and program staff's choices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from agencies.regions.scope import RegionOwnedModel
from agencies.tenancy import TenantModel


class ReportFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    OFF = "off", "Off"


class EmailPreference(TenantModel):
    """One member's choice of the agency's emails. Without a row, the role's defaults
    apply (`pledges.subscriptions.preference_of`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    progress_report = models.CharField(
        "progress report", max_length=10, choices=ReportFrequency.choices
    )
    reminders = models.BooleanField(
        "reminders and notices",
        help_text="Target date nearing, partnership or training expiring, a submission "
        "returned, a certificate issued.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "user"], name="email_preference_member"),
        ]

    def __str__(self) -> str:
        return f"Emails of {self.user_id} in {self.agency_id}"

    @property
    def audit_label(self) -> str:
        return gettext("email choices of %(email)s") % {"email": self.user.email}


class StaffEmailPreference(models.Model):
    """A program staff member's choice of the weekly digest (on unless turned off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    weekly_digest = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Digest of {self.user_id}: {'on' if self.weekly_digest else 'off'}"

    @property
    def audit_label(self) -> str:
        return gettext("weekly digest of %(email)s") % {"email": self.user.email}


class RegionEmailPreference(RegionOwnedModel):
    """A region team member's choice of the region's monthly digest (on unless turned off)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    monthly_digest = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(RegionOwnedModel.Meta):
        constraints = [
            *RegionOwnedModel.Meta.constraints,
            models.UniqueConstraint(fields=["region", "user"], name="region_email_preference"),
        ]

    def __str__(self) -> str:
        return f"Region digest of {self.user_id} in {self.region_id}"

    @property
    def audit_label(self) -> str:
        return gettext("monthly region digest of %(email)s") % {"email": self.user.email}


class EmailKind(models.TextChoices):
    """The program's emails, registered with the outbox (`pledges.emails`)."""

    PROGRESS_REPORT = "progress_report", "Progress report"
    TARGET_REMINDER = "target_reminder", "Target date reminder"
    PARTNERSHIP_EXPIRING = "partnership_expiring", "Partnership expiring"
    TRAINING_EXPIRING = "training_expiring", "Training expiring"
    SUBMISSION_RETURNED = "submission_returned", "Submission returned"
    CERTIFICATE_ISSUED = "certificate_issued", "Certificate issued"
    STAFF_DIGEST = "staff_digest", "Weekly program digest"
    PLEDGE_SIGNED = "pledge_signed", "Pledge signed (receipt)"
    PLEDGE_SUBMITTED = "pledge_submitted", "Pledge submitted (receipt)"
    REGION_DIGEST = "region_digest", "Monthly region digest"
