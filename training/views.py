"""Roster, person, training record, class and course pages of one agency."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from onemind.forms import with_choices_read
from onemind.lib.links import link_for_each
from training import queries, services
from training.exports import roster_export
from training.forms import (
    ClassForm,
    CourseProposalForm,
    EvidenceForm,
    PersonForm,
    RecordForm,
    StatusForm,
)
from training.models import Category, LeftOut, Person, Status, TrainingRecord
from training.regional import queries as regional_queries

ROSTER_PAGE_SIZE = 50


def _roster_filters(request) -> queries.RosterFilters:
    get = request.GET
    return queries.RosterFilters(
        search=get.get("q", "").strip(),
        category=get.get("category", "") if get.get("category") in Category.values else "",
        status=get.get("status", "") if get.get("status") in Status.values else "",
        scope=get.get("scope", "") if get.get("scope") in {"in", "out"} else "",
        training=get.get("training", "") if get.get("training") in queries.TRAINING_FILTERS else "",
        left_out=get.get("left_out", "") if get.get("left_out") in LeftOut.values else "",
        sort=get.get("sort", "name") if get.get("sort") in queries.SORTS else "name",
    )


@agency_view(Capability.VIEW, methods=("GET",))
def roster(request, agency_slug: str):
    filters = _roster_filters(request)
    page = queries.roster_page(
        request.agency, filters, request.agency.today(), request.GET.get("page"), ROSTER_PAGE_SIZE
    )
    page.object_list = queries.roster_rows(
        page.object_list,
        link_for_each("person_detail", "person_id", agency_slug=request.agency.slug),
    )
    query = request.GET.copy()
    query.pop("page", None)
    sortless = query.copy()
    sortless.pop("sort", None)
    context = {
        "agency": request.agency,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "sortless_query": sortless.urlencode(),
        "categories": Category.choices,
        "statuses": Status.choices,
        # Nobody at all, not merely nobody matching: the page offers an import instead.
        "roster_empty": not page.paginator.count and not Person.objects.exists(),
        "left_out_reasons": LeftOut.choices,
        # Attendees of regional classes the roster could not match, for those who decide.
        "pending_attendees": (
            regional_queries.pending_count(request.agency)
            if request.membership.can(Capability.EDIT)
            else 0
        ),
    }
    return render(request, "training/roster.html", context)


@agency_view(Capability.VIEW, methods=("GET",))
def roster_csv(request, agency_slug: str):
    return _export(request, "csv")


@agency_view(Capability.VIEW, methods=("GET",))
def roster_xlsx(request, agency_slug: str):
    return _export(request, "xlsx")


def _export(request, file_format: str) -> HttpResponse:
    people = queries.roster(request.agency, _roster_filters(request), request.agency.today())
    content, content_type = roster_export(people, file_format, sheet_title=request.agency.name)
    response = HttpResponse(content, content_type=content_type)
    filename = f"{request.agency.slug}-roster-{request.agency.today():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@agency_view(Capability.EDIT)
def person_create(request, agency_slug: str):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                agency=request.agency, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{person.full_name} was added to the roster.")
            return redirect("person_detail", agency_slug=agency_slug, person_id=person.public_id)
    return render(request, "training/person_form.html", {"form": form, "person": None})


def _person(person_id) -> Person:
    return get_object_or_404(Person.objects.select_related("agency"), public_id=person_id)


@agency_view(Capability.VIEW, methods=("GET",))
def person_detail(request, agency_slug: str, person_id):
    person = _person(person_id)
    records = list(queries.person_history(person))
    context = {
        "agency": request.agency,
        "person": person,
        "records": records,
        "next_refresher": queries.next_refresher(records),
        "imports": list(queries.person_imports(person)),
        "today": request.agency.today(),
    }
    return render(request, "training/person_detail.html", context)


@agency_view(Capability.EDIT)
def person_edit(request, agency_slug: str, person_id):
    person = _person(person_id)
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                agency=request.agency, actor=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{person.full_name}'s details were saved.")
            return redirect("person_detail", agency_slug=agency_slug, person_id=person.public_id)
    return render(request, "training/person_form.html", {"form": form, "person": person})


@agency_view(Capability.EDIT)
def person_status(request, agency_slug: str, person_id):
    person = _person(person_id)
    form = StatusForm(request.POST or None, initial={"status": person.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_change_status(
                agency=request.agency, actor=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"{person.full_name} is now {person.get_status_display().lower()}."
            )
            return redirect("person_detail", agency_slug=agency_slug, person_id=person.public_id)
    return render(request, "training/person_status.html", {"form": form, "person": person})


@agency_view(Capability.EDIT)
def record_create(request, agency_slug: str, person_id):
    person = _person(person_id)
    courses = queries.recordable_courses(request.agency)
    form = RecordForm(request.POST or None, request.FILES or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_add(
                agency=request.agency, actor=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Training recorded for {person.full_name}.")
            return redirect("person_detail", agency_slug=agency_slug, person_id=person.public_id)
    context = {"form": with_choices_read(form, "course"), "person": person}
    return render(request, "training/record_form.html", context)


@agency_view(Capability.EDIT)
def record_evidence(request, agency_slug: str, person_id, record_id):
    """Attach the certificate to a record entered or imported without it."""
    person = _person(person_id)
    record = get_object_or_404(
        TrainingRecord.objects.select_related("course", "evidence"),
        person=person,
        public_id=record_id,
    )
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.record_attach_evidence(
            agency=request.agency, actor=request.user, record=record, **form.cleaned_data
        )
        messages.success(request, f"The certificate was attached to {record.course.name}.")
        return redirect("person_detail", agency_slug=agency_slug, person_id=person.public_id)
    context = {"agency": request.agency, "form": form, "person": person, "record": record}
    return render(request, "training/record_evidence.html", context)


@agency_view(Capability.EDIT)
def class_create(request, agency_slug: str):
    """Record a class: course and date, tick the attendees, submit once.

    A small roster is listed whole to tick from; a large one is searched (and employee IDs
    pasted from the sign-in sheet), so the page stays small however big the agency.
    """
    active = Person.objects.filter(status=Status.ACTIVE).order_by("last_name", "first_name")
    form = ClassForm(
        request.POST or None,
        request.FILES or None,
        courses=queries.recordable_courses(request.agency),
        people=active,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.class_record(
                agency=request.agency,
                actor=request.user,
                course=data["course"],
                completed_on=data["completed_on"],
                hours=data["hours"],
                people=data["people"],
                sign_in_sheet=data["sign_in_sheet"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return render(request, "training/class_result.html", {"result": result, **data})
    find = request.GET.get("find", "").strip()[:100]
    # Ticked before the form came back with an error; only well-formed ids are looked up.
    ticked = {str(pk) for pk in (form["attendees"].value() or []) if str(pk).isdigit()}
    context = {
        "form": with_choices_read(form, "course"),
        "ticked": ticked,
        "find": find,
        "find_limit": queries.CLASS_FIND_LIMIT,
        **queries.class_attendees(active, find, ticked),
    }
    return render(request, "training/class_form.html", context)


@agency_view(Capability.VIEW, methods=("GET",))
def course_list(request, agency_slug: str):
    context = {"courses": list(queries.catalogue(request.agency))}
    return render(request, "training/courses.html", context)


@agency_view(Capability.EDIT)
def course_propose(request, agency_slug: str):
    form = CourseProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_propose(
                agency=request.agency, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"{course.name} was sent for program approval. Until it is approved, its "
                "records are kept but do not count toward the pledge.",
            )
            return redirect("course_list", agency_slug=agency_slug)
    return render(request, "training/course_propose.html", {"form": form})
