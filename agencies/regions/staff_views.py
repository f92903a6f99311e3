"""Program staff's pages for regions (/staff/regions/): the list, verifying a region that
registered itself, and creating one with its first coordinator."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.forms import add_service_error
from agencies.regions import queries, services
from agencies.regions.forms import RegionCreateForm
from agencies.regions.models import Region
from agencies.staff import REVIEW, staff_view
from onemind.lib.paging import page_of

PAGE_SIZE = 50
# The list's filter: ?verified=no (awaiting verification) or yes; all regions otherwise.
VERIFIED_FILTER = {"no": False, "yes": True}


@staff_view(REVIEW)
@require_GET
def region_list(request):
    shown = request.GET.get("verified", "")
    regions = queries.regions_for_staff(verified=VERIFIED_FILTER.get(shown))
    page = page_of(regions, request.GET.get("page"), PAGE_SIZE)
    shown = shown if shown in VERIFIED_FILTER else ""
    context = {"page": page, "shown": shown, "query": f"verified={shown}" if shown else ""}
    return render(request, "staff/regions.html", context)


@staff_view(REVIEW)
@require_POST
def region_verify(request):
    """The list's buttons: `verify` or `withdraw`, with the region's public id."""
    verified = "verify" in request.POST
    region_id = request.POST.get("verify" if verified else "withdraw", "")
    try:
        region_id = uuid.UUID(region_id)
    except ValueError:
        raise Http404("No such region.") from None
    region = get_object_or_404(Region, public_id=region_id)
    services.region_set_verified(region=region, actor=request.user, verified=verified)
    if verified:
        message = _("%(region)s is verified: it can invite agencies.")
    else:
        message = _("%(region)s is marked as not verified: it cannot invite agencies.")
    messages.success(request, message % {"region": region.name})
    return redirect("staff:region_list")


@staff_view(REVIEW)
@require_http_methods(["GET", "POST"])
def region_create(request):
    """A verified region, whose first coordinator is invited by email."""
    form = RegionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        profile = {name: form.cleaned_data[name] for name in services.REGION_PROFILE_FIELDS}
        try:
            region = services.region_create(
                actor=request.user,
                coordinator_email=form.cleaned_data["coordinator_email"],
                **profile,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(region)s is created and verified; an invitation went to %(email)s.")
                % {"region": region.name, "email": form.cleaned_data["coordinator_email"]},
            )
            return redirect("staff:region_list")
    return render(request, "staff/region_create.html", {"form": form})
