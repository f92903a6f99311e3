"""The program side of technical-assistance requests, under /staff/assistance/: the
reviewers' queue, and the pages a subject-matter expert shares with them (their requests,
a request's thread, its attachments). Every request is found through
`queries.program_requests`, so an expert reaches only the requests assigned to them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies import documents
from agencies.forms import add_service_error
from agencies.staff import REVIEW, staff_view
from assistance.models import ANSWER_REQUESTS, AssistanceRequest, RequestStatus, Requirement, Side
from assistance.requests import queries, services
from assistance.requests.forms import AssignForm, CloseForm, MessageForm
from onemind.forms import with_choices_read
from onemind.lib.paging import page_of


def _request_of(request, request_id) -> AssistanceRequest:
    """The request, if this user may open it: else 404, whether it exists or not."""
    return get_object_or_404(queries.program_requests(request.user), public_id=request_id)


QUEUE_PAGE_SIZE = 50


@staff_view(REVIEW)
@require_GET
def request_queue(request):
    status = request.GET.get("status", "")
    requirement = request.GET.get("requirement", "")
    requirement = requirement if requirement in Requirement.values else ""
    rows = queries.queue(request.user, status=status, requirement=requirement)
    page = page_of(rows, request.GET.get("page"), QUEUE_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": page.object_list,
        "page": page,
        "query": query.urlencode(),
        "status": status if status in RequestStatus.values else "",
        "requirement": requirement,
        "statuses": RequestStatus.choices,
        "requirements": Requirement.choices,
    }
    return render(request, "assistance/requests/staff_queue.html", context)


@staff_view(ANSWER_REQUESTS)
@require_GET
def my_requests(request):
    rows = list(queries.assigned_open(request.user))
    return render(request, "assistance/requests/staff_mine.html", {"rows": rows})


def _detail(request, ta: AssistanceRequest, *, form=None, assign_form=None, status=200):
    reviewer = request.user.has_perm(REVIEW)
    if assign_form is None and reviewer and ta.is_open:
        assign_form = AssignForm(
            experts=queries.live_experts(),
            initial={"expert": ta.expert.public_id if ta.expert else None},
        )
    context = {
        "ta": ta,
        "thread": queries.thread(ta),
        "form": form or (MessageForm(attachments=False) if ta.is_open else None),
        "reviewer": reviewer,
        "assign_form": assign_form and with_choices_read(assign_form, "expert"),
    }
    return render(request, "assistance/requests/staff_detail.html", context, status=status)


@staff_view(ANSWER_REQUESTS)
@require_GET
def request_detail(request, request_id):
    return _detail(request, _request_of(request, request_id))


@staff_view(ANSWER_REQUESTS)
@require_POST
def request_reply(request, request_id):
    ta = _request_of(request, request_id)
    form = MessageForm(request.POST, attachments=False)
    if form.is_valid():
        try:
            services.message_post(
                request=ta,
                actor=request.user,
                side=Side.PROGRAM,
                body=form.cleaned_data["body"],
                token=form.cleaned_data["token"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your reply was sent to the agency."))
            return redirect("staff:assistance_request", request_id=ta.public_id)
    return _detail(request, ta, form=form, status=400)


@staff_view(REVIEW)
@require_POST
def request_assign(request, request_id):
    ta = _request_of(request, request_id)
    form = AssignForm(request.POST, experts=queries.live_experts())
    if form.is_valid():
        try:
            services.request_assign(
                request=ta, actor=request.user, expert=form.cleaned_data["expert"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The request's expert was saved."))
            return redirect("staff:assistance_request", request_id=ta.public_id)
    return _detail(request, ta, assign_form=form, status=400)


@staff_view(REVIEW)
def request_close(request, request_id):
    ta = _request_of(request, request_id)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and ta.is_open and form.is_valid():
        try:
            services.request_close(request=ta, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The request is closed."))
            return redirect("staff:assistance_request", request_id=ta.public_id)
    context = {
        "ta": ta,
        "form": form,
        "back_url": reverse("staff:assistance_request", kwargs={"request_id": ta.public_id}),
        "where": _("Program staff"),
    }
    return render(request, "assistance/requests/close.html", context)


@staff_view(ANSWER_REQUESTS)
@require_GET
def request_attachment(request, request_id, attachment_id):
    attachment = queries.attachment_of(_request_of(request, request_id), attachment_id)
    if attachment is None:
        raise Http404("No such attachment.")
    return documents.serve(attachment.document)
