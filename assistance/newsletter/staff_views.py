"""Program staff's pages of newsletters and spotlights: write an issue, add its items,
preview exactly what will be sent, send it after one confirmation; write spotlights."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from agencies.forms import add_service_error
from agencies.outbox.messages import render_email
from agencies.staff import REVIEW, staff_view
from assistance.models import Newsletter, NewsletterItem, NewsletterStatus, Spotlight
from assistance.newsletter import emails, queries, services
from assistance.newsletter.forms import (
    ItemAddForm,
    NewsletterForm,
    SendForm,
    SpotlightCreateForm,
    SpotlightForm,
)
from assistance.newsletter.sending import KIND
from onemind.forms import with_choices_read


@staff_view(REVIEW)
@require_GET
def newsletter_list(request):
    newsletters = list(Newsletter.objects.order_by("-created_at"))
    return render(request, "assistance/newsletter/staff_list.html", {"newsletters": newsletters})


@staff_view(REVIEW)
def newsletter_create(request):
    form = NewsletterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        newsletter = services.newsletter_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The draft is saved. Add its items, then preview it."))
        return redirect("staff:newsletter_edit", newsletter_id=newsletter.public_id)
    return render(request, "assistance/newsletter/staff_form.html", {"form": form})


@staff_view(REVIEW)
def newsletter_edit(request, newsletter_id):
    """A draft's words and items; a sent issue is shown as it was sent."""
    newsletter = get_object_or_404(Newsletter, public_id=newsletter_id)
    form = NewsletterForm(
        request.POST or None, initial={"subject": newsletter.subject, "intro": newsletter.intro}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.newsletter_update(
                actor=request.user, newsletter=newsletter, **form.cleaned_data
            )
        except services.NotADraft:  # sent while the page was open
            messages.error(request, _("This issue was sent: it cannot change."))
        else:
            messages.success(request, _("The draft is saved."))
        return redirect("staff:newsletter_edit", newsletter_id=newsletter.public_id)
    context = {
        "newsletter": newsletter,
        "form": form,
        "item_form": ItemAddForm(),
        "items": queries.issue_items(newsletter, public=False),
    }
    return render(request, "assistance/newsletter/staff_edit.html", context)


@staff_view(REVIEW)
@require_POST
def newsletter_items(request, newsletter_id):
    """Add, remove or move a draft's items: one form per action, the action in the body."""
    newsletter = get_object_or_404(Newsletter, public_id=newsletter_id)
    try:
        _change_items(request, newsletter)
    except services.NotADraft:  # sent since the page was opened
        messages.error(request, _("This issue was sent: its items cannot change."))
    return redirect("staff:newsletter_edit", newsletter_id=newsletter.public_id)


def _change_items(request, newsletter: Newsletter) -> None:
    action = request.POST.get("action", "add")
    if not newsletter.is_draft:
        raise services.NotADraft(newsletter.public_id)
    if action == "add":
        form = ItemAddForm(request.POST)
        if form.is_valid():
            services.newsletter_item_add(
                actor=request.user, newsletter=newsletter, **form.cleaned_data
            )
            messages.success(request, _("The item is added at the end."))
        else:
            messages.error(request, " ".join(form.non_field_errors()) or _("Choose one item."))
    else:
        try:
            item_id = uuid.UUID(request.POST.get("item", ""))
        except ValueError:
            raise Http404 from None
        item = get_object_or_404(NewsletterItem, newsletter=newsletter, public_id=item_id)
        if action == "remove":
            services.newsletter_item_remove(actor=request.user, newsletter=newsletter, item=item)
            messages.success(request, _("The item is removed."))
        elif action in {"up", "down"}:
            services.newsletter_item_move(
                actor=request.user, newsletter=newsletter, item=item, up=action == "up"
            )


def _as_sent(newsletter: Newsletter, recipient) -> tuple[str, str, str]:
    """(subject, text, HTML) exactly as the outbox renders this issue's letter."""
    context = {
        "recipient": recipient,
        **emails.issue_context(newsletter, recipient, queries.issue_items(newsletter)),
    }
    return render_email(f"emails/{KIND}", context)


@staff_view(REVIEW)
@require_GET
def newsletter_preview(request, newsletter_id):
    newsletter = get_object_or_404(Newsletter, public_id=newsletter_id)
    subject, text, _html = _as_sent(newsletter, request.user)
    context = {
        "newsletter": newsletter,
        "subject": subject,
        "text": text,
        "items": queries.issue_items(newsletter),
    }
    return render(request, "assistance/newsletter/staff_preview.html", context)


# The email itself is styled inline, as email clients need: its page allows inline styles
# (its body is sanitized, and scripts stay refused).
EMAIL_PREVIEW_CSP = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}


@staff_view(REVIEW)
@require_GET
@csp_override(EMAIL_PREVIEW_CSP)
def newsletter_preview_html(request, newsletter_id):
    """The HTML email itself, as the staff member would receive it."""
    newsletter = get_object_or_404(Newsletter, public_id=newsletter_id)
    return HttpResponse(_as_sent(newsletter, request.user)[2])


@staff_view(REVIEW)
def newsletter_send(request, newsletter_id):
    """One confirmation, then the letters are written in the background."""
    newsletter = get_object_or_404(Newsletter, public_id=newsletter_id)
    form = SendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.newsletter_send(actor=request.user, newsletter=newsletter):
            messages.success(request, _("The issue is being sent."))
        else:
            messages.info(request, _("This issue was already sent, or is being sent."))
        return redirect("staff:newsletter_list")
    context = {
        "newsletter": newsletter,
        "form": form,
        "subscribers": queries.subscriber_count(),
        "sending": newsletter.status != NewsletterStatus.DRAFT,
    }
    return render(request, "assistance/newsletter/staff_send.html", context)


@staff_view(REVIEW)
@require_GET
def spotlight_list(request):
    spotlights = Spotlight.all_agencies.select_related("agency").order_by("-updated_at")
    shown = set(queries.public_spotlights().values_list("pk", flat=True))
    context = {"spotlights": [(each, each.pk in shown) for each in spotlights]}
    return render(request, "assistance/newsletter/staff_spotlights.html", context)


@staff_view(REVIEW)
def spotlight_create(request):
    form = SpotlightCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.spotlight_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:  # consent withdrawn since the form was shown, say
            add_service_error(form, error)
        else:
            messages.success(request, _("The spotlight is saved."))
            return redirect("staff:spotlight_list")
    context = {"form": with_choices_read(form, "agency")}
    return render(request, "assistance/newsletter/staff_spotlight_form.html", context)


@staff_view(REVIEW)
def spotlight_edit(request, spotlight_id):
    spotlight = get_object_or_404(
        Spotlight.all_agencies.select_related("agency"), public_id=spotlight_id
    )
    form = SpotlightForm(
        request.POST or None,
        initial={
            "title": spotlight.title,
            "body": spotlight.body,
            "published": spotlight.published,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.spotlight_update(actor=request.user, spotlight=spotlight, **form.cleaned_data)
        messages.success(request, _("The spotlight is saved."))
        return redirect("staff:spotlight_list")
    context = {"form": form, "spotlight": spotlight}
    return render(request, "assistance/newsletter/staff_spotlight_form.html", context)
