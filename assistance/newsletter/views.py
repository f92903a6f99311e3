"""Public pages of newsletters and spotlights (the archive of sent issues, the spotlights
that may be shown), a person's choice of the newsletter, its one-click unsubscribe, and an
agency's consent to be featured."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import agency_view
from agencies.models import Capability
from assistance.newsletter import emails, queries, services
from assistance.newsletter.forms import ConsentForm, SubscriptionForm


@require_GET
def newsletter_archive(request):
    """Every issue sent, newest first."""
    return render(
        request,
        "assistance/newsletter/archive.html",
        {"newsletters": list(queries.sent_newsletters())},
    )


@require_GET
def newsletter_issue(request, newsletter_id):
    newsletter = queries.sent_newsletter(newsletter_id)
    context = {"newsletter": newsletter, "items": queries.issue_items(newsletter)}
    return render(request, "assistance/newsletter/issue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_subscription(request):
    """A person's own choice of the newsletter, off until they turn it on."""
    # Bound on every POST: an unticked box posts nothing at all.
    posted = request.POST if request.method == "POST" else None
    form = SubscriptionForm(posted, initial={"subscribed": queries.is_subscribed(request.user)})
    if posted is not None and form.is_valid():
        services.newsletter_subscription_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your newsletter choice is saved."))
        return redirect("newsletter_subscription")
    return render(request, "assistance/newsletter/subscription.html", {"form": form})


# Mail providers post here without cookies or a CSRF token (RFC 8058 one-click); the signed
# token in the URL is what authorises the change, and it can only turn the newsletter off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, token: str):
    user = emails.read_unsubscribe_token(token)
    if user is None:
        return render(request, "assistance/newsletter/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        services.newsletter_subscription_set(user=user, subscribed=False, via="the email's link")
        return render(request, "assistance/newsletter/unsubscribed.html", {"person": user})
    return render(request, "assistance/newsletter/unsubscribe.html", {"person": user})


@require_GET
def spotlight_list(request):
    spotlights = list(queries.public_spotlights())
    return render(request, "assistance/newsletter/spotlights.html", {"spotlights": spotlights})


@require_GET
def spotlight_detail(request, spotlight_id):
    spotlight = queries.public_spotlight(spotlight_id)
    return render(request, "assistance/newsletter/spotlight.html", {"spotlight": spotlight})


# Members see whether their agency agreed to be featured; only its coordinators decide.
@agency_view(Capability.VIEW, methods=("GET",))
def spotlight_consent(request, agency_slug: str):
    consent = queries.spotlight_consent(request.agency)
    context = {
        "form": ConsentForm(initial={"consented": bool(consent and consent.consented)}),
        "consent": consent,
        "may_decide": request.membership.can(Capability.MANAGE),
        "certified": queries.is_certified(request.agency),
    }
    return render(request, "assistance/newsletter/consent.html", context)


@agency_view(Capability.MANAGE, methods=("POST",))
def spotlight_consent_set(request, agency_slug: str):
    # An unticked box posts nothing at all: the form is bound on every POST.
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.spotlight_consent_set(
            actor=request.user, agency=request.agency, **form.cleaned_data
        )
        messages.success(request, _("Your agency's choice is saved."))
    return redirect("spotlight_consent", agency_slug=agency_slug)
