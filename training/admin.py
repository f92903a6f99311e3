"""The roster, the catalogue, training records and imports, for program administrators to
read: every change goes through the agencies' pages, the staff area's course decisions and
the import pipeline, which keep the audit trail and the pledge's figures up to date."""

from django.contrib import admin

from agencies.admin import AllAgenciesAdmin, ReadOnlyAdmin
from training.models import Course, ImportBatch, Person, TrainingRecord


@admin.register(Person)
class PersonAdmin(AllAgenciesAdmin):
    list_display = ["employee_id", "last_name", "first_name", "agency", "category", "status"]
    list_filter = ["category", "status", "selected"]
    search_fields = ["employee_id", "last_name", "first_name", "agency__name"]


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    """The program's catalogue and the equivalents agencies propose (not a tenant model)."""

    list_display = ["name", "kind", "status", "agency", "hours", "validity_months"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "provider", "agency__name"]
    list_select_related = ["agency"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(AllAgenciesAdmin):
    list_display = ["person", "course", "agency", "completed_on", "valid_until", "source"]
    list_filter = ["source", "course__kind"]
    search_fields = ["person__employee_id", "person__last_name", "course__name", "agency__name"]
    list_select_related = ["agency", "person", "course"]


@admin.register(ImportBatch)
class ImportBatchAdmin(AllAgenciesAdmin):
    list_display = ["filename", "agency", "kind", "state", "created_at", "finished_at"]
    list_filter = ["kind", "state"]
    search_fields = ["filename", "sha256", "agency__name"]
    # The file is served by the agency's pages only; the preview (the file's first rows and
    # skipped rows) is shown on the import's own page; the plan kept for its run is no one's
    # to read.
    exclude = ["file", "kept_plan", "preview"]
