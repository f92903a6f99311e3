"""Pages of one region, under /r/<region_slug>/ (the middleware has checked the role), and
the link that brings someone onto a region's team."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.regions import queries, services
from agencies.regions.access import region_view
from agencies.regions.models import RegionCapability


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_home(request, region_slug: str):
    region = request.region
    context = {
        "region": region,
        "members": queries.member_agencies(region).order_by("agency__name"),
    }
    return render(request, "regions/home.html", context)


@require_http_methods(["GET", "POST"])
def region_invitation_accept(request, token: str):
    """The link in a region team invitation: sign in (or sign up) as the invited address,
    then accept."""
    try:
        invitation = services.region_invitation_from_token(token)
    except services.RegionInvitationError as error:
        return render(request, "regions/invitation.html", {"error": error.messages[0]}, status=404)
    context = {"invitation": invitation, "region": invitation.region, "token": token}
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.region_invitation_accept(token=token, user=request.user)
        except services.RegionInvitationError as error:
            context["error"] = error.messages[0]
        else:
            messages.success(request, _("Welcome to %(region)s.") % {"region": membership.region})
            return redirect("region_home", region_slug=membership.region.slug)
    elif invitation.state != "open":
        context["error"] = {
            "accepted": _("This invitation has already been used."),
            "revoked": _("This invitation was withdrawn or replaced by a newer one."),
            "expired": _(
                "This invitation has expired. Ask the region's coordinator for a new one."
            ),
        }[invitation.state]
    return render(request, "regions/invitation.html", context)
