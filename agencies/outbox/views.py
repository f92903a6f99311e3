"""The outbox for program staff: what it holds (failed emails with their error first), and
sending a failed email again."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from agencies.models import OutboxEmail, OutboxStatus
from agencies.outbox import kinds, services
from agencies.staff import REVIEW, staff_view
from onemind.lib.paging import page_of


@staff_view(REVIEW)
@require_GET
def outbox_list(request):
    """What the outbox holds: failed emails with their error first, then the latest."""
    status = request.GET.get("status", "")
    rows = OutboxEmail.objects.select_related("agency", "recipient").order_by("-created_at")
    if status in OutboxStatus.values:
        rows = rows.filter(status=status)
    page = page_of(rows, request.GET.get("page"), 50)
    context = {
        "page": page,
        "emails": [(email, kinds.label(email.kind)) for email in page],
        "status": status,
        "query": urlencode({"status": status}) if status else "",
        "statuses": OutboxStatus.choices,
        "failed_count": OutboxEmail.objects.filter(status=OutboxStatus.FAILED).count(),
    }
    return render(request, "staff/outbox.html", context)


@staff_view(REVIEW)
@require_POST
def outbox_retry(request, email_id):
    email = get_object_or_404(OutboxEmail, public_id=email_id, status=OutboxStatus.FAILED)
    services.outbox_retry(actor=request.user, email=email)
    messages.success(
        request, _("The email to %(address)s will be sent again.") % {"address": email.address}
    )
    return redirect("staff:outbox")


@staff_view(REVIEW)
@require_POST
def outbox_retry_failed(request):
    count = services.outbox_retry_failed(actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d failed email will be sent again.",
            "%(count)d failed emails will be sent again.",
            count,
        )
        % {"count": count},
    )
    return redirect("staff:outbox")
