from django.contrib import admin
from django.urls import include, path

from agencies import views as agency_views

urlpatterns = [
    path("", agency_views.home, name="home"),
    path("healthz", agency_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("agencies/new/", agency_views.agency_register, name="agency_register"),
    path(
        "invitations/<str:token>/",
        agency_views.invitation_accept,
        name="invitation_accept",
    ),
    path("a/<slug:agency_slug>/", include("agencies.urls")),
    path("staff/", include("agencies.staff_urls")),
    path("admin/", admin.site.urls),
]
