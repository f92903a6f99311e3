"""Mounted by allauth under /accounts/ (allauth.urls, for the provider whose package this
is): the sign-in step that finds the agency by the work address, and the provider's login
and return, whose checks are agencies.sso.provider's. allauth's own views for these routes
are never mounted."""

from allauth.socialaccount import app_settings
from django.urls import path

from agencies.sso import views

PREFIX = app_settings.OPENID_CONNECT_URL_PREFIX

urlpatterns = [
    path("sso/", views.start, name="sso_start"),
    path(f"{PREFIX}/<str:provider_id>/login/", views.oidc_login, name="openid_connect_login"),
    path(
        f"{PREFIX}/<str:provider_id>/login/callback/",
        views.oidc_callback,
        name="openid_connect_callback",
    ),
]
