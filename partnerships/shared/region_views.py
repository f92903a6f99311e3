"""A region's pages of the shared partnerships it recorded, under /r/<region_slug>/: the
region reads those agreements (their versions, documents and parties' answers) and nothing
else of its member agencies' partnerships."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from agencies import documents
from agencies.forms import add_service_error
from agencies.regions.access import region_view
from agencies.regions.models import RegionCapability
from onemind.forms import with_choices_read
from partnerships.models import Partnership, PartnershipVersion
from partnerships.shared import queries, services
from partnerships.shared.forms import RegionPartnershipForm
from partnerships.standing import standing


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_partnership_list(request, region_slug: str):
    rows = queries.region_partnerships(request.region, timezone.localdate())
    return render(request, "partnerships/region_list.html", {"rows": rows})


@region_view(RegionCapability.MANAGE)
def region_partnership_create(request, region_slug: str):
    members = queries.region_members(request.region)
    form = RegionPartnershipForm(request.POST or None, request.FILES or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partnership = services.region_partnership_create(
                region=request.region,
                actor=request.user,
                lead=data["lead"],
                parties=list(data["parties"]),
                organization_name=data["organization_name"],
                organization_type=data["organization_type"],
                title=data["title"],
                terms=form.terms(),
                document=data["document"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"{partnership.title} was saved. Each party's coordinator is asked to confirm it.",
            )
            return redirect(
                "region_partnership_detail",
                region_slug=region_slug,
                partnership_id=partnership.public_id,
            )
    context = {
        "form": with_choices_read(form, "lead", "parties"),
        "heading": "Record a shared partnership",
        "intro": "One agreement signed by several member agencies, recorded once: it is kept "
        "by the lead agency, and counts for each party once that party's coordinator confirms "
        "it.",
        "no_parties": ""
        if members.count() >= 2
        else "A shared partnership names at least two member agencies; invite agencies to the "
        "region first.",
    }
    return render(request, "partnerships/partnership_form.html", context)


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_partnership_detail(request, region_slug: str, partnership_id):
    try:
        partnership = queries.region_partnership(request.region, partnership_id)
    except Partnership.DoesNotExist:
        raise Http404("No such partnership.") from None
    versions = list(partnership.versions.all())
    context = {
        "partnership": partnership,
        "parties": list(partnership.parties.all()),
        "standing": standing(partnership, versions, timezone.localdate()),
        "versions": versions,
    }
    return render(request, "partnerships/region_detail.html", context)


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_partnership_document(request, region_slug: str, partnership_id, version_id):
    """The signed document of a version of a partnership the region recorded."""
    try:
        version = queries.region_version(request.region, partnership_id, version_id)
    except (Partnership.DoesNotExist, PartnershipVersion.DoesNotExist):
        raise Http404("No such document.") from None
    if version.document is None:
        raise Http404("This version has no document.")
    return documents.serve(version.document)
