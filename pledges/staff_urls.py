"""Program staff's pages of the pledges app, under /staff/ (composed in onemind.urls)."""

from django.urls import path

from pledges.certification import views as certification_views
from pledges.emails import views as email_views
from pledges.program import views as program_views
from pledges.regions import staff_views as region_views

urlpatterns = [
    path("", program_views.agency_list, name="dashboard"),
    path("agencies/<uuid:agency_id>/", program_views.agency_detail, name="agency_detail"),
    path("program/", program_views.program_dashboard, name="program_dashboard"),
    path("program/report.pdf", program_views.program_report, name="program_report"),
    path("regions/<uuid:region_id>/", region_views.region_detail, name="region_detail"),
    path("rules/", program_views.rules_list, name="rules_list"),
    path("reviews/", certification_views.review_queue, name="review_queue"),
    path("reviews/<uuid:submission_id>/", certification_views.review_detail, name="review_detail"),
    path(
        "documents/<uuid:document_id>/",
        certification_views.staff_document,
        name="staff_document",
    ),
    path(
        "certificates/<uuid:certificate_id>/revoke/",
        certification_views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("emails/digest/", email_views.digest_preference, name="digest_preference"),
]
