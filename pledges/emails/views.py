"""Choosing emails: a member's choice of the agency's emails, one-click unsubscribe (no
sign-in needed: the signed link is the credential), and a staff member's weekly digest."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from agencies.access import agency_view
from agencies.models import Capability
from agencies.staff import REVIEW, staff_view
from pledges.emails import services as email_services
from pledges.emails import subscriptions
from pledges.emails.forms import DigestForm, EmailPreferenceForm
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
        email_services.preference_set(agency=request.agency, user=request.user, **form.cleaned_data)
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
        email_services.unsubscribe(
            user=link.user, agency=link.agency, stream=link.stream, region=link.region
        )
        return render(request, "pledges/unsubscribed.html", {"link": link})
    return render(request, "pledges/unsubscribe.html", {"link": link})


@staff_view(REVIEW)
def digest_preference(request):
    """A staff member's choice of the weekly program digest."""
    saved = StaffEmailPreference.objects.filter(user=request.user).first()
    # Bound on every POST: an unticked box posts nothing at all.
    posted = request.POST if request.method == "POST" else None
    form = DigestForm(posted, initial={"weekly_digest": saved.weekly_digest if saved else True})
    if posted is not None and form.is_valid():
        email_services.digest_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your digest choice was saved."))
        return redirect("staff:digest_preference")
    return render(request, "staff/digest.html", {"form": form})
