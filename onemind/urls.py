from django.contrib import admin
from django.urls import include, path

from agencies import staff_urls as agency_staff_urls
from agencies import views as agency_views
from agencies.regions import onboarding_views
from agencies.regions import team_views as region_team_views
from agencies.regions import views as region_views
from assistance import staff_urls as assistance_staff_urls
from onemind.api import api
from pledges import staff_urls as pledge_staff_urls
from pledges.certification import public_views
from pledges.emails import views as email_views
from training import staff_urls as training_staff_urls

urlpatterns = [
    path("", agency_views.home, name="home"),
    path("choose/", agency_views.choose, name="choose"),
    path("healthz", agency_views.healthz, name="healthz"),
    path("livez", agency_views.livez, name="livez"),
    path("readyz", agency_views.readyz, name="readyz"),
    path("accounts/name/", agency_views.account_name, name="account_name"),
    path(
        "accounts/confirm-email/send-again/",
        agency_views.email_confirmation_send_again,
        name="account_email_confirmation_send_again",
    ),
    path("accounts/", include("allauth.urls")),
    path("agencies/new/", agency_views.agency_register, name="agency_register"),
    path(
        "invitations/<str:token>/",
        agency_views.invitation_accept,
        name="invitation_accept",
    ),
    path("regions/new/", region_team_views.region_register, name="region_register"),
    path(
        "regions/invitations/<str:token>/",
        region_views.region_invitation_accept,
        name="region_invitation_accept",
    ),
    path("regions/join/<str:token>/", onboarding_views.onboarding_join, name="onboarding_join"),
    path("verify/", public_views.certificate_verify, name="certificate_verify"),
    path("directory/", public_views.directory, name="directory"),
    path(
        "verify/<str:token>/",
        public_views.certificate_verify_token,
        name="certificate_verify_token",
    ),
    path(
        "emails/unsubscribe/<str:token>/",
        email_views.email_unsubscribe,
        name="email_unsubscribe",
    ),
    path("a/<slug:agency_slug>/", include("agencies.urls")),
    path("a/<slug:agency_slug>/", include("training.urls")),
    path("a/<slug:agency_slug>/", include("partnerships.urls")),
    path("a/<slug:agency_slug>/", include("pledges.urls")),
    path("a/<slug:agency_slug>/", include("assistance.agency_urls")),
    path("r/<slug:region_slug>/", include("agencies.regions.urls")),
    path("r/<slug:region_slug>/", include("training.region_urls")),
    path("r/<slug:region_slug>/", include("partnerships.region_urls")),
    path("r/<slug:region_slug>/", include("pledges.regions.urls")),
    path("r/<slug:region_slug>/", include("agencies.webhooks.region_urls")),
    # One staff area, composed here so the apps stay independent of each other.
    path(
        "staff/",
        include(
            (
                agency_staff_urls.urlpatterns
                + training_staff_urls.urlpatterns
                + pledge_staff_urls.urlpatterns
                + assistance_staff_urls.urlpatterns,
                "staff",
            ),
            namespace="staff",
        ),
    ),
    path("", include("assistance.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
