"""An agency's side of its regions, under /a/<agency_slug>/regions/."""

from django.urls import path

from agencies.regions import agency_views

urlpatterns = [
    path("regions/", agency_views.agency_regions, name="agency_regions"),
    path("regions/<uuid:member_agency_id>/join/", agency_views.region_join, name="region_join"),
    path(
        "regions/<uuid:member_agency_id>/decline/",
        agency_views.region_decline,
        name="region_decline",
    ),
    path(
        "regions/<uuid:member_agency_id>/sharing/",
        agency_views.region_sharing,
        name="region_sharing",
    ),
    path("regions/<uuid:member_agency_id>/leave/", agency_views.region_leave, name="region_leave"),
]
