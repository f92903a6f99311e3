"""The agency's webhook endpoints, under /a/<agency_slug>/webhooks/: its coordinator adds,
changes and deletes them, sees and rotates their signing secret, sends a test event, and
reads each one's deliveries, sending a failed one again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from agencies.webhooks import services
from agencies.webhooks.delivery import MAX_ATTEMPTS
from agencies.webhooks.forms import EndpointForm
from agencies.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from onemind.lib.paging import page_of

DELIVERIES_PER_PAGE = 25


@agency_view(Capability.MANAGE, methods=("GET",))
def endpoint_list(request, agency_slug: str):
    endpoints = list(WebhookEndpoint.objects.all())
    failed = dict(
        WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED)
        .values("endpoint")
        .annotate(count=Count("pk"))
        .values_list("endpoint", "count")
    )
    for endpoint in endpoints:
        endpoint.failed_count = failed.get(endpoint.pk, 0)
    return render(request, "webhooks/list.html", {"agency": request.agency, "endpoints": endpoints})


@agency_view(Capability.MANAGE)
def endpoint_create(request, agency_slug: str):
    agency = request.agency
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                agency=agency, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The endpoint was added. Copy its signing secret into the receiver."),
            )
            return redirect("webhook_edit", agency_slug=agency.slug, endpoint_id=endpoint.public_id)
    return render(request, "webhooks/form.html", {"agency": agency, "form": form})


@agency_view(Capability.MANAGE)
def endpoint_edit(request, agency_slug: str, endpoint_id):
    agency = request.agency
    endpoint = get_object_or_404(WebhookEndpoint.objects, public_id=endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(
                agency=agency, actor=request.user, endpoint=endpoint, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The endpoint was saved."))
            return redirect("webhook_list", agency_slug=agency.slug)
    context = {"agency": agency, "form": form, "endpoint": endpoint}
    return render(request, "webhooks/form.html", context)


@agency_view(Capability.MANAGE, methods=("POST",))
def endpoint_delete(request, agency_slug: str, endpoint_id):
    endpoint = get_object_or_404(WebhookEndpoint.objects, public_id=endpoint_id)
    services.endpoint_delete(agency=request.agency, actor=request.user, endpoint=endpoint)
    messages.success(
        request,
        _("The endpoint %(url)s was deleted: nothing more is sent to it.") % {"url": endpoint.url},
    )
    return redirect("webhook_list", agency_slug=request.agency.slug)


@agency_view(Capability.MANAGE, methods=("POST",))
def secret_rotate(request, agency_slug: str, endpoint_id):
    endpoint = get_object_or_404(WebhookEndpoint.objects, public_id=endpoint_id)
    services.secret_rotate(agency=request.agency, actor=request.user, endpoint=endpoint)
    messages.success(
        request,
        _(
            "The endpoint has a new signing secret. For the next 24 hours each request is "
            "signed with the new and the previous one: change the receiver within that time."
        ),
    )
    return redirect("webhook_edit", agency_slug=request.agency.slug, endpoint_id=endpoint.public_id)


@agency_view(Capability.MANAGE, methods=("POST",))
def send_test_event(request, agency_slug: str, endpoint_id):
    endpoint = get_object_or_404(WebhookEndpoint.objects, public_id=endpoint_id)
    services.send_test_event(agency=request.agency, actor=request.user, endpoint=endpoint)
    messages.success(
        request, _("A test event is on its way; its delivery shows below in a moment.")
    )
    return redirect(
        "webhook_deliveries", agency_slug=request.agency.slug, endpoint_id=endpoint.public_id
    )


@agency_view(Capability.MANAGE, methods=("GET",))
def delivery_log(request, agency_slug: str, endpoint_id):
    endpoint = get_object_or_404(WebhookEndpoint.objects, public_id=endpoint_id)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")
    page = page_of(deliveries, request.GET.get("page"), DELIVERIES_PER_PAGE)
    context = {
        "agency": request.agency,
        "endpoint": endpoint,
        "page": page,
        "max_attempts": MAX_ATTEMPTS,
        "failed": DeliveryStatus.FAILED,
        "delivered": DeliveryStatus.DELIVERED,
    }
    return render(request, "webhooks/deliveries.html", context)


@agency_view(Capability.MANAGE, methods=("POST",))
def delivery_retry(request, agency_slug: str, endpoint_id, delivery_id):
    endpoint = get_object_or_404(WebhookEndpoint.objects, public_id=endpoint_id)
    delivery = get_object_or_404(WebhookDelivery.objects, endpoint=endpoint, public_id=delivery_id)
    try:
        services.delivery_retry(agency=request.agency, actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect(
        "webhook_deliveries", agency_slug=request.agency.slug, endpoint_id=endpoint.public_id
    )
