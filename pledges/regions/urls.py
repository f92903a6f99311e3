"""The region's pages of the pledges app, under /r/<region_slug>/ (the middleware has
resolved the region and checked the role)."""

from django.urls import path

from pledges.regions import views

urlpatterns = [
    path("", views.region_home, name="region_home"),
    path("report.pdf", views.region_report, name="region_report"),
    path("agencies/<uuid:agency_id>/", views.region_agency, name="region_agency"),
    path("emails/", views.region_email_preferences, name="region_email_preferences"),
]
