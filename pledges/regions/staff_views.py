"""Program staff's page on one region: its team, its
member agencies' progress (staff see every agency anyway) and its invitations."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from agencies.models import Region
from agencies.staff import REVIEW, staff_view
from onemind.lib.paging import page_of
from onemind.routers import reads_from_replica
from pledges.regions import queries


@staff_view(REVIEW)
@require_GET
@reads_from_replica
def region_detail(request, region_id):
    region = get_object_or_404(Region.objects.select_related("verified_by"), public_id=region_id)
    page = page_of(queries.members(region), request.GET.get("page"), queries.PAGE_SIZE)
    page.object_list = queries.member_rows(page.object_list)
    context = {
        "region": region,
        "record": queries.region_record(region),
        "totals": queries.totals(region),
        "page": page,
    }
    return render(request, "staff/region_detail.html", context)
