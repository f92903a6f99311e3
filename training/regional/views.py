"""Regional class pages: the region's (/r/<region_slug>/classes/…), where its coordinators
record a class and the team follows it; and the agency's (/a/<agency_slug>/people/pending/…),
where it decides on the attendees it could not match."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies import documents
from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Agency, Capability, MemberAgency, MemberAgencyStatus, Region
from agencies.regions.access import region_view
from agencies.regions.models import RegionCapability
from onemind.forms import rows_with_choices_read, with_choices_read
from training.models import Person
from training.regional import queries, services
from training.regional.forms import (
    ATTENDEE_ROWS,
    MAX_ATTENDEE_FORM_ROWS,
    AttendeeDecisionForm,
    AttendeeRows,
    RegionalClassForm,
)
from training.regional.models import AttendeeStatus, ClassAttendee, RegionalClass

# The region's pages


@region_view(RegionCapability.VIEW, methods=("GET",))
def regional_class_list(request, region_slug: str):
    context = {"region": request.region, "classes": list(queries.region_classes(request.region))}
    return render(request, "training/regional/class_list.html", context)


def _rows_wanted(request) -> int:
    """How many attendee rows the page offers: more when asked ("More rows")."""
    try:
        wanted = int(request.GET.get("rows", ATTENDEE_ROWS))
    except ValueError:
        wanted = ATTENDEE_ROWS
    return min(max(wanted, 1), MAX_ATTENDEE_FORM_ROWS)


@region_view(RegionCapability.MANAGE)
def regional_class_create(request, region_slug: str):
    """Record a class for the region (its coordinators)."""
    return _record_class(request, request.region, host_agency=None)


def _record_class(request, region: Region, *, host_agency: Agency | None):
    """The recording page, for the region or for a member agency hosting the class: the
    course, day and instructor, the attendance sheet, and the attendees (rows on the page
    and/or an uploaded list). All or nothing."""
    members = queries.member_agency_choices(region)
    member_list = list(members)
    form = RegionalClassForm(
        request.POST or None,
        request.FILES or None,
        courses=queries.regional_courses(),
        members=member_list,
    )
    rows = AttendeeRows(
        request.POST or None,
        prefix="attendee",
        form_kwargs={"members": members},
        initial=[{}] * _rows_wanted(request) if request.method == "GET" else None,
    )
    # Both checked, so that every mistake on the page is shown at once.
    if request.method == "POST" and all([form.is_valid(), rows.is_valid()]):
        data = form.cleaned_data
        attendees = [a for a in (row.attendee() for row in rows) if a is not None]
        attendees += data["attendee_list"].attendees
        try:
            regional_class = services.regional_class_record(
                region=region,
                actor=request.user,
                course=data["course"],
                completed_on=data["completed_on"],
                instructor=data["instructor"],
                hours=data["hours"],
                sheet=data["attendance_sheet"],
                attendees=attendees,
                host_agency=host_agency,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The class was recorded and sent to %(count)d attendee's agency.",
                    "The class was recorded and sent to the agencies of its %(count)d attendees.",
                    len(attendees),
                )
                % {"count": len(attendees)},
            )
            return redirect(_class_url(regional_class, host_agency))
    context = {
        "region": region,
        "host_agency": host_agency,
        "form": with_choices_read(form, "course"),
        "rows": rows_with_choices_read(rows, "agency"),
        "members": member_list,
        "more_rows": min(len(rows.forms) + ATTENDEE_ROWS, MAX_ATTENDEE_FORM_ROWS),
    }
    return render(request, "training/regional/class_form.html", context)


def _class_url(regional_class: RegionalClass, host_agency: Agency | None) -> str:
    if host_agency is None:
        return reverse(
            "regional_class_detail",
            kwargs={
                "region_slug": regional_class.region.slug,
                "class_id": regional_class.public_id,
            },
        )
    return reverse(
        "hosted_class_detail",
        kwargs={
            "agency_slug": host_agency.slug,
            "region_id": regional_class.region.public_id,
            "class_id": regional_class.public_id,
        },
    )


def _regional_class(class_id) -> RegionalClass:
    """One of the region's classes (the region scope hides the others)."""
    return get_object_or_404(
        RegionalClass.objects.select_related("course", "host_agency", "recorded_by"),
        public_id=class_id,
    )


@region_view(RegionCapability.VIEW, methods=("GET",))
def regional_class_detail(request, region_slug: str, class_id):
    regional_class = _regional_class(class_id)
    context = {
        "region": request.region,
        "regional_class": regional_class,
        "parties": queries.class_parties(regional_class),
    }
    return render(request, "training/regional/class_detail.html", context)


@region_view(RegionCapability.VIEW, methods=("GET",))
def regional_class_sheet(request, region_slug: str, class_id):
    regional_class = _regional_class(class_id)
    return documents.serve_file(
        regional_class.sheet, regional_class.sheet_filename, regional_class.sheet_content_type
    )


# A member agency's pages: the classes it hosts for its regions


def _region_of_member(region_id) -> Region:
    """A region the agency (in scope) is a member of now; any other, 404."""
    standing = get_object_or_404(
        MemberAgency.of_agency.select_related("region"),
        status=MemberAgencyStatus.MEMBER,
        region__public_id=region_id,
    )
    return standing.region


@agency_view(Capability.VIEW, methods=("GET",))
def hosted_class_list(request, agency_slug: str):
    """The regions the agency is a member of, to host a class for, and the classes it hosted."""
    context = {
        "agency": request.agency,
        "regions": list(queries.regions_to_host_for(request.agency)),
        "classes": list(queries.hosted_classes(request.agency)),
    }
    return render(request, "training/regional/hosted_list.html", context)


@agency_view(Capability.EDIT)
def hosted_class_create(request, agency_slug: str, region_id):
    """Record a class the agency hosts on its region's behalf."""
    return _record_class(request, _region_of_member(region_id), host_agency=request.agency)


@agency_view(Capability.VIEW, methods=("GET",))
def hosted_class_detail(request, agency_slug: str, region_id, class_id):
    """A class the agency hosted: its own attendees in full, the other agencies' as far as
    each shares its roster with the region."""
    regional_class = get_object_or_404(
        RegionalClass.all_regions.select_related("course", "host_agency", "recorded_by", "region"),
        region__public_id=region_id,
        host_agency=request.agency,
        public_id=class_id,
    )
    context = {
        "region": regional_class.region,
        "host_agency": request.agency,
        "regional_class": regional_class,
        "parties": queries.class_parties(regional_class, own_agency=request.agency),
    }
    return render(request, "training/regional/class_detail.html", context)


@agency_view(Capability.VIEW, methods=("GET",))
def hosted_class_sheet(request, agency_slug: str, region_id, class_id):
    regional_class = get_object_or_404(
        RegionalClass.all_regions,
        region__public_id=region_id,
        host_agency=request.agency,
        public_id=class_id,
    )
    return documents.serve_file(
        regional_class.sheet, regional_class.sheet_filename, regional_class.sheet_content_type
    )


# The agency's attendees waiting for its decision


@agency_view(Capability.EDIT, methods=("GET",))
def pending_attendee_list(request, agency_slug: str):
    context = {
        "agency": request.agency,
        "attendees": list(queries.pending_attendees(request.agency)),
    }
    return render(request, "training/regional/pending_list.html", context)


@agency_view(Capability.EDIT)
def pending_attendee(request, agency_slug: str, attendee_id):
    """Decide on one attendee the agency could not match: confirm them as a person on the
    roster (found by name or employee ID), or reject them."""
    attendee = get_object_or_404(
        ClassAttendee.objects.select_related(
            "regional_class__course", "regional_class__region", "evidence"
        ),
        public_id=attendee_id,
    )
    if attendee.status != AttendeeStatus.PENDING:
        messages.info(request, _("This attendee was decided on already."))
        return redirect("pending_attendee_list", agency_slug=agency_slug)
    form = AttendeeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _decide(request, attendee, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("pending_attendee_list", agency_slug=agency_slug)
    find = request.GET.get("find", "").strip()[:100]
    context = {
        "agency": request.agency,
        "attendee": attendee,
        "form": form,
        "find": find,
        "candidates": queries.attendee_candidates(attendee, find),
    }
    return render(request, "training/regional/pending_decide.html", context)


def _decide(request, attendee: ClassAttendee, data: dict) -> None:
    if data["decision"] == "reject":
        services.attendee_reject(agency=request.agency, actor=request.user, attendee=attendee)
        messages.success(
            request,
            _("%(name)s was rejected: no record was written.") % {"name": attendee.full_name},
        )
        return
    person = Person.objects.filter(public_id=data["person"]).first()
    if person is None:
        raise ValidationError({"person": _("Choose the person on the roster who attended.")})
    services.attendee_confirm(
        agency=request.agency, actor=request.user, attendee=attendee, person=person
    )
    messages.success(
        request,
        _("%(name)s was confirmed as %(person)s, and the class recorded for them.")
        % {"name": attendee.full_name, "person": person.full_name},
    )
