"""Program staff curate the library (/staff/library/): resources and events, created,
changed, published and retired; never deleted, since newsletters and requests cite them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.forms import add_service_error
from agencies.staff import REVIEW, staff_view
from assistance.library import queries, services
from assistance.library.forms import STATUS_FILTER, EventForm, ResourceForm
from assistance.models import Event, Resource
from onemind.forms import with_choices_read
from onemind.lib.paging import page_of

PAGE_SIZE = 50


@staff_view(REVIEW)
@require_GET
def resource_list(request):
    shown = request.GET.get("status", "")
    shown = shown if shown in STATUS_FILTER else ""
    page = page_of(queries.staff_resources(shown), request.GET.get("page"), PAGE_SIZE)
    context = {"page": page, "shown": shown, "query": f"status={shown}" if shown else ""}
    return render(request, "assistance/library/staff/resources.html", context)


@staff_view(REVIEW)
@require_http_methods(["GET", "POST"])
def resource_create(request):
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(title)s is in the library.") % {"title": resource})
            return redirect("staff:library_resources")
    context = {"form": with_choices_read(form, "topics"), "resource": None}
    return render(request, "assistance/library/staff/resource_form.html", context)


@staff_view(REVIEW)
@require_http_methods(["GET", "POST"])
def resource_edit(request, resource_id):
    resource = get_object_or_404(Resource, public_id=resource_id)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(
                resource=resource, actor=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(title)s is saved.") % {"title": resource})
            return redirect("staff:library_resources")
    context = {"form": with_choices_read(form, "topics"), "resource": resource}
    return render(request, "assistance/library/staff/resource_form.html", context)


@staff_view(REVIEW)
@require_GET
def event_list(request):
    page = page_of(queries.staff_events(), request.GET.get("page"), PAGE_SIZE)
    return render(request, "assistance/library/staff/events.html", {"page": page, "query": ""})


@staff_view(REVIEW)
@require_http_methods(["GET", "POST"])
def event_create(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(title)s is on the calendar.") % {"title": event})
            return redirect("staff:library_events")
    context = {"form": form, "event": None}
    return render(request, "assistance/library/staff/event_form.html", context)


@staff_view(REVIEW)
@require_http_methods(["GET", "POST"])
def event_edit(request, event_id):
    event = get_object_or_404(Event, public_id=event_id)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, actor=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(title)s is saved.") % {"title": event})
            return redirect("staff:library_events")
    context = {"form": form, "event": event}
    return render(request, "assistance/library/staff/event_form.html", context)
