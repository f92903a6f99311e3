"""People on the roster, the course catalogue and training records."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import UUID4, Now
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from agencies.names import NameField
from agencies.tenancy import TenantModel
from onemind.lib.dates import DayRange, add_months, day

# The regional class and its attendees, a concept of their own: registered with the app here.
from training.regional.models import (  # noqa: F401
    AttendeeStatus,
    ClassAttendee,
    RegionalClass,
)


def imported_public_id() -> models.UUIDField:
    """The random public id of a row an import writes in bulk: given by Python to rows the
    ORM saves, and by the database itself to rows COPY writes without it."""
    return models.UUIDField(default=uuid.uuid4, db_default=UUID4(), editable=False)


def imported_timestamp() -> models.DateTimeField:
    """When a row an import writes in bulk was written: as `imported_public_id`."""
    return models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)


class Category(models.TextChoices):
    SWORN = "sworn", "Sworn"
    NON_SWORN = "non_sworn", "Non-sworn"


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    LEAVE = "leave", "Extended leave"
    SEPARATED = "separated", "Separated"


# Who the pledge counts: active sworn officers and the non-sworn staff the agency selected.
IN_SCOPE = Q(status=Status.ACTIVE) & (Q(category=Category.SWORN) | Q(selected=True))
# The roster's sworn officers, to hold against the agency's authorized sworn strength.
ACTIVE_SWORN = Q(status=Status.ACTIVE, category=Category.SWORN)


class LeftOut(models.TextChoices):
    """Why someone on the roster is outside the pledge's scope."""

    LEAVE = "leave", _("On extended leave")
    SEPARATED = "separated", _("Separated")
    NOT_SELECTED = "not_selected", _("Non-sworn, not selected")


# Everyone IN_SCOPE leaves out, under exactly one reason: the status decides first, so
# non-sworn staff on leave are on leave whether the agency selected them or not.
LEFT_OUT = {
    LeftOut.LEAVE: Q(status=Status.LEAVE),
    LeftOut.SEPARATED: Q(status=Status.SEPARATED),
    LeftOut.NOT_SELECTED: Q(status=Status.ACTIVE, category=Category.NON_SWORN, selected=False),
}


class Person(TenantModel):
    """Someone on the agency's roster. Never deleted: separation keeps the history."""

    # Not indexed alone: every index of the table leads with the agency.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    employee_id = models.CharField("employee ID", max_length=64)
    first_name = NameField(max_length=100, blank=True)
    last_name = NameField(max_length=100)
    email = models.EmailField(blank=True)
    rank = NameField("rank or title", max_length=100, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    # As the agency's records system writes it ("Patrol - B Shift", "SRO"): not a fixed list.
    position = models.CharField("position or assignment", max_length=100, blank=True)
    selected = models.BooleanField(
        "in scope (non-sworn)",
        default=False,
        help_text="Non-sworn staff, such as dispatchers, whom the agency brings into the pledge.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_on = models.DateField("status since", null=True, blank=True)
    hire_date = models.DateField(null=True, blank=True)
    public_id = imported_public_id()
    created_at = imported_timestamp()
    updated_at = imported_timestamp()
    # The person's training status, kept by every write of their records or of a course's
    # status (`training.status`), so that the roster filters by it without reading records:
    # the last day they hold counted CIT and MHFA through (9999-12-31: for good; blank:
    # none), and when their next refresher falls due.
    cit_until = models.DateField(null=True, blank=True, editable=False)
    mhfa_until = models.DateField(null=True, blank=True, editable=False)
    refresher_due_on = models.DateField(null=True, blank=True, editable=False)

    class Meta(TenantModel.Meta):
        verbose_name_plural = "people"
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency", "employee_id"],
                name="person_agency_employee_id",
                violation_error_message="Someone on the roster already has this employee ID.",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "last_name", "first_name"], name="person_agency_name"),
            models.Index(fields=["agency", "status", "category"], name="person_agency_scope"),
            # The roster's training filters and their counts, read from this index alone.
            models.Index(
                fields=["agency", "cit_until", "mhfa_until"], name="person_agency_training"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_id})"

    @property
    def audit_label(self) -> str:
        return gettext("person “%(name)s” (employee ID %(id)s)") % {
            "name": self.full_name,
            "id": self.employee_id,
        }

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def in_scope(self) -> bool:
        return self.status == Status.ACTIVE and (self.category == Category.SWORN or self.selected)

    @property
    def left_out(self) -> LeftOut | None:
        """Why the pledge leaves this person out (the twin of `LEFT_OUT`); None if in scope."""
        return why_left_out(self.status, self.category, self.selected)


def why_left_out(status: str, category: str, selected: bool) -> LeftOut | None:
    """Why the pledge leaves out someone of this status and category; None if in scope."""
    if status == Status.LEAVE:
        return LeftOut.LEAVE
    if status == Status.SEPARATED:
        return LeftOut.SEPARATED
    if category == Category.NON_SWORN and not selected:
        return LeftOut.NOT_SELECTED
    return None


class CourseKind(models.TextChoices):
    CIT = "cit", "Crisis Intervention Team (CIT)"
    CIT_EQUIVALENT = "cit_equivalent", "CIT equivalent"
    MHFA = "mhfa", "Mental Health First Aid (MHFA)"
    MHFA_EQUIVALENT = "mhfa_equivalent", "MHFA equivalent"
    OTHER = "other", "Other"


CIT_KINDS = (CourseKind.CIT, CourseKind.CIT_EQUIVALENT)
MHFA_KINDS = (CourseKind.MHFA, CourseKind.MHFA_EQUIVALENT)


class CourseStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    PROPOSED = "proposed", "Awaiting program approval"
    REJECTED = "rejected", "Not approved"


class CourseQuerySet(models.QuerySet):
    def available_to(self, agency) -> CourseQuerySet:
        """The program catalogue plus the agency's own proposed courses."""
        return self.filter(Q(agency=None) | Q(agency=agency))

    def counting(self) -> CourseQuerySet:
        """Courses whose records count toward the pledge: approved ones only."""
        return self.filter(status=CourseStatus.APPROVED)


class Course(models.Model):
    """A course in the program catalogue, or one an agency proposes as an equivalent.

    Not a tenant model: the catalogue is program-wide; an agency's proposal carries the
    agency and is reached only through `Course.objects.available_to(agency)`.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = NameField(max_length=200)
    kind = models.CharField(max_length=20, choices=CourseKind.choices)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long a completion counts. Blank: it does not expire."
    )
    provider = NameField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    refresher_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refreshers",
        help_text="For in-service refreshers: the course they refresh.",
    )
    refresh_after_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A refresher is recommended this long after completion."
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=CourseStatus.choices, default=CourseStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(agency=None),
                name="course_name_in_program_catalogue",
                violation_error_message="A course with this name is already in the catalogue.",
            ),
            models.UniqueConstraint(
                fields=["agency", "name"],
                condition=Q(agency__isnull=False),
                name="course_name_per_agency",
                violation_error_message="Your agency already proposed a course with this name.",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="course_agency_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return gettext("course “%(name)s”") % {"name": self.name}

    @property
    def counts(self) -> bool:
        return self.status == CourseStatus.APPROVED and self.kind != CourseKind.OTHER

    @property
    def duration_words(self) -> str:
        """The course's length in words ("1 hour", "6.5 hours"): plural forms are chosen by
        whole numbers, so a length with a fraction has a sentence of its own."""
        if self.hours == int(self.hours):
            whole = int(self.hours)
            return ngettext("%(hours)d hour", "%(hours)d hours", whole) % {"hours": whole}
        return gettext("%(hours)s hours") % {"hours": number_format(self.hours.normalize())}

    def valid_until(self, completed_on: date) -> date | None:
        """The last day a completion on `completed_on` counts; None when it never expires."""
        if self.validity_months is None:
            return None
        return add_months(completed_on, self.validity_months)

    def refresher_due(self, completed_on: date) -> date | None:
        """When a refresher is recommended after a completion; None when none is."""
        if self.refresh_after_months is None:
            return None
        return add_months(completed_on, self.refresh_after_months)

    def derived_dates(self, completed_on: date) -> dict[str, date | None]:
        """A record's dates that follow from its course: stored for set-wise SQL."""
        return {
            "valid_until": self.valid_until(completed_on),
            "refresher_due_on": self.refresher_due(completed_on),
        }


# No course the program counts was taught before 1970 (CIT began in 1988, MHFA in 2001).
COMPLETION_DAYS = DayRange(earliest=date(1970, 1, 1))


class Source(models.TextChoices):
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported"
    API = "api", "API"


class TrainingRecord(TenantModel):
    """One person's completion of one course on one day."""

    # Served by the agency-led indexes below rather than single-column ones.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="records", db_index=False
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", db_index=False)
    completed_on = models.DateField("completed")
    # Derived from the course when the record is written (`Course.derived_dates`).
    valid_until = models.DateField(null=True, blank=True, editable=False)
    refresher_due_on = models.DateField(null=True, blank=True, editable=False)
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    credential_number = models.CharField(
        "certificate or credential number", max_length=100, blank=True
    )
    evidence = models.ForeignKey(
        "agencies.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ENTERED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    import_batch = models.ForeignKey(
        "training.ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_id = imported_public_id()
    created_at = imported_timestamp()
    # Set by every write, as a person's is (bulk writes bypass `auto_now`): what the API's
    # `updated_since` reads.
    updated_at = imported_timestamp()
    # The caller's own id of the record (a learning system's), unique in the agency when given.
    external_id = models.CharField("external ID", max_length=100, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency", "person", "course", "completed_on"],
                name="record_once_per_day",
                violation_error_message="This person already has this course on this date.",
            ),
            models.UniqueConstraint(
                fields=["agency", "external_id"],
                condition=~Q(external_id=""),
                name="record_external_id",
                violation_error_message="Another record already has this external ID.",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "course", "valid_until"], name="record_agency_course"),
            models.Index(fields=["agency", "updated_at"], name="record_agency_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.course} on {self.completed_on:%Y-%m-%d}"

    @property
    def audit_label(self) -> str:
        return gettext("“%(course)s” of %(person)s, completed %(on)s") % {
            "course": self.course.name,
            "person": self.person.full_name,
            "on": day(self.completed_on),
        }


class ImportKind(models.TextChoices):
    ROSTER = "roster", "Roster"
    TRAINING = "training", "Training records"


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded, columns to confirm"
    PREVIEWED = "previewed", "Checked, waiting for confirmation"
    QUEUED = "queued", "Waiting to run"
    RUNNING = "running", "Running"
    INTERRUPTED = "interrupted", "Interrupted, will run again"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed, nothing imported"
    CANCELLED = "cancelled", "Cancelled"


# Confirmed and not running: queued, or interrupted and queued again.
WAITING_STATES = (ImportState.QUEUED, ImportState.INTERRUPTED)
# What a user may run again from the start, and what they may still cancel (besides a
# running import whose worker died, which is both).
RETRYABLE_STATES = (*WAITING_STATES, ImportState.FAILED)
# Still being checked: its columns and values may change, nothing is imported yet.
EDITABLE_STATES = (ImportState.UPLOADED, ImportState.PREVIEWED)
CANCELLABLE_STATES = (*EDITABLE_STATES, *WAITING_STATES)


def import_file_path(batch: ImportBatch, filename: str) -> str:
    """A server-made name in the agency's private folder; the user's name is kept apart."""
    extension = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"imports/{batch.agency.public_id}/{uuid.uuid4().hex}{extension}"


def kept_plan_path(batch: ImportBatch, filename: str) -> str:
    """Beside the import's file, under a server-made name."""
    return f"imports/{batch.agency.public_id}/{uuid.uuid4().hex}.plan"


class ImportBatch(TenantModel):
    """One uploaded file, from preview to result. Its file is kept privately.

    A confirmed import is recorded as queued (with the time), so the sweep finds it if its
    message is lost; a running one holds a lease (`run_token`) that its worker renews
    (`heartbeat_at`), so the sweep finds it if the worker dies (`training.imports.runs`).
    """

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    state = models.CharField(
        max_length=20, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=import_file_path, max_length=255)
    # The preview's plan, kept for the run while nothing it was planned from changes
    # (`training.imports.kept_plans`).
    kept_plan = models.FileField(upload_to=kept_plan_path, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    # What each value of the file's vocabulary columns means: {field: {value: meaning}}.
    values = models.JSONField(default=dict)
    preview = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True)  # confirmed, retried or re-queued
    started_at = models.DateTimeField(null=True, blank=True)  # the latest attempt's start
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the running worker's lease
    run_token = models.CharField(max_length=32, blank=True)  # whose lease it is
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started since confirmed
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["agency", "-created_at"], name="import_agency_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.filename}"

    @property
    def audit_label(self) -> str:
        return gettext("%(kind)s import “%(file)s”") % {
            "kind": self.get_kind_display().lower(),
            "file": self.filename,
        }

    @property
    def lease_expired(self) -> bool:
        """Running, but its worker stopped renewing the lease: it died, and the sweep runs
        the import again (the SQL twin is `training.imports.runs.stale`)."""
        lease = timedelta(seconds=settings.IMPORT_LEASE_SECONDS)
        return self.state == ImportState.RUNNING and (
            self.heartbeat_at is None or self.heartbeat_at < timezone.now() - lease
        )

    @property
    def state_label(self) -> str:
        """The state as the user should read it: a run whose worker died is interrupted,
        whatever the row still says."""
        if self.lease_expired:
            return ImportState.INTERRUPTED.label
        return self.get_state_display()

    @property
    def can_retry(self) -> bool:
        return self.lease_expired or self.state in RETRYABLE_STATES

    @property
    def can_cancel(self) -> bool:
        return self.lease_expired or self.state in CANCELLABLE_STATES

    @property
    def in_progress(self) -> bool:
        return self.state == ImportState.RUNNING or self.state in WAITING_STATES


class ImportMapping(TenantModel):
    """The column mapping an agency used last time, offered again for its next file."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    columns = models.JSONField(default=dict)  # field -> header text
    values = models.JSONField(default=dict)  # field -> {value: meaning}, as last chosen
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "kind"], name="import_mapping_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} columns"


class ImportTouch(TenantModel):
    """That an import created or changed a person or their records: the person's history."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    action = models.CharField(max_length=20)
    public_id = imported_public_id()

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["agency", "person"], name="import_touch_person")]

    def __str__(self) -> str:
        return f"{self.action} by batch {self.batch_id}"
