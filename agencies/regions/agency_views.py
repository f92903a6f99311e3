"""An agency's side of its regions, under /a/<agency_slug>/regions/: the requests to join,
what it shares with each region it joined, and leaving. Every member sees them; only the
coordinator answers, changes or leaves."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from agencies.regions import services
from agencies.regions.forms import SharingForm
from agencies.regions.models import MemberAgency, MemberAgencyStatus


def _member(member_agency_id) -> MemberAgency:
    """The agency's own standing with a region (the agency scope hides every other), in
    whatever status: a second click finds it moved, and the service says so."""
    return get_object_or_404(
        MemberAgency.of_agency.select_related("region"), public_id=member_agency_id
    )


@agency_view(Capability.VIEW, methods=("GET",))
def agency_regions(request, agency_slug: str):
    standings = list(
        MemberAgency.of_agency.filter(
            status__in=[MemberAgencyStatus.INVITED, MemberAgencyStatus.MEMBER]
        )
        .select_related("region", "invited_by")
        .order_by("region__name")
    )
    context = {
        "agency": request.agency,
        "requests": [m for m in standings if m.status == MemberAgencyStatus.INVITED],
        "regions": [m for m in standings if m.status == MemberAgencyStatus.MEMBER],
        "sharing_form": SharingForm(),
    }
    return render(request, "regions/agency_regions.html", context)


def _answer(request, agency_slug, member_agency_id, *, change, done):
    """Post a SharingForm-backed answer to one standing; back to the list either way."""
    agency = request.agency
    member = _member(member_agency_id)
    form = SharingForm(request.POST)
    if form.is_valid():
        try:
            change(agency=agency, actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done % {"region": member.region.name})
            return redirect("agency_regions", agency_slug=agency.slug)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("agency_regions", agency_slug=agency.slug)


@agency_view(Capability.MANAGE, methods=("POST",))
def region_join(request, agency_slug: str, member_agency_id):
    return _answer(
        request,
        agency_slug,
        member_agency_id,
        change=services.member_agency_accept,
        done=_("Your agency joined %(region)s."),
    )


@agency_view(Capability.MANAGE, methods=("POST",))
def region_sharing(request, agency_slug: str, member_agency_id):
    return _answer(
        request,
        agency_slug,
        member_agency_id,
        change=services.member_agency_change_sharing,
        done=_("What %(region)s may see has changed."),
    )


def _act(request, member: MemberAgency, change, done: str):
    try:
        change(agency=request.agency, actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done % {"region": member.region.name})
    return redirect("agency_regions", agency_slug=request.agency.slug)


@agency_view(Capability.MANAGE, methods=("POST",))
def region_decline(request, agency_slug: str, member_agency_id):
    member = _member(member_agency_id)
    return _act(
        request, member, services.member_agency_decline, _("You declined %(region)s's request.")
    )


@agency_view(Capability.MANAGE, methods=("POST",))
def region_leave(request, agency_slug: str, member_agency_id):
    member = _member(member_agency_id)
    return _act(
        request,
        member,
        services.member_agency_leave,
        _("Your agency left %(region)s: it sees nothing of your agency from now on."),
    )
