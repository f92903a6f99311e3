"""Pages of one region, under /r/<region_slug>/. Object ids are random public ids."""

from django.urls import path

from agencies.regions import onboarding_views, views

urlpatterns = [
    path("", views.region_home, name="region_home"),
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
