from django.urls import path

from pledges import email_views, staff_views

urlpatterns = [
    path("", staff_views.agency_list, name="dashboard"),
    path("program/", staff_views.program_dashboard, name="program_dashboard"),
    path("program/report.pdf", staff_views.program_report, name="program_report"),
    path("reviews/", staff_views.review_queue, name="review_queue"),
    path("reviews/<uuid:submission_id>/", staff_views.review_detail, name="review_detail"),
    path("documents/<uuid:document_id>/", staff_views.staff_document, name="staff_document"),
    path(
        "certificates/<uuid:certificate_id>/revoke/",
        staff_views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("rules/", staff_views.rules_list, name="rules_list"),
    path("emails/", email_views.outbox_list, name="outbox"),
    path("emails/<uuid:email_id>/retry/", email_views.outbox_retry, name="outbox_retry"),
    path("emails/retry-failed/", email_views.outbox_retry_failed, name="outbox_retry_failed"),
    path("emails/digest/", email_views.digest_preference, name="digest_preference"),
]
