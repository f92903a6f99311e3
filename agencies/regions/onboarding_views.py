"""A region's onboarding page, under /r/<region_slug>/onboarding/ (the middleware has checked
the role): invite one agency not registered yet, or a list of them, and follow where each
stands. And the link an invited coordinator-to-be follows to register the agency."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from agencies.forms import AgencyRegistrationForm, add_service_error
from agencies.regions import onboarding, onboarding_queries
from agencies.regions.access import region_view
from agencies.regions.models import OnboardingInvitation, RegionCapability
from agencies.regions.onboarding_forms import (
    ListConfirmForm,
    OnboardingInviteForm,
    OnboardingListForm,
)
from agencies.regions.onboarding_rows import (
    COLUMN_LABELS,
    MAX_LIST_BYTES,
    ListError,
    plan_list,
    read_list,
)
from onemind.lib.paging import page_of

PER_PAGE = 50


def _page(request, *, invite_form=None, list_form=None, status=200):
    region = request.region
    progress = onboarding_queries.onboarding_progress(region)
    context = {
        "region": region,
        "progress": progress,
        "page": page_of(progress.rows, request.GET.get("page"), PER_PAGE),
        "lists": list(onboarding_queries.onboarding_lists(region)[:20]),
        "invite_form": invite_form or OnboardingInviteForm(region=region),
        "list_form": list_form or OnboardingListForm(),
        "columns": COLUMN_LABELS,
    }
    return render(request, "regions/onboarding.html", context, status=status)


@region_view(RegionCapability.VIEW, methods=("GET",))
def onboarding_page(request, region_slug: str):
    return _page(request)


@region_view(RegionCapability.MANAGE, methods=("POST",))
def onboarding_invite(request, region_slug: str):
    form = OnboardingInviteForm(request.POST, region=request.region)
    if form.is_valid():
        try:
            done = onboarding.onboarding_invite(
                region=request.region, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if done.member is not None:
                messages.success(
                    request,
                    _(
                        "%(agency)s is registered already, so it was asked to join instead: "
                        "its coordinator answers on the agency's regions page."
                    )
                    % {"agency": done.member.agency.name},
                )
            else:
                messages.success(
                    request,
                    _("%(agency)s is invited: %(email)s has the link to register it.")
                    % {"agency": done.invitation.agency_name, "email": done.invitation.email},
                )
            return redirect("onboarding_page", region_slug=request.region.slug)
    return _page(request, invite_form=form, status=400)


def _checked_list(request, plan, filename: str, *, changed: bool = False, status=200):
    region = request.region
    confirm = None
    if not plan.errors:
        confirm = ListConfirmForm(
            initial={
                "confirmation": onboarding.list_confirmation(
                    region=region, actor=request.user, filename=filename, plan=plan
                )
            }
        )
    context = {
        "region": region,
        "plan": plan,
        "filename": filename,
        "confirm_form": confirm,
        "changed": changed,
    }
    return render(request, "regions/onboarding_list.html", context, status=status)


@region_view(RegionCapability.MANAGE, methods=("POST",))
def onboarding_list_check(request, region_slug: str):
    """Read and check an uploaded list: what each row would do, or what is wrong with it.
    Nothing is written until the coordinator confirms."""
    form = OnboardingListForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_list(upload.read(MAX_LIST_BYTES + 1), upload.name)
        except ListError as error:
            form.add_error("file", str(error))
        else:
            plan = plan_list(request.region, rows)
            return _checked_list(request, plan, upload.name, status=400 if plan.errors else 200)
    return _page(request, list_form=form, status=400)


@region_view(RegionCapability.MANAGE, methods=("POST",))
def onboarding_list_send(request, region_slug: str):
    region = request.region
    form = ListConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The list could not be read back. Upload it again."))
        checked = onboarding.list_from_confirmation(
            form.cleaned_data["confirmation"], region=region, actor=request.user
        )
        sent, now = onboarding.onboarding_list_send(
            region=region, actor=request.user, checked=checked
        )
    except onboarding.ListChanged as error:
        return _checked_list(request, error.plan, checked.filename, changed=True, status=409)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("onboarding_page", region_slug=region.slug)
    if now:
        messages.success(request, _list_sent(sent))
    else:
        messages.info(request, _("This list was sent already; nothing more was sent."))
    return redirect("onboarding_page", region_slug=region.slug)


def _list_sent(sent) -> str:
    invited = ngettext(
        "%(count)d agency invited to register",
        "%(count)d agencies invited to register",
        sent.invited,
    ) % {"count": sent.invited}
    asked = ngettext(
        "%(count)d registered agency asked to join",
        "%(count)d registered agencies asked to join",
        sent.asked,
    ) % {"count": sent.asked}
    return _("“%(file)s” sent: %(invited)s, %(asked)s.") % {
        "file": sent.filename,
        "invited": invited,
        "asked": asked,
    }


@region_view(RegionCapability.MANAGE, methods=("POST",))
def onboarding_withdraw(request, region_slug: str, onboarding_id):
    invitation = get_object_or_404(OnboardingInvitation.objects, public_id=onboarding_id)
    try:
        onboarding.onboarding_withdraw(
            region=request.region, actor=request.user, invitation=invitation
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("The invitation of %(agency)s is withdrawn: its link no longer works.")
            % {"agency": invitation.agency_name},
        )
    return redirect("onboarding_page", region_slug=request.region.slug)


# The link in the email


@require_http_methods(["GET", "POST"])
def onboarding_join(request, token: str):
    """Sign in (or sign up: the link confirms the invited address), register the agency
    with the invitation's details, and land on its regions page to answer the request."""
    try:
        invitation = onboarding.onboarding_from_token(token)
    except onboarding.OnboardingLinkError as error:
        context = {"error": error.messages[0]}
        return render(request, "regions/onboarding_join.html", context, status=404)
    context = {"invitation": invitation, "region": invitation.region, "token": token}
    user = request.user if request.user.is_authenticated else None
    try:
        onboarding.onboarding_check(invitation, user)
    except onboarding.OnboardingLinkError as error:
        context["error"] = error.messages[0]
        return render(request, "regions/onboarding_join.html", context)
    if user is None:
        return render(request, "regions/onboarding_join.html", context)
    form = AgencyRegistrationForm(
        request.POST or None,
        initial={
            "name": invitation.agency_name,
            "ori": invitation.ori,
            "country": invitation.region.country,
            "region": invitation.state,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        try:
            agency = onboarding.onboarding_register(token=token, user=user, **data)
        except onboarding.OnboardingLinkError as error:
            context["error"] = error.messages[0]
            return render(request, "regions/onboarding_join.html", context)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(agency)s is registered and you are its coordinator. %(region)s asks it "
                    "to join: choose what the region may see, then join."
                )
                % {"agency": agency.name, "region": invitation.region.name},
            )
            return redirect("agency_regions", agency_slug=agency.slug)
    context["form"] = form
    return render(request, "regions/onboarding_join.html", context)
