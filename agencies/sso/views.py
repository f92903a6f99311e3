"""Single sign-on pages: the agency coordinator's settings (/a/<slug>/sso/), program staff's
approvals (/staff/sso/), and the sign-in step that sends a work address to its agency's
provider (/accounts/sso/), with the provider's return routed through the checks of
agencies.sso.provider."""

import logging

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.utils import build_absolute_uri
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from requests import RequestException

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from agencies.sso import services
from agencies.sso.forms import ConnectionForm, StartForm
from agencies.sso.models import SSOConnection, SSOStatus
from agencies.sso.provider import AgencyOpenIDConnectAdapter
from agencies.staff import ADMINISTER, staff_view

log = logging.getLogger(__name__)


@agency_view(Capability.MANAGE)
def connection_settings(request, agency_slug: str):
    agency = request.agency
    connection = SSOConnection.objects.first()
    initial = {}
    if connection is not None:
        initial = {
            "issuer": connection.issuer,
            "client_id": connection.client_id,
            "domains": "\n".join(connection.domains),
            "default_role": connection.default_role,
            "coordinator_reason": connection.coordinator_reason,
            "trust_domain_emails": connection.trust_domain_emails,
        }
    form = ConnectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.connection_save(
                agency=agency, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if connection.status == SSOStatus.PENDING:
                messages.success(
                    request,
                    _(
                        "Single sign-on was saved. Program staff check it before your members "
                        "can use it."
                    ),
                )
            return redirect("sso_settings", agency_slug=agency.slug)
    context = {
        "agency": agency,
        "form": form,
        "connection": connection,
        "callback_url": build_absolute_uri(
            request,
            reverse(
                "openid_connect_callback",
                kwargs={"provider_id": services.provider_id_for(agency)},
            ),
        ),
    }
    return render(request, "sso/settings.html", context)


@staff_view(ADMINISTER)
@require_GET
def connection_list(request):
    connections = list(
        SSOConnection.all_agencies.select_related("agency", "updated_by", "reviewed_by").order_by(
            "status", "-updated_at"
        )
    )
    return render(request, "staff/sso_connections.html", {"connections": connections})


@staff_view(ADMINISTER)
@require_POST
def connection_review(request, connection_id):
    connection = get_object_or_404(
        SSOConnection.all_agencies.select_related("agency"), public_id=connection_id
    )
    approve = request.POST.get("decision") == "approve"
    try:
        services.connection_review(connection=connection, actor=request.user, approve=approve)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        message = (
            _("Single sign-on for %(agency)s is in use.")
            if approve
            else _("Single sign-on for %(agency)s is turned off.")
        )
        messages.success(request, message % {"agency": connection.agency.name})
    return redirect("staff:sso_connections")


@login_not_required
def start(request):
    """The work address decides the agency, and so the provider."""
    form = StartForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        next_url = form.cleaned_data["next"]
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = None
        connection = services.connection_for_email(email)
        if connection is None:
            form.add_error(
                "email",
                _(
                    "No agency signs in people at %(domain)s through its identity provider. "
                    "Sign in with your email address and password instead."
                )
                % {"domain": email.rpartition("@")[2]},
            )
        else:
            provider = get_adapter().get_provider(request, connection.provider_id)
            try:
                redirect_to_provider = provider.redirect(
                    request,
                    AuthProcess.LOGIN,
                    next_url=next_url,
                    auth_params={"login_hint": email},
                )
            except (OAuth2Error, RequestException) as error:
                log.warning("Single sign-on of %s: %s", connection.provider_id, error)
                form.add_error(
                    None,
                    _(
                        "Your agency's identity provider could not be reached or is not set up "
                        "correctly. Try again later, or sign in with your password."
                    ),
                )
            else:
                # A link the person follows, rather than a redirect: the page's policy lets
                # forms go to this site only (CSP form-action), redirects after them included.
                context = {
                    "agency": connection.agency,
                    "provider_url": redirect_to_provider["Location"],
                }
                return render(request, "sso/continue.html", context)
    return render(request, "sso/start.html", {"form": form})


@login_not_required
def oidc_login(request, provider_id: str):
    try:
        view = OAuth2LoginView.adapter_view(AgencyOpenIDConnectAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def oidc_callback(request, provider_id: str):
    try:
        view = OAuth2CallbackView.adapter_view(AgencyOpenIDConnectAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
