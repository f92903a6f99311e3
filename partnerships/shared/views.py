"""A party's pages of a shared partnership, under /a/<agency_slug>/partnerships/: recording
one with other agencies of its regions, answering, leaving, and reading its documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from agencies import documents
from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from onemind.forms import with_choices_read
from partnerships import queries
from partnerships.models import Partnership, PartnershipParty, PartnershipVersion
from partnerships.shared import queries as shared_queries
from partnerships.shared import services
from partnerships.shared.forms import PartyAnswerForm, PartyLeaveForm, SharedPartnershipForm


def _to_detail(request, partnership: Partnership):
    return redirect(
        "partnership_detail",
        agency_slug=request.agency.slug,
        partnership_id=partnership.public_id,
    )


@agency_view(Capability.MANAGE)
def shared_partnership_create(request, agency_slug: str):
    organizations = queries.organizations(request.agency)
    fellows = shared_queries.fellow_members(request.agency)
    form = SharedPartnershipForm(
        request.POST or None, request.FILES or None, organizations=organizations, fellows=fellows
    )
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.shared_partnership_create(
                actor=request.user,
                lead=request.agency,
                parties=list(form.cleaned_data["parties"]),
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                terms=form.terms(),
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"{partnership.title} was saved. Each other party's coordinator is asked to "
                "confirm it.",
            )
            return _to_detail(request, partnership)
    context = {
        "form": with_choices_read(form, "organization", "parties"),
        "heading": "Add a shared partnership",
        "intro": "One agreement signed by several agencies (a county MOU, say): recorded "
        "once, kept by your agency, confirmed by each other party for itself.",
        "has_organizations": organizations.exists(),
        "no_parties": ""
        if fellows
        else "Your agency can share a partnership with the other members of a region it "
        "belongs to; it is not a member of any region with other agencies yet.",
    }
    return render(request, "partnerships/partnership_form.html", context)


def _party(request, partnership_id) -> tuple[Partnership, PartnershipParty]:
    """The shared partnership and the agency's part in it; 404 when it is not a party."""
    try:
        partnership, party = shared_queries.visible_partnership(request.agency, partnership_id)
    except Partnership.DoesNotExist:
        party = None
    if party is None:
        raise Http404("No such shared partnership.")
    return partnership, party


@agency_view(Capability.MANAGE)
def party_answer(request, agency_slug: str, partnership_id):
    partnership, party = _party(request, partnership_id)
    form = PartyAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        try:
            if answer == "confirm":
                services.party_confirm(agency=request.agency, actor=request.user, party=party)
            else:
                services.party_decline(
                    agency=request.agency,
                    actor=request.user,
                    party=party,
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            done = "confirmed" if answer == "confirm" else "declined"
            messages.success(request, f"Your agency {done} {partnership.title}.")
            return _to_detail(request, partnership)
    context = {"form": form, "partnership": partnership, "party": party}
    return render(request, "partnerships/party_answer.html", context)


@agency_view(Capability.MANAGE)
def party_leave(request, agency_slug: str, partnership_id):
    partnership, party = _party(request, partnership_id)
    form = PartyLeaveForm(
        request.POST if request.method == "POST" else None,
        initial={"on": request.agency.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.party_leave(
                agency=request.agency, actor=request.user, party=party, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{partnership.title} was ended for your agency.")
            return _to_detail(request, partnership)
    context = {"form": form, "partnership": partnership, "party": party}
    return render(request, "partnerships/party_leave.html", context)


@agency_view(Capability.VIEW, methods=("GET",))
def partnership_document(request, agency_slug: str, partnership_id, version_id):
    """The signed document of a version, to the agency's members when the partnership is
    the agency's own or names it: checked through the partnership, not the lead's scope."""
    try:
        version = shared_queries.visible_version(request.agency, partnership_id, version_id)
    except (Partnership.DoesNotExist, PartnershipVersion.DoesNotExist):
        raise Http404("No such document.") from None
    if version.document is None:
        raise Http404("This version has no document.")
    return documents.serve(version.document)
