"""Pages of one region, under /r/<region_slug>/ (the middleware has checked the role)."""

from django.shortcuts import render

from agencies.regions import queries
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
