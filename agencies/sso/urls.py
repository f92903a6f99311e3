"""Single sign-on URLs: `urlpatterns` under /a/<agency_slug>/ (the coordinator's settings),
`staff_urlpatterns` in the staff area. The sign-in routes are in agencies.sso.oidc.urls,
which allauth mounts under /accounts/."""

from django.urls import path

from agencies.sso import views

urlpatterns = [
    path("sso/", views.connection_settings, name="sso_settings"),
]

staff_urlpatterns = [
    path("sso/", views.connection_list, name="sso_connections"),
    path("sso/<uuid:connection_id>/review/", views.connection_review, name="sso_review"),
]
