"""The link that brings someone onto a region's team."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.regions import services


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
