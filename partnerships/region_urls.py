"""A region's pages of the shared partnerships it recorded, under /r/<region_slug>/."""

from django.urls import path

from partnerships.shared import region_views as views

urlpatterns = [
    path("partnerships/", views.region_partnership_list, name="region_partnership_list"),
    path("partnerships/new/", views.region_partnership_create, name="region_partnership_create"),
    path(
        "partnerships/<uuid:partnership_id>/",
        views.region_partnership_detail,
        name="region_partnership_detail",
    ),
    path(
        "partnerships/<uuid:partnership_id>/versions/<uuid:version_id>/document/",
        views.region_partnership_document,
        name="region_partnership_document",
    ),
]
