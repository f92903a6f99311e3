"""Partnership (MOU) and mental-health organization pages of one agency."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from onemind.forms import with_choices_read
from partnerships import queries, services
from partnerships.forms import OrganizationForm, PartnershipForm, TerminationForm, VersionForm
from partnerships.models import (
    MentalHealthOrganization,
    Partnership,
    PartnershipVersion,
    VersionKind,
)
from partnerships.shared import queries as shared_queries
from partnerships.standing import standing, version_in_force


@agency_view(Capability.VIEW, methods=("GET",))
def partnership_list(request, agency_slug: str):
    today = request.agency.today()
    rows = queries.partnerships(request.agency, today)
    context = {
        "rows": rows,
        "awaiting": list(shared_queries.awaiting_answer(request.agency)),
        "organizations": list(queries.organizations(request.agency)),
        "finding": queries.finding_from(rows),
        "today": today,
    }
    return render(request, "partnerships/list.html", context)


@agency_view(Capability.EDIT)
def organization_create(request, agency_slug: str):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                agency=request.agency, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{organization.name} was added.")
            return redirect("partnership_list", agency_slug=agency_slug)
    return render(request, "partnerships/organization_form.html", {"form": form})


@agency_view(Capability.EDIT)
def organization_edit(request, agency_slug: str, organization_id):
    organization = get_object_or_404(
        MentalHealthOrganization.objects.all(), public_id=organization_id
    )
    form = OrganizationForm(
        request.POST or None, instance=MentalHealthOrganization.objects.get(pk=organization.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                agency=request.agency,
                actor=request.user,
                organization=organization,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{organization.name} was saved.")
            return redirect("partnership_list", agency_slug=agency_slug)
    context = {"form": form, "organization": organization}
    return render(request, "partnerships/organization_form.html", context)


@agency_view(Capability.EDIT)
def partnership_create(request, agency_slug: str):
    organizations = queries.organizations(request.agency)
    form = PartnershipForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations,
        initial={"organization": request.GET.get("organization")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.partnership_create(
                agency=request.agency,
                actor=request.user,
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                terms=form.terms(),
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{partnership.title} was saved.")
            return _to_detail(partnership)
    context = {
        "form": with_choices_read(form, "organization"),
        "heading": "Add a partnership",
        "has_organizations": organizations.exists(),
    }
    return render(request, "partnerships/partnership_form.html", context)


def _partnership(request, partnership_id) -> Partnership:
    try:
        return queries.partnership(request.agency, partnership_id)
    except Partnership.DoesNotExist:
        raise Http404("No such partnership.") from None


def _to_detail(partnership: Partnership):
    return redirect(
        "partnership_detail",
        agency_slug=partnership.agency.slug,
        partnership_id=partnership.public_id,
    )


@agency_view(Capability.VIEW, methods=("GET",))
def partnership_detail(request, agency_slug: str, partnership_id):
    """The agency's own partnership, or a shared one that names it (read through its part)."""
    try:
        partnership, party = shared_queries.visible_partnership(request.agency, partnership_id)
    except Partnership.DoesNotExist:
        raise Http404("No such partnership.") from None
    today = request.agency.today()
    versions = list(partnership.versions.all())
    context = {
        "partnership": partnership,
        "party": party,
        "parties": list(partnership.parties.all()),
        "is_lead": partnership.agency_id == request.agency.pk,
        "standing": standing(partnership, versions, today, party),
        "versions": versions,
        "draft": next((v for v in versions if v.is_draft), None),
        "today": today,
    }
    return render(request, "partnerships/partnership_detail.html", context)


@agency_view(Capability.EDIT)
def partnership_renew(request, agency_slug: str, partnership_id):
    return _add_version(request, partnership_id, VersionKind.RENEWAL)


@agency_view(Capability.EDIT)
def partnership_amend(request, agency_slug: str, partnership_id):
    return _add_version(request, partnership_id, VersionKind.AMENDMENT)


def _add_version(request, partnership_id, kind: str):
    partnership = _partnership(request, partnership_id)
    versions = list(partnership.versions.all())
    current = version_in_force(versions, request.agency.today()) or (
        versions[0] if versions else None
    )
    initial = VersionForm.initial_from(current, dates=False)
    if kind == VersionKind.AMENDMENT and current:
        initial["expires_on"] = current.expires_on  # an amendment rarely moves the end
    form = VersionForm(
        request.POST or None, request.FILES or None, with_summary=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.version_add(
                agency=request.agency,
                actor=request.user,
                partnership=partnership,
                kind=kind,
                terms=form.terms(),
                summary=form.cleaned_data["summary"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            label = VersionKind(kind).label.lower()
            messages.success(request, f"The {label} of {partnership.title} was saved.")
            return _to_detail(partnership)
    heading = f"{VersionKind(kind).label} of {partnership.title}"
    context = {"form": form, "heading": heading, "partnership": partnership}
    return render(request, "partnerships/partnership_form.html", context)


@agency_view(Capability.EDIT)
def draft_edit(request, agency_slug: str, partnership_id, version_id):
    partnership = _partnership(request, partnership_id)
    version = get_object_or_404(
        PartnershipVersion.objects.select_related("document"),
        partnership=partnership,
        public_id=version_id,
    )
    if not version.is_draft:
        messages.error(request, "This version is signed and can no longer change.")
        return _to_detail(partnership)
    form = VersionForm(
        request.POST or None,
        request.FILES or None,
        with_summary=version.kind != VersionKind.ORIGINAL,
        initial=VersionForm.initial_from(version, dates=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.draft_update(
                agency=request.agency,
                actor=request.user,
                version=version,
                terms=form.terms(),
                summary=form.cleaned_data.get("summary", ""),
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            signed = "signed and saved" if not version.is_draft else "saved as a draft"
            messages.success(request, f"The {version.get_kind_display().lower()} was {signed}.")
            return _to_detail(partnership)
    heading = f"Draft {version.get_kind_display().lower()} of {partnership.title}"
    context = {"form": form, "heading": heading, "partnership": partnership, "version": version}
    return render(request, "partnerships/partnership_form.html", context)


@agency_view(Capability.EDIT)
def partnership_terminate(request, agency_slug: str, partnership_id):
    partnership = _partnership(request, partnership_id)
    form = TerminationForm(request.POST or None, initial={"on": request.agency.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_terminate(
                agency=request.agency,
                actor=request.user,
                partnership=partnership,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{partnership.title} was terminated.")
            return _to_detail(partnership)
    context = {"form": form, "partnership": partnership, "shared": queries.is_shared(partnership)}
    return render(request, "partnerships/terminate.html", context)
