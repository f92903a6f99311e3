"""Pages of one agency, under /a/<agency_slug>/. Object ids are random public ids."""

from django.urls import path

from agencies import views
from agencies.regions import agency_urls as region_urls
from agencies.sso import urls as sso_urls
from agencies.tokens import urls as token_urls
from agencies.webhooks import urls as webhook_urls

urlpatterns = [
    path("settings/", views.agency_settings, name="agency_settings"),
    path("members/", views.member_list, name="member_list"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/<uuid:member_id>/", views.member_edit, name="member_edit"),
    path("members/<uuid:member_id>/remove/", views.member_remove, name="member_remove"),
    path("members/<uuid:member_id>/unlock/", views.member_unlock, name="member_unlock"),
    path(
        "invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("audit/", views.agency_audit, name="agency_audit"),
    path("documents/<uuid:document_id>/", views.document_download, name="document_download"),
    *region_urls.urlpatterns,
    *token_urls.urlpatterns,
    *sso_urls.urlpatterns,
    *webhook_urls.urlpatterns,
]
