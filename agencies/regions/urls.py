"""Pages of one region, under /r/<region_slug>/. Object ids are random public ids. The
dashboard, about the member agencies' progress, is the pledge app's (`pledges.regions.urls`),
included beside these."""

from django.urls import path

from agencies.regions import member_views, onboarding_views, team_views

urlpatterns = [
    path("team/", team_views.region_team, name="region_team"),
    path("team/invite/", team_views.region_team_invite, name="region_team_invite"),
    path(
        "team/<uuid:team_member_id>/",
        team_views.region_team_member_edit,
        name="region_team_member_edit",
    ),
    path(
        "team/<uuid:team_member_id>/remove/",
        team_views.region_team_member_remove,
        name="region_team_member_remove",
    ),
    path(
        "team/invitations/<uuid:region_invitation_id>/withdraw/",
        team_views.region_invitation_revoke,
        name="region_invitation_revoke",
    ),
    path("agencies/", member_views.region_agencies, name="region_agencies"),
    path("agencies/invite/", member_views.region_agency_invite, name="region_agency_invite"),
    path(
        "agencies/<uuid:member_agency_id>/withdraw/",
        member_views.region_agency_withdraw,
        name="region_agency_withdraw",
    ),
    path("settings/", team_views.region_settings, name="region_settings"),
    path("audit/", team_views.region_audit, name="region_audit"),
    path("onboarding/", onboarding_views.onboarding_page, name="onboarding_page"),
    path("onboarding/invite/", onboarding_views.onboarding_invite, name="onboarding_invite"),
    path("onboarding/list/", onboarding_views.onboarding_list_check, name="onboarding_list_check"),
    path(
        "onboarding/list/send/", onboarding_views.onboarding_list_send, name="onboarding_list_send"
    ),
    path(
        "onboarding/<uuid:onboarding_id>/withdraw/",
        onboarding_views.onboarding_withdraw,
        name="onboarding_withdraw",
    ),
]
