from django.urls import path

from agencies import staff_views

urlpatterns = [
    path("mfa-required/", staff_views.mfa_required, name="mfa_required"),
    path("agencies/verification/", staff_views.agency_verify, name="agency_verify"),
    path("locked-accounts/", staff_views.locked_accounts, name="locked_accounts"),
    path(
        "locked-accounts/<int:user_id>/unlock/", staff_views.account_unlock, name="account_unlock"
    ),
    path("audit/", staff_views.audit, name="audit"),
]
