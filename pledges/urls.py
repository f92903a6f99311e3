"""Pledge pages of one agency, under /a/<agency_slug>/."""

from django.urls import path

from pledges import views
from pledges.emails import views as email_views

urlpatterns = [
    path("", views.agency_dashboard, name="agency_dashboard"),
    path("pledge/sign/", views.pledge_sign, name="pledge_sign"),
    path("pledge/submit/", views.pledge_submit, name="pledge_submit"),
    path("pledge/withdraw/", views.pledge_withdraw, name="pledge_withdraw"),
    path(
        "certificates/<uuid:certificate_id>.pdf",
        views.certificate_download,
        name="certificate_download",
    ),
    path("report.pdf", views.progress_report_download, name="progress_report_download"),
    path("policy/", views.policy_detail, name="policy_detail"),
    path("policy/new/", views.policy_create, name="policy_create"),
    path("emails/", email_views.email_preferences, name="email_preferences"),
]
