"""Email pages: a member's choice of the agency's emails, one-click unsubscribe (no sign-in
needed: the signed link is the credential), and the outbox for program staff."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from agencies.access import agency_view
from agencies.models import Capability, OutboxEmail, OutboxStatus
from agencies.outbox import kinds, services
from agencies.staff import REVIEW, is_program_staff, staff_view
from pledges import subscriptions
from pledges.forms import DigestForm, EmailPreferenceForm
from pledges.models import StaffEmailPreference


# Every member chooses their own emails, viewers included: the change is to their own
# preference, never to the agency's data.
@agency_view(Capability.VIEW)
def email_preferences(request, agency_slug: str):
    current = subscriptions.preference_of(request.membership)
    form = EmailPreferenceForm(
        request.POST or None,
        initial={"progress_report": current.progress_report, "reminders": current.reminders},
    )
    if request.method == "POST" and form.is_valid():
        subscriptions.preference_set(agency=request.agency, user=request.user, **form.cleaned_data)
        messages.success(request, "Your email choices were saved.")
        return redirect("email_preferences", agency_slug=agency_slug)
    return render(request, "pledges/email_preferences.html", {"form": form})


# Mail providers post here without cookies or a CSRF token (RFC 8058 one-click); the signed
# token in the URL is what authorises the change, and it can only turn emails off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request, token: str):
    link = subscriptions.read_unsubscribe_token(token)
    if link is None:
        return render(request, "pledges/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        subscriptions.unsubscribe(user=link.user, agency=link.agency, stream=link.stream)
        return render(request, "pledges/unsubscribed.html", {"link": link})
    return render(request, "pledges/unsubscribe.html", {"link": link})


@staff_view(REVIEW)
def outbox_list(request):
    """What the outbox holds: failed emails with their error first, then the latest."""
    status = request.GET.get("status", "")
    rows = OutboxEmail.objects.select_related("agency", "recipient").order_by("-created_at")
    if status in OutboxStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    saved = StaffEmailPreference.objects.filter(user=request.user).first()
    digest = DigestForm(initial={"weekly_digest": saved.weekly_digest if saved else True})
    context = {
        "page": page,
        "emails": [(email, kinds.label(email.kind)) for email in page],
        "status": status,
        "query": urlencode({"status": status}) if status else "",
        "statuses": OutboxStatus.choices,
        "failed_count": OutboxEmail.objects.filter(status=OutboxStatus.FAILED).count(),
        "digest_form": digest,
    }
    return render(request, "staff/outbox.html", context)


@staff_view(REVIEW)
@require_POST
def outbox_retry(request, email_id):
    email = get_object_or_404(OutboxEmail, public_id=email_id, status=OutboxStatus.FAILED)
    services.outbox_retry(actor=request.user, email=email)
    messages.success(request, f"The email to {email.address} will be sent again.")
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


@staff_view(REVIEW)
@require_POST
def digest_preference(request):
    form = DigestForm(request.POST)
    if form.is_valid() and is_program_staff(request.user):
        subscriptions.digest_set(user=request.user, **form.cleaned_data)
        messages.success(request, "Your digest choice was saved.")
    return redirect("staff:outbox")
