from django.urls import path

from agencies import staff_views
from agencies.outbox import views as outbox_views
from agencies.regions import staff_views as region_staff_views
from agencies.sso import urls as sso_urls

urlpatterns = [
    path("mfa-required/", staff_views.mfa_required, name="mfa_required"),
    path("agencies/verification/", staff_views.agency_verify, name="agency_verify"),
    path("regions/", region_staff_views.region_list, name="region_list"),
    path("regions/new/", region_staff_views.region_create, name="region_create"),
    path("regions/verification/", region_staff_views.region_verify, name="region_verify"),
    path("locked-accounts/", staff_views.locked_accounts, name="locked_accounts"),
    path(
        "locked-accounts/<int:user_id>/unlock/", staff_views.account_unlock, name="account_unlock"
    ),
    path("audit/", staff_views.audit, name="audit"),
    path("emails/", outbox_views.outbox_list, name="outbox"),
    path("emails/<uuid:email_id>/retry/", outbox_views.outbox_retry, name="outbox_retry"),
    path("emails/retry-failed/", outbox_views.outbox_retry_failed, name="outbox_retry_failed"),
    *sso_urls.staff_urlpatterns,
]
