from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from agencies.staff import session_passed_mfa


class OneMindAdminSite(admin.AdminSite):
    """Django admin for program administrators only, and only in a session that passed MFA.

    Sign-in goes through the product's own login (throttling, lockout, MFA), never admin's.
    """

    site_header = "One Mind Pledge Tracker administration"
    site_title = "One Mind administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return (
            user.is_active
            and user.has_perm("agencies.administer_program")
            and session_passed_mfa(request)
        )

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        if not request.user.has_perm("agencies.administer_program"):
            raise PermissionDenied("Administration is for program administrators.")
        return redirect(f"{reverse('staff:mfa_required')}?{urlencode({'next': next_url})}")
