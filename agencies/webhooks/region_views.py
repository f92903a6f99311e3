"""A region's webhook endpoints, under /r/<region_slug>/webhooks/: its coordinator adds,
changes and deletes them, sees and rotates their signing secret, sends a test event, and
reads each one's deliveries, sending a failed one again. They receive the events of the
region's member agencies, as each one's sharing allows (`services.emit`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from agencies.forms import add_service_error
from agencies.regions.access import region_view
from agencies.regions.models import RegionCapability
from agencies.webhooks import services
from agencies.webhooks.delivery import MAX_ATTEMPTS
from agencies.webhooks.forms import EndpointForm
from agencies.webhooks.models import DeliveryStatus, RegionWebhookDelivery, RegionWebhookEndpoint
from agencies.webhooks.views import DELIVERIES_PER_PAGE
from onemind.lib.paging import page_of

MANAGE = RegionCapability.MANAGE


@region_view(MANAGE, methods=("GET",))
def endpoint_list(request, region_slug: str):
    endpoints = list(RegionWebhookEndpoint.objects.all())
    failed = dict(
        RegionWebhookDelivery.objects.filter(status=DeliveryStatus.FAILED)
        .values("endpoint")
        .annotate(count=Count("pk"))
        .values_list("endpoint", "count")
    )
    for endpoint in endpoints:
        endpoint.failed_count = failed.get(endpoint.pk, 0)
    context = {"region": request.region, "endpoints": endpoints}
    return render(request, "webhooks/region_list.html", context)


@region_view(MANAGE)
def endpoint_create(request, region_slug: str):
    region = request.region
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.region_endpoint_create(
                region=region, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The endpoint was added. Copy its signing secret into the receiver."),
            )
            return redirect(
                "region_webhook_edit", region_slug=region.slug, endpoint_id=endpoint.public_id
            )
    return render(request, "webhooks/region_form.html", {"region": region, "form": form})


@region_view(MANAGE)
def endpoint_edit(request, region_slug: str, endpoint_id):
    region = request.region
    endpoint = get_object_or_404(RegionWebhookEndpoint.objects, public_id=endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.region_endpoint_update(
                region=region, actor=request.user, endpoint=endpoint, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The endpoint was saved."))
            return redirect("region_webhook_list", region_slug=region.slug)
    context = {"region": region, "form": form, "endpoint": endpoint}
    return render(request, "webhooks/region_form.html", context)


@region_view(MANAGE, methods=("POST",))
def endpoint_delete(request, region_slug: str, endpoint_id):
    endpoint = get_object_or_404(RegionWebhookEndpoint.objects, public_id=endpoint_id)
    services.region_endpoint_delete(region=request.region, actor=request.user, endpoint=endpoint)
    messages.success(
        request,
        _("The endpoint %(url)s was deleted: nothing more is sent to it.") % {"url": endpoint.url},
    )
    return redirect("region_webhook_list", region_slug=request.region.slug)


@region_view(MANAGE, methods=("POST",))
def secret_rotate(request, region_slug: str, endpoint_id):
    endpoint = get_object_or_404(RegionWebhookEndpoint.objects, public_id=endpoint_id)
    services.region_secret_rotate(region=request.region, actor=request.user, endpoint=endpoint)
    messages.success(
        request,
        _(
            "The endpoint has a new signing secret. For the next 24 hours each request is "
            "signed with the new and the previous one: change the receiver within that time."
        ),
    )
    return redirect(
        "region_webhook_edit", region_slug=request.region.slug, endpoint_id=endpoint.public_id
    )


@region_view(MANAGE, methods=("POST",))
def send_test_event(request, region_slug: str, endpoint_id):
    endpoint = get_object_or_404(RegionWebhookEndpoint.objects, public_id=endpoint_id)
    services.region_send_test_event(region=request.region, actor=request.user, endpoint=endpoint)
    messages.success(
        request, _("A test event is on its way; its delivery shows below in a moment.")
    )
    return redirect(
        "region_webhook_deliveries", region_slug=request.region.slug, endpoint_id=endpoint.public_id
    )


@region_view(MANAGE, methods=("GET",))
def delivery_log(request, region_slug: str, endpoint_id):
    endpoint = get_object_or_404(RegionWebhookEndpoint.objects, public_id=endpoint_id)
    deliveries = RegionWebhookDelivery.objects.filter(endpoint=endpoint).order_by(
        "-created_at", "-pk"
    )
    page = page_of(deliveries, request.GET.get("page"), DELIVERIES_PER_PAGE)
    context = {
        "region": request.region,
        "endpoint": endpoint,
        "page": page,
        "max_attempts": MAX_ATTEMPTS,
        "failed": DeliveryStatus.FAILED,
        "delivered": DeliveryStatus.DELIVERED,
    }
    return render(request, "webhooks/region_deliveries.html", context)


@region_view(MANAGE, methods=("POST",))
def delivery_retry(request, region_slug: str, endpoint_id, delivery_id):
    endpoint = get_object_or_404(RegionWebhookEndpoint.objects, public_id=endpoint_id)
    delivery = get_object_or_404(
        RegionWebhookDelivery.objects, endpoint=endpoint, public_id=delivery_id
    )
    try:
        services.region_delivery_retry(region=request.region, actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect(
        "region_webhook_deliveries", region_slug=request.region.slug, endpoint_id=endpoint.public_id
    )
