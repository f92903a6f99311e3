"""A regional class and its attendees: one class of a region, its records in each
attendee's own agency.

The class is the region's row (region scope); each attendee is a row of the attendee's
agency (agency scope), pointing at the class: a shared object that each party reads from its
own side. Related models are named by label, so this module imports nothing of
`training.models`, which re-exports it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.names import NameField
from agencies.regions.scope import RegionOwnedModel
from agencies.tenancy import TenantModel
from onemind.lib.dates import day


class RegionalClass(RegionOwnedModel):
    """One class taught for a region's member agencies: course, day, instructor, and the
    attendance sheet (stored once; each attendee agency holds its own Document row of it).

    Recorded by the region's coordinators, or by a member agency hosting it on the region's
    behalf (`host_agency`)."""

    course = models.ForeignKey(
        "training.Course", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    completed_on = models.DateField("class date")
    instructor = NameField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    host_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The sheet as stored once: every attendee agency's evidence Document names this file.
    sheet = models.FileField(max_length=255)
    sheet_filename = models.CharField("attendance sheet", max_length=255)
    sheet_content_type = models.CharField(max_length=100)
    sheet_sha256 = models.CharField("SHA-256", max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(RegionOwnedModel.Meta):
        verbose_name_plural = "regional classes"
        indexes = [
            models.Index(fields=["region", "-completed_on"], name="regional_class_region_day"),
        ]

    def __str__(self) -> str:
        return f"{self.course} on {self.completed_on:%Y-%m-%d}"

    @property
    def audit_label(self) -> str:
        return gettext("regional class “%(course)s” of %(on)s") % {
            "course": self.course.name,
            "on": day(self.completed_on),
        }


class AttendeeStatus(models.TextChoices):
    MATCHED = "matched", _("Recorded: matched by employee ID")
    PENDING = "pending", _("Waiting for the agency")
    CONFIRMED = "confirmed", _("Recorded: confirmed by the agency")
    REJECTED = "rejected", _("Not one of the agency's people")


# An attendee whose record is on the roster.
RECORDED_STATUSES = (AttendeeStatus.MATCHED, AttendeeStatus.CONFIRMED)


class ClassAttendee(TenantModel):
    """One attendee of a regional class, as written on the sheet, in their agency's scope:
    matched to a person by employee ID when the class was recorded, or pending until the
    agency confirms them (to a person on its roster) or rejects them."""

    # A reference across scopes on purpose: the class is shared by its parties.
    regional_class = models.ForeignKey(
        RegionalClass, on_delete=models.PROTECT, related_name="attendees", db_index=False
    )
    employee_id = models.CharField("employee ID", max_length=64)
    first_name = NameField(max_length=100, blank=True)
    last_name = NameField(max_length=100)
    status = models.CharField(max_length=12, choices=AttendeeStatus.choices)
    person = models.ForeignKey(
        "training.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        "training.TrainingRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The agency's own Document row of the class's sheet: the evidence of its records.
    evidence = models.ForeignKey("agencies.Document", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency", "regional_class", "employee_id"],
                name="class_attendee_once",
                violation_error_message="This employee ID is on the class's list twice.",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="class_attendee_status"),
            models.Index(fields=["agency", "regional_class"], name="class_attendee_class"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_id})"

    @property
    def audit_label(self) -> str:
        return gettext("attendee %(name)s (employee ID %(id)s) of a regional class") % {
            "name": self.full_name,
            "id": self.employee_id,
        }

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
