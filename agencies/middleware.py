"""Request plumbing: client address for the audit trail, session limits, staff MFA
enrolment, the one place that turns /a/<slug>/ into an agency scope, and the one place that
lets staff into /staff/."""

from __future__ import annotations

import time
import zoneinfo
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from agencies.adapters import SESSION_LOGIN_AT, SESSION_SEEN_AT
from agencies.audit import request_ip
from agencies.queries import user_memberships
from agencies.regions.queries import user_region_memberships
from agencies.regions.scope import enter_region_scope, leave_region_scope
from agencies.staff import has_mfa, has_staff_permission, holds_staff_role, session_passed_mfa
from agencies.tenancy import enter_agency_scope, leave_agency_scope

# How stale "last seen" may get before it is written again (saves a session write per request).
SEEN_RESOLUTION_SECONDS = 60

# The staff area, as onemind/urls.py composes it from the apps' staff_urls.
STAFF_NAMESPACE = "staff"
STAFF_PATH = "/staff/"


def _redirect_with_next(request, url_name: str):
    """A redirect to `url_name` that brings the visitor back to this page afterwards."""
    return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            ip = get_adapter(request).get_client_ip(request)
        except PermissionDenied:
            ip = None
        token = request_ip.set(ip)
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)


class SessionLimitsMiddleware:
    """Ends a session after 30 idle minutes, and every session 12 hours after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(SESSION_LOGIN_AT, now)
            seen_at = session.setdefault(SESSION_SEEN_AT, now)
            if now - seen_at > settings.SESSION_IDLE_SECONDS:
                return self._end(request, "Your session ended after 30 minutes without activity.")
            if now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                return self._end(request, "Your session ended: sessions last at most 12 hours.")
            if now - seen_at > SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)

    def _end(self, request, message: str):
        next_url = request.get_full_path() if request.method == "GET" else ""
        logout(request)
        messages.info(request, f"{message} Please sign in again.")
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return redirect(reverse("account_login") + query)


class StaffMFAEnrolmentMiddleware:
    """Program staff must enrol an authenticator before using anything but account pages."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/livez", "/readyz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and holds_staff_role(user)
            and not has_mfa(user)
        ):
            messages.warning(
                request,
                "Program staff accounts must use two-factor authentication. "
                "Set up an authenticator app to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class AgencyTenancyMiddleware:
    """Resolves the agency of every /a/<slug>/ URL from the user's membership.

    Not a member (or no such agency): 404, so nobody learns which agencies exist. A member
    whose role lacks the view's declared capability: 403. The view then runs inside the
    agency's scope with `request.agency` and `request.membership` set, and in the agency's
    time zone: its pages show times as the agency's clocks read them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_agency_scope_token", None)
            if token is not None:
                leave_agency_scope(token)
                timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("agency_slug")
        if slug is None:
            return None
        capability = getattr(view_func, "agency_capability", None)
        if capability is None:
            raise ImproperlyConfigured(
                f"{view_func.__module__}.{view_func.__name__} serves /a/<slug>/ but declares "
                "no capability; decorate it with @agency_view(...)."
            )
        if not request.user.is_authenticated:
            return _redirect_with_next(request, "account_login")
        # All the user's memberships at once: the header's agency switcher lists them too.
        request.memberships = list(user_memberships(request.user))
        membership = next((m for m in request.memberships if m.agency.slug == slug), None)
        if membership is None:
            raise Http404("No such agency.")
        if not membership.can(capability):
            raise PermissionDenied("Your role in this agency does not allow this.")
        request.agency = membership.agency
        request.membership = membership
        if request.session.get("onemind_agency") != slug:
            # The place the home page returns to: this agency (not a region any more).
            request.session["onemind_agency"] = slug
            request.session.pop("onemind_region", None)
        request._agency_scope_token = enter_agency_scope(membership.agency)
        timezone.activate(zoneinfo.ZoneInfo(membership.agency.time_zone))
        return None


class RegionScopeMiddleware:
    """Resolves the region of every /r/<slug>/ URL from the user's region membership, as
    AgencyTenancyMiddleware does for agencies: not a member (or no such region), 404; a role
    without the view's declared capability, 403; a view that declares none, a configuration
    error. The view runs inside the region's scope with `request.region` and
    `request.region_membership` set. Member agencies' rows are not in that scope: a region
    page reads them only through what each agency shares (`agencies.regions.queries`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_region_scope_token", None)
            if token is not None:
                leave_region_scope(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("region_slug")
        if slug is None:
            return None
        capability = getattr(view_func, "region_capability", None)
        if capability is None:
            raise ImproperlyConfigured(
                f"{view_func.__module__}.{view_func.__name__} serves /r/<slug>/ but declares "
                "no capability; decorate it with @region_view(...)."
            )
        if not request.user.is_authenticated:
            return _redirect_with_next(request, "account_login")
        request.region_memberships = list(user_region_memberships(request.user))
        membership = next((m for m in request.region_memberships if m.region.slug == slug), None)
        if membership is None:
            raise Http404("No such region.")
        if not membership.can(capability):
            raise PermissionDenied("Your role in this region does not allow this.")
        request.region = membership.region
        request.region_membership = membership
        if request.session.get("onemind_region") != slug:
            request.session["onemind_region"] = slug
            request.session.pop("onemind_agency", None)
        request._region_scope_token = enter_region_scope(membership.region)
        return None


class StaffAreaMiddleware:
    """The staff area fails closed, as the agency area does.

    Every view resolved in the `staff` namespace (or under /staff/) declares the staff
    permission it needs with `@staff_view(...)`; one that declares none is a configuration
    error. This is the one place that checks it, for a declared view wherever it is routed:
    not signed in, to sign in; without the permission, 403; a session that has not passed
    MFA, to the page that asks for it (unless the view is that page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        access = getattr(view_func, "staff_access", None)
        if access is None:
            if STAFF_NAMESPACE in request.resolver_match.namespaces or (
                request.path_info.startswith(STAFF_PATH)
            ):
                raise ImproperlyConfigured(
                    f"{view_func.__module__}.{view_func.__name__} serves the staff area but "
                    "declares no staff permission; decorate it with @staff_view(...)."
                )
            return None
        if not request.user.is_authenticated:
            return _redirect_with_next(request, "account_login")
        if not has_staff_permission(request.user, access.permission):
            raise PermissionDenied("This page is for program staff.")
        if access.session_mfa and not session_passed_mfa(request):
            return _redirect_with_next(request, "staff:mfa_required")
        return None
