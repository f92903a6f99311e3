"""An agency's technical-assistance requests, under /a/<agency_slug>/assistance/: the list,
a new request, and each request's thread. Another agency's request is a 404 (the tenant
manager never finds it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from agencies import documents
from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from assistance.models import AssistanceRequest, Outcome, Side
from assistance.requests import queries, services
from assistance.requests.forms import CloseForm, MessageForm, RequestForm

# What an agency may close its own request with.
AGENCY_OUTCOMES = (Outcome.RESOLVED, Outcome.WITHDRAWN)


def _request_of(request, request_id) -> AssistanceRequest:
    return get_object_or_404(
        AssistanceRequest.objects.select_related("expert__user"), public_id=request_id
    )


@agency_view(Capability.VIEW, methods=("GET",))
def request_list(request, agency_slug: str):
    rows = list(queries.agency_requests(request.agency))
    return render(request, "assistance/requests/list.html", {"rows": rows})


@agency_view(Capability.MANAGE)
def request_create(request, agency_slug: str):
    # The dashboard's "ask the program for help" link names the requirement it sits beside.
    initial = {"requirement": request.GET.get("requirement", "")}
    form = RequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = services.request_open(
                agency=request.agency,
                actor=request.user,
                requirement=data["requirement"],
                subject=data["subject"],
                tried=data["tried"],
                token=data["token"],
                attachments=[data["attachment"]] if data["attachment"] else [],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your request was sent to the program."))
            return redirect(
                "assistance_request_detail", agency_slug=agency_slug, request_id=opened.public_id
            )
    return render(request, "assistance/requests/create.html", {"form": form})


def _detail(request, ta: AssistanceRequest, form=None, status: int = 200):
    can_edit = request.membership.can(Capability.EDIT)
    context = {
        "ta": ta,
        "thread": queries.thread(ta),
        "form": form or (MessageForm() if can_edit and ta.is_open else None),
        "can_close": request.membership.can(Capability.MANAGE) and ta.is_open,
    }
    return render(request, "assistance/requests/detail.html", context, status=status)


@agency_view(Capability.VIEW, methods=("GET",))
def request_detail(request, agency_slug: str, request_id):
    return _detail(request, _request_of(request, request_id))


@agency_view(Capability.EDIT, methods=("POST",))
def request_reply(request, agency_slug: str, request_id):
    ta = _request_of(request, request_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.message_post(
                request=ta,
                actor=request.user,
                side=Side.AGENCY,
                body=data["body"],
                token=data["token"],
                attachments=[data["attachment"]] if data["attachment"] else [],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect(
                "assistance_request_detail", agency_slug=agency_slug, request_id=ta.public_id
            )
    return _detail(request, ta, form, status=400)


@agency_view(Capability.MANAGE)
def request_close(request, agency_slug: str, request_id):
    ta = _request_of(request, request_id)
    form = CloseForm(request.POST or None, outcomes=AGENCY_OUTCOMES)
    if request.method == "POST" and ta.is_open and form.is_valid():
        try:
            services.request_close(request=ta, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The request is closed."))
            return redirect(
                "assistance_request_detail", agency_slug=agency_slug, request_id=ta.public_id
            )
    back_url = reverse(
        "assistance_request_detail", kwargs={"agency_slug": agency_slug, "request_id": ta.public_id}
    )
    context = {"ta": ta, "form": form, "back_url": back_url, "where": request.agency.name}
    return render(request, "assistance/requests/close.html", context)


@agency_view(Capability.VIEW, methods=("GET",))
def request_attachment(request, agency_slug: str, request_id, attachment_id):
    attachment = queries.attachment_of(_request_of(request, request_id), attachment_id)
    if attachment is None:
        raise Http404("No such attachment.")
    return documents.serve(attachment.document)
