"""Partnership pages of one agency, under /a/<agency_slug>/partnerships/."""

from django.urls import path

from partnerships import views
from partnerships.shared import views as shared_views

urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/new/", views.partnership_create, name="partnership_create"),
    path(
        "partnerships/shared/new/",
        shared_views.shared_partnership_create,
        name="shared_partnership_create",
    ),
    path(
        "partnerships/organizations/new/",
        views.organization_create,
        name="organization_create",
    ),
    path(
        "partnerships/organizations/<uuid:organization_id>/",
        views.organization_edit,
        name="organization_edit",
    ),
    path(
        "partnerships/<uuid:partnership_id>/",
        views.partnership_detail,
        name="partnership_detail",
    ),
    path(
        "partnerships/<uuid:partnership_id>/renew/",
        views.partnership_renew,
        name="partnership_renew",
    ),
    path(
        "partnerships/<uuid:partnership_id>/amend/",
        views.partnership_amend,
        name="partnership_amend",
    ),
    path(
        "partnerships/<uuid:partnership_id>/drafts/<uuid:version_id>/",
        views.draft_edit,
        name="partnership_draft_edit",
    ),
    path(
        "partnerships/<uuid:partnership_id>/terminate/",
        views.partnership_terminate,
        name="partnership_terminate",
    ),
    path(
        "partnerships/<uuid:partnership_id>/answer/",
        shared_views.party_answer,
        name="partnership_party_answer",
    ),
    path(
        "partnerships/<uuid:partnership_id>/leave/",
        shared_views.party_leave,
        name="partnership_party_leave",
    ),
    path(
        "partnerships/<uuid:partnership_id>/versions/<uuid:version_id>/document/",
        shared_views.partnership_document,
        name="partnership_document",
    ),
]
