from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies import adapters, documents, health, queries, services
from agencies.access import agency_view
from agencies.forms import (
    AccountNameForm,
    AgencyProfileForm,
    AgencyRegistrationForm,
    InvitationForm,
    RoleForm,
    add_service_error,
)
from agencies.models import Agency, Capability, Document, Invitation, Membership
from agencies.regions import queries as region_queries
from agencies.staff import is_program_staff, staff_roles_of
from agencies.tokens import queries as token_queries
from onemind.lib.paging import page_of

AUDIT_PAGE_SIZE = 50


@require_GET
def livez(request):
    """Liveness: the process answers (no database), for orchestrators and load balancers."""
    return HttpResponse("ok", content_type="text/plain")


def _health_response(checks: dict[str, health.Check]) -> JsonResponse:
    healthy = all(check.ok for check in checks.values())
    response = JsonResponse(
        {
            "status": "ok" if healthy else "failed",
            "checks": {name: check.as_dict() for name, check in checks.items()},
        },
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def readyz(request):
    """Readiness of this web process: it serves pages while the database answers. Redis and
    the workers may be down meanwhile (pages go on without them), so they are not asked."""
    return _health_response({"database": health.database()})


@require_GET
def healthz(request):
    """Every dependency, for monitoring: 503 naming what is down."""
    return _health_response(health.report())


def home(request):
    """Sends each person where they work: staff to the staff area, members to their agency or
    the region whose team they are on; someone with several goes back to the last one."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    if is_program_staff(request.user):
        return redirect(settings.STAFF_HOME_URL)
    roles = staff_roles_of(request.user)
    if roles:
        return redirect(roles[0].home)
    agencies = [m.agency.slug for m in queries.user_memberships(request.user)]
    regions = [m.region.slug for m in region_queries.user_region_memberships(request.user)]
    last_agency = request.session.get("onemind_agency")
    last_region = request.session.get("onemind_region")
    if last_agency in agencies:
        return redirect(settings.AGENCY_HOME_URL, agency_slug=last_agency)
    if last_region in regions:
        return redirect("region_home", region_slug=last_region)
    if len(agencies) == 1 and not regions:
        return redirect(settings.AGENCY_HOME_URL, agency_slug=agencies[0])
    if len(regions) == 1 and not agencies:
        return redirect("region_home", region_slug=regions[0])
    return redirect("choose")


@login_required
@require_GET
def choose(request):
    """Every agency and region the person works in, to open one (or register one)."""
    context = {
        "memberships": list(queries.user_memberships(request.user)),
        "region_memberships": list(region_queries.user_region_memberships(request.user)),
    }
    return render(request, "agencies/choose.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agency_register(request):
    form = AgencyRegistrationForm(request.POST or None)
    if request.method == "POST" and form.has_error(NON_FIELD_ERRORS, "duplicate_agency"):
        # A second click on "Register" finds the agency the first one made: go there.
        mine = queries.own_agency_like(request.user, form.cleaned_data)
        if mine is not None:
            messages.info(request, f"{mine.name} is registered already.")
            return redirect(settings.AGENCY_HOME_URL, agency_slug=mine.slug)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        try:
            agency = services.agency_register(actor=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"{agency.name} is registered and you are its coordinator. Program staff will "
                "verify the agency; meanwhile you can invite colleagues and start your pledge.",
            )
            return redirect(settings.AGENCY_HOME_URL, agency_slug=agency.slug)
    return render(request, "agencies/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationError as error:
        return render(request, "agencies/invitation.html", {"error": error.messages[0]}, status=404)
    context = {"invitation": invitation, "agency": invitation.agency, "token": token}
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except services.InvitationError as error:
            context["error"] = error.messages[0]
        else:
            messages.success(request, f"Welcome to {membership.agency.name}.")
            return redirect(settings.AGENCY_HOME_URL, agency_slug=membership.agency.slug)
    elif invitation.state != "open":
        context["error"] = {
            "accepted": "This invitation has already been used.",
            "revoked": "This invitation was withdrawn or replaced by a newer one.",
            "expired": "This invitation has expired. Ask your agency coordinator for a new one.",
        }[invitation.state]
    return render(request, "agencies/invitation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_name(request):
    """Under My account: the name members lists show and emails greet by."""
    user = request.user
    form = AccountNameForm(
        request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST" and form.is_valid():
        services.account_rename(user=user, **form.cleaned_data)
        messages.success(request, _("Your name is saved."))
        return redirect("account_name")
    return render(request, "account/name.html", {"form": form})


@require_POST
def email_confirmation_send_again(request):
    """The "check your email" page's button: the confirmation email once more."""
    sent = adapters.email_confirmation_send_again(request)
    if sent is None:
        if request.user.is_authenticated:
            return redirect("home")
        messages.info(
            request,
            _(
                "Sign in with your email address and password: if the address still needs "
                "confirming, a new link is sent to it."
            ),
        )
        return redirect("account_login")
    if not sent:
        messages.info(
            request,
            _(
                "An email went to this address a moment ago, and emails can take a few "
                "minutes to arrive. Wait a little, then ask again."
            ),
        )
    return redirect("account_email_verification_sent")


# Pages of one agency: /a/<slug>/… (the middleware has checked membership and role).


@agency_view(Capability.MANAGE)
def agency_settings(request, agency_slug: str):
    agency = request.agency
    # The form validates a copy: the service, not the form, changes the agency.
    form = AgencyProfileForm(request.POST or None, instance=Agency.objects.get(pk=agency.pk))
    if request.method == "POST" and form.is_valid():
        profile = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.agency_update(agency=agency, actor=request.user, **profile)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Agency details saved.")
            return redirect("agency_settings", agency_slug=agency.slug)
    return render(request, "agencies/settings.html", {"agency": agency, "form": form})


@agency_view(Capability.VIEW, methods=("GET",))
def member_list(request, agency_slug: str):
    agency = request.agency
    members = list(queries.agency_members(agency))
    context = {
        "agency": agency,
        "members": members,
        "invitations": list(queries.open_invitations(agency))
        if request.membership.can(Capability.MANAGE)
        else [],
    }
    return render(request, "agencies/members.html", context)


@agency_view(Capability.MANAGE)
def member_invite(request, agency_slug: str):
    agency = request.agency
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                agency=agency, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("member_list", agency_slug=agency.slug)
    return render(request, "agencies/invite.html", {"agency": agency, "form": form})


def _member(public_id) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), public_id=public_id)


@agency_view(Capability.MANAGE)
def member_edit(request, agency_slug: str, member_id):
    agency = request.agency
    membership = _member(member_id)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                agency=agency, actor=request.user, membership=membership, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{membership.user.email} is now {membership.role}.")
            return redirect("member_list", agency_slug=agency.slug)
    context = {"agency": agency, "membership": membership, "form": form}
    return render(request, "agencies/member_edit.html", context)


@agency_view(Capability.MANAGE, methods=("POST",))
def member_remove(request, agency_slug: str, member_id):
    agency = request.agency
    membership = _member(member_id)
    try:
        services.membership_remove(agency=agency, actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{membership.user.email} was removed from {agency.name}.")
        _their_tokens_still_work(request, membership.user)
    return redirect("member_list", agency_slug=agency.slug)


def _their_tokens_still_work(request, user) -> None:
    """Tokens are the agency's and keep working when the person who created them leaves
    (an integration would stop otherwise): the coordinator is told, to revoke any that
    should not."""
    count = token_queries.live_tokens_created_by(user).count()
    if count:
        messages.warning(request, ngettext(
            "%(count)d API token %(email)s created still works: revoke it under API tokens "
            "if it should not.",
            "%(count)d API tokens %(email)s created still work: revoke them under API tokens "
            "if they should not.",
            count,
        ) % {"count": count, "email": user.email})  # fmt: skip


@agency_view(Capability.MANAGE, methods=("POST",))
def member_unlock(request, agency_slug: str, member_id):
    agency = request.agency
    membership = _member(member_id)
    services.account_unlock(user=membership.user, actor=request.user, agency=agency)
    messages.success(request, f"{membership.user.email} can sign in again.")
    return redirect("member_list", agency_slug=agency.slug)


@agency_view(Capability.MANAGE, methods=("POST",))
def invitation_revoke(request, agency_slug: str, invitation_id):
    agency = request.agency
    invitation = get_object_or_404(Invitation.objects, public_id=invitation_id)
    try:
        services.invitation_revoke(agency=agency, actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("member_list", agency_slug=agency.slug)


@agency_view(Capability.MANAGE, methods=("GET",))
def agency_audit(request, agency_slug: str):
    agency = request.agency
    page = page_of(queries.agency_audit_trail(agency), request.GET.get("page"), AUDIT_PAGE_SIZE)
    return render(request, "agencies/audit.html", {"agency": agency, "page": page})


@agency_view(Capability.VIEW, methods=("GET",))
def document_download(request, agency_slug: str, document_id):
    """Any of the agency's documents, to its members only (the scope hides the rest)."""
    document = get_object_or_404(Document.objects.all(), public_id=document_id)
    return documents.serve(document)
