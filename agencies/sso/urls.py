"""Single sign-on URLs: `urlpatterns` under /a/<agency_slug>/ (the coordinator's settings),
`staff_urlpatterns` in the staff area, `account_urlpatterns` under /accounts/ ahead of
allauth's own, so that the provider's return goes through agencies.sso.provider's checks."""

from django.urls import path

from agencies.sso import views

urlpatterns = [
    path("sso/", views.connection_settings, name="sso_settings"),
]

staff_urlpatterns = [
    path("sso/", views.connection_list, name="sso_connections"),
    path("sso/<uuid:connection_id>/review/", views.connection_review, name="sso_review"),
]

account_urlpatterns = [
    path("sso/", views.start, name="sso_start"),
    path("oidc/<str:provider_id>/login/", views.oidc_login, name="openid_connect_login"),
    path(
        "oidc/<str:provider_id>/login/callback/",
        views.oidc_callback,
        name="openid_connect_callback",
    ),
]
