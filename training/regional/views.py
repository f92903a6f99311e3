"""Regional class pages: the region's (/r/<region_slug>/classes/…), where its coordinators
record a class and the team follows it; and the agency's (/a/<agency_slug>/people/pending/…),
where it decides on the attendees it could not match."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies import documents
from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from agencies.regions.access import region_view
from agencies.regions.models import RegionCapability
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
    context = {"region": request.region, "classes": queries.region_classes(request.region)}
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
    """Record a class: the course, day and instructor, the attendance sheet, and the
    attendees (rows on the page and/or an uploaded list). All or nothing."""
    region = request.region
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
            return redirect(
                "regional_class_detail", region_slug=region.slug, class_id=regional_class.public_id
            )
    context = {
        "region": region,
        "form": form,
        "rows": rows,
        "members": member_list,
        "more_rows": min(len(rows.forms) + ATTENDEE_ROWS, MAX_ATTENDEE_FORM_ROWS),
    }
    return render(request, "training/regional/class_form.html", context)


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


# The agency's pages


@agency_view(Capability.EDIT, methods=("GET",))
def pending_attendee_list(request, agency_slug: str):
    context = {
        "agency": request.agency,
        "attendees": queries.pending_attendees(request.agency),
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
