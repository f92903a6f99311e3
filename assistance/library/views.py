"""The public library, no sign-in: resources with search and filters, a resource's page and
file, and the events with their iCalendar feed. Only published items are shown."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agencies.documents import serve_file
from assistance.library import calendar, queries
from assistance.library.forms import LibraryFilterForm
from onemind.lib.paging import page_of

PAGE_SIZE = 20
UPCOMING_IN_PANEL = 3
FILTERS = ["q", "kind", "topic", "requirement", "audience"]


@require_GET
def library(request):
    topics = list(queries.topics_in_use())
    form = LibraryFilterForm(request.GET, topics=topics)
    form.is_valid()  # a value not offered is pointed out and left out of the search
    asked = {name: form.cleaned_data.get(name) or "" for name in FILTERS}
    filters = queries.LibraryFilters(
        text=asked["q"],
        kind=asked["kind"],
        topic=asked["topic"],
        requirement=asked["requirement"],
        audience=asked["audience"],
    )
    page = page_of(queries.library_resources(filters), request.GET.get("page"), PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "filtered": any(asked.values()),
        "query": urlencode({name: value for name, value in asked.items() if value}),
        "events": list(queries.upcoming_events(timezone.now(), UPCOMING_IN_PANEL)),
    }
    return render(request, "assistance/library/library.html", context)


@require_GET
def library_resource(request, resource_id):
    resource = queries.public_resource(resource_id)
    if resource is None:
        raise Http404(_("No such resource."))
    return render(request, "assistance/library/resource.html", {"resource": resource})


@require_GET
def library_resource_file(request, resource_id):
    resource = queries.public_resource(resource_id)
    if resource is None or not resource.file:
        raise Http404(_("No such file."))
    return serve_file(resource.file, resource.filename, resource.content_type)


@require_GET
def event_list(request):
    now = timezone.now()
    context = {
        "upcoming": list(queries.upcoming_events(now)),
        "past": list(queries.past_events(now)[:PAGE_SIZE]),
    }
    return render(request, "assistance/library/events.html", context)


@require_GET
def event_detail(request, event_id):
    event = queries.public_event(event_id)
    if event is None:
        raise Http404(_("No such event."))
    context = {"event": event, "over": event.ends_at <= timezone.now()}
    return render(request, "assistance/library/event.html", context)


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def events_feed(request):
    """Every upcoming event, and those of the last months, for calendars to subscribe to."""
    now = timezone.now()
    events = [*queries.upcoming_events(now), *queries.past_events(now)[:PAGE_SIZE]]
    content = calendar.calendar_of(events, name=_("One Mind Campaign events"))
    return _calendar_response(content, "one-mind-events.ics")


@require_GET
def event_ics(request, event_id):
    event = queries.public_event(event_id)
    if event is None:
        raise Http404(_("No such event."))
    content = calendar.calendar_of([event], name=event.title)
    return _calendar_response(content, f"event-{event.public_id}.ics")
