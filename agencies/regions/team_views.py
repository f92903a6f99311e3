"""A region's own pages: registering one, its team and the invitations to it, its details
and its audit trail. Pages under /r/<region_slug>/ run after the middleware checked the
role; every write goes through `agencies.regions.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.forms import add_service_error
from agencies.regions import queries, services
from agencies.regions.access import region_view
from agencies.regions.forms import (
    RegionInvitationForm,
    RegionProfileForm,
    RegionRegistrationForm,
    RegionRoleForm,
)
from agencies.regions.models import Region, RegionCapability, RegionInvitation, RegionMembership
from onemind.lib.paging import page_of

AUDIT_PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def region_register(request):
    """A collaborative registers itself; its registrant becomes its coordinator."""
    form = RegionRegistrationForm(request.POST or None)
    if request.method == "POST" and form.has_error(NON_FIELD_ERRORS):
        # A second click on "Register" finds the region the first one made: go there.
        mine = queries.own_region_like(request.user, form.cleaned_data)
        if mine is not None:
            messages.info(request, _("%(region)s is registered already.") % {"region": mine})
            return redirect("region_home", region_slug=mine.slug)
    if request.method == "POST" and form.is_valid():
        profile = {name: form.cleaned_data[name] for name in services.REGION_PROFILE_FIELDS}
        try:
            region = services.region_register(actor=request.user, **profile)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(region)s is registered and you are its coordinator. Program staff will "
                    "verify it; meanwhile you can invite your team. Once it is verified, you "
                    "can invite agencies."
                )
                % {"region": region.name},
            )
            return redirect("region_home", region_slug=region.slug)
    return render(request, "regions/register.html", {"form": form})


# The team


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_team(request, region_slug: str):
    region = request.region
    can_manage = request.region_membership.can(RegionCapability.MANAGE)
    context = {
        "region": region,
        "team": list(queries.region_team(region)),
        "invitations": list(queries.open_region_invitations(region)) if can_manage else [],
    }
    return render(request, "regions/team.html", context)


@region_view(RegionCapability.MANAGE)
def region_team_invite(request, region_slug: str):
    region = request.region
    form = RegionInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.region_invitation_create(
                region=region, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("region_team", region_slug=region.slug)
    return render(request, "regions/team_invite.html", {"region": region, "form": form})


def _team_member(team_member_id) -> RegionMembership:
    """One of the region's team (the region scope hides every other region's)."""
    return get_object_or_404(
        RegionMembership.objects.select_related("user"), public_id=team_member_id
    )


@region_view(RegionCapability.MANAGE)
def region_team_member_edit(request, region_slug: str, team_member_id):
    region = request.region
    membership = _team_member(team_member_id)
    form = RegionRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_change_role(
                region=region, actor=request.user, membership=membership, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display().lower()},
            )
            return redirect("region_team", region_slug=region.slug)
    context = {"region": region, "membership": membership, "form": form}
    return render(request, "regions/team_member_edit.html", context)


@region_view(RegionCapability.MANAGE, methods=("POST",))
def region_team_member_remove(request, region_slug: str, team_member_id):
    region = request.region
    membership = _team_member(team_member_id)
    try:
        services.team_member_remove(region=region, actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("region_team", region_slug=region.slug)
    messages.success(
        request,
        _("%(email)s was removed from the team of %(region)s.")
        % {"email": membership.user.email, "region": region.name},
    )
    if membership.user_id == request.user.pk:  # no longer on the team: its pages are closed
        return redirect("home")
    return redirect("region_team", region_slug=region.slug)


@region_view(RegionCapability.MANAGE, methods=("POST",))
def region_invitation_revoke(request, region_slug: str, region_invitation_id):
    region = request.region
    invitation = get_object_or_404(RegionInvitation.objects, public_id=region_invitation_id)
    try:
        services.region_invitation_revoke(region=region, actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("region_team", region_slug=region.slug)


# The region's details and trail


@region_view(RegionCapability.MANAGE)
def region_settings(request, region_slug: str):
    region = request.region
    # The form validates a copy: the service, not the form, changes the region.
    form = RegionProfileForm(request.POST or None, instance=Region.objects.get(pk=region.pk))
    if request.method == "POST" and form.is_valid():
        profile = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.region_update(region=region, actor=request.user, **profile)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The region's details are saved."))
            return redirect("region_settings", region_slug=region.slug)
    return render(request, "regions/settings.html", {"region": region, "form": form})


@region_view(RegionCapability.MANAGE, methods=("GET",))
def region_audit(request, region_slug: str):
    region = request.region
    page = page_of(queries.region_audit_trail(region), request.GET.get("page"), AUDIT_PAGE_SIZE)
    return render(request, "regions/audit.html", {"region": region, "page": page})
