"""The region's side of its member agencies, under /r/<region_slug>/agencies/: who joined and
what each shares, the requests waiting, the history, and asking a registered agency to join.
Of an agency these pages show its name, place and ORI only: its progress is the dashboard's,
and only while it shares it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from agencies.regions import queries, services
from agencies.regions.access import region_view
from agencies.regions.forms import AgencySearchForm
from agencies.regions.models import (
    CURRENT_STATUSES,
    MemberAgency,
    MemberAgencyStatus,
    RegionCapability,
)

# Found agencies shown at once; a search that finds more asks to be narrowed.
SEARCH_LIMIT = 20


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_agencies(request, region_slug: str):
    region = request.region
    standings = list(queries.region_standings(region))
    context = {
        "region": region,
        "members": [s for s in standings if s.status == MemberAgencyStatus.MEMBER],
        "waiting": [s for s in standings if s.status == MemberAgencyStatus.INVITED],
        "history": sorted(
            (s for s in standings if s.status not in CURRENT_STATUSES),
            key=lambda s: s.ended_at or s.answered_at or s.invited_at,
            reverse=True,
        ),
    }
    return render(request, "regions/agencies.html", context)


@region_view(RegionCapability.MANAGE)
def region_agency_invite(request, region_slug: str):
    """Find a verified agency by ORI, or by name and state, and ask it to join."""
    region = request.region
    if request.method == "POST":
        return _ask(request, region)
    form = AgencySearchForm(request.GET or None)
    found, more = [], False
    if region.verified and form.is_valid():
        found = list(queries.agencies_to_invite(**form.cleaned_data)[: SEARCH_LIMIT + 1])
        found, more = found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT
        current = queries.current_standings(region, found)
        for agency in found:
            agency.standing = current.get(agency.pk)
    context = {"region": region, "form": form, "found": found, "more": more}
    return render(request, "regions/agency_invite.html", context)


def _ask(request, region):
    agency = queries.agency_to_invite(request.POST.get("agency", ""))
    if agency is None:
        raise Http404("No such verified agency.")
    try:
        services.member_agency_invite(region=region, actor=request.user, agency=agency)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("region_agency_invite", region_slug=region.slug)
    messages.success(
        request,
        _(
            "%(region)s asked %(agency)s to join. Its coordinators are emailed; nothing is "
            "shared until one of them accepts."
        )
        % {"region": region.name, "agency": agency.name},
    )
    return redirect("region_agencies", region_slug=region.slug)


@region_view(RegionCapability.MANAGE, methods=("POST",))
def region_agency_withdraw(request, region_slug: str, member_agency_id):
    """Withdraw a request the agency has not answered."""
    region = request.region
    # Any request of the region's: a second click finds it withdrawn and says so.
    member = get_object_or_404(
        MemberAgency.objects.select_related("agency"), public_id=member_agency_id
    )
    try:
        services.member_agency_withdraw(region=region, actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("The request to %(agency)s was withdrawn.") % {"agency": member.agency.name},
        )
    return redirect("region_agencies", region_slug=region.slug)
