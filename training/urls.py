"""Roster and training pages of one agency, under /a/<agency_slug>/."""

from django.urls import path

from training import views
from training.imports import views as import_views
from training.regional import views as regional_views

urlpatterns = [
    path("people/", views.roster, name="roster"),
    path("people/export.csv", views.roster_csv, name="roster_csv"),
    path("people/export.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:person_id>/status/", views.person_status, name="person_status"),
    path("people/<uuid:person_id>/records/new/", views.record_create, name="record_create"),
    path(
        "people/<uuid:person_id>/records/<uuid:record_id>/evidence/",
        views.record_evidence,
        name="record_evidence",
    ),
    path("classes/new/", views.class_create, name="class_create"),
    # Classes the agency hosts for a region it is a member of.
    path("regional-classes/", regional_views.hosted_class_list, name="hosted_class_list"),
    path(
        "regional-classes/<uuid:region_id>/new/",
        regional_views.hosted_class_create,
        name="hosted_class_create",
    ),
    path(
        "regional-classes/<uuid:region_id>/<uuid:class_id>/",
        regional_views.hosted_class_detail,
        name="hosted_class_detail",
    ),
    path(
        "regional-classes/<uuid:region_id>/<uuid:class_id>/attendance-sheet/",
        regional_views.hosted_class_sheet,
        name="hosted_class_sheet",
    ),
    # Attendees of regional classes whom the roster could not match by employee ID.
    path("people/pending/", regional_views.pending_attendee_list, name="pending_attendee_list"),
    path(
        "people/pending/<uuid:attendee_id>/",
        regional_views.pending_attendee,
        name="pending_attendee",
    ),
    path("courses/", views.course_list, name="course_list"),
    path("courses/propose/", views.course_propose, name="course_propose"),
]

urlpatterns += [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/new/", import_views.import_upload, name="import_upload"),
    path("imports/<uuid:batch_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<uuid:batch_id>/columns/", import_views.import_columns, name="import_columns"),
    path("imports/<uuid:batch_id>/values/", import_views.import_values, name="import_values"),
    path("imports/<uuid:batch_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/<uuid:batch_id>/retry/", import_views.import_retry, name="import_retry"),
    path("imports/<uuid:batch_id>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("imports/<uuid:batch_id>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<uuid:batch_id>/errors.csv", import_views.import_errors, name="import_errors"),
    path("imports/template/<kind>.<fmt>", import_views.import_template, name="import_template"),
]
