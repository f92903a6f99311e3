"""Pages of the pledges app under /a/<agency_slug>/: the dashboard, the pledge and the
crisis-response policy."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import documents
from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from onemind.lib.dates import add_months
from pledges import queries, services, tasks
from pledges.engine import lifecycle, policy
from pledges.forms import PledgeForm, PolicyForm, WithdrawForm
from pledges.models import (
    POLICY_ELEMENTS,
    SIGNED_OPEN_STATUSES,
    Certificate,
    Pledge,
    PledgeStatus,
    ProgramRules,
)
from pledges.tasks import ask_for_certificate_pdf, certificate_pdf_ready


@agency_view(Capability.VIEW, methods=("GET",))
def policy_detail(request, agency_slug: str):
    today = request.agency.today()
    versions = policy.versions(request.agency)
    current = policy.in_force(versions, today)
    context = {
        "current": current,
        "versions": versions,
        "finding": policy.finding(versions, today),
        "today": today,
    }
    return render(request, "pledges/policy_detail.html", context)


@agency_view(Capability.EDIT)
def policy_create(request, agency_slug: str):
    versions = policy.versions(request.agency)
    previous = versions[0] if versions else None
    initial = {}
    if previous:
        initial = {name: getattr(previous, name) for name, _ in POLICY_ELEMENTS}
        initial.update(title=previous.title, based_on_iacp_model=previous.based_on_iacp_model)
    form = PolicyForm(
        request.POST or None, request.FILES or None, previous=previous, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "document"}
        try:
            services.policy_adopt(
                agency=request.agency,
                actor=request.user,
                document=form.cleaned_data["document"],
                **fields,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "The policy was recorded.")
            return redirect("policy_detail", agency_slug=agency_slug)
    return render(request, "pledges/policy_form.html", {"form": form, "previous": previous})


@agency_view(Capability.VIEW, methods=("GET",))
def agency_dashboard(request, agency_slug: str):
    """The page a member lands on: what is left to set up, the four requirements today, the
    pledge, the pace."""
    board = queries.dashboard(request.agency)
    pledge = board.pledge
    context = {
        "agency": request.agency,
        "board": board,
        "getting_started": queries.getting_started(request.agency),
        "can_submit": bool(
            request.membership.can(Capability.MANAGE)
            and pledge
            and lifecycle.can_move(pledge, PledgeStatus.SUBMITTED)
            and board.evaluation.all_met
        ),
    }
    return render(request, "pledges/dashboard.html", context)


def _signed_pledge() -> Pledge | None:
    """The agency's signed, still-open pledge (inside the page's agency scope)."""
    return Pledge.objects.filter(status__in=SIGNED_OPEN_STATUSES).first()


@agency_view(Capability.MANAGE)
def pledge_sign(request, agency_slug: str):
    agency = request.agency
    if _signed_pledge():
        messages.info(request, _("Your agency's pledge is already signed."))
        return redirect("agency_dashboard", agency_slug=agency_slug)
    if Certificate.objects.filter(revoked_at=None).exists():
        messages.info(request, _("Your agency is certified: there is no pledge to sign."))
        return redirect("agency_dashboard", agency_slug=agency_slug)
    today = agency.today()
    rules = ProgramRules.objects.in_force(today)
    form = PledgeForm(
        request.POST or None,
        agency_name=agency.name,
        rules=rules,
        earliest=add_months(today, rules.window_min_months),
        latest=add_months(today, rules.window_max_months),
        initial={"target_date": add_months(today, 24)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_sign(
                agency=agency,
                actor=request.user,
                ip=request.META.get("REMOTE_ADDR"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{agency.name} has taken the One Mind pledge.")
            return redirect("agency_dashboard", agency_slug=agency_slug)
    return render(request, "pledges/pledge_sign.html", {"form": form, "rules": rules})


@agency_view(Capability.MANAGE)
def pledge_submit(request, agency_slug: str):
    """What the reviewer will see, then the submission itself (a POST from that page)."""
    pledge = _signed_pledge()
    if pledge is None:
        messages.error(request, _("There is no signed pledge to submit."))
        return redirect("agency_dashboard", agency_slug=agency_slug)
    if request.method == "POST":
        try:
            services.pledge_submit(agency=request.agency, actor=request.user, pledge=pledge)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Submitted for certification. Program staff will review it and tell you."),
            )
        return redirect("agency_dashboard", agency_slug=agency_slug)
    preview = queries.submission_preview(request.agency)
    context = {
        "pledge": pledge,
        "preview": preview,
        "can_submit": lifecycle.can_move(pledge, PledgeStatus.SUBMITTED)
        and preview.evaluation.all_met,
    }
    return render(request, "pledges/pledge_submit.html", context)


@agency_view(Capability.MANAGE)
def pledge_withdraw(request, agency_slug: str):
    pledge = _signed_pledge()
    if pledge is None:
        messages.error(request, "There is no open pledge to withdraw.")
        return redirect("agency_dashboard", agency_slug=agency_slug)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_withdraw(
                agency=request.agency, actor=request.user, pledge=pledge, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "The pledge was withdrawn. It stays in your history.")
            return redirect("agency_dashboard", agency_slug=agency_slug)
    return render(request, "pledges/pledge_withdraw.html", {"form": form, "pledge": pledge})


@agency_view(Capability.VIEW, methods=("GET",))
def certificate_download(request, agency_slug: str, certificate_id):
    """The agency's certificate PDF, once the worker has rendered it; until then a page that
    says it is being prepared (PDFs are never rendered while a page waits)."""
    certificate = get_object_or_404(
        Certificate.objects.filter(revoked_at=None), public_id=certificate_id
    )
    if not certificate_pdf_ready(certificate):
        ask_for_certificate_pdf(certificate.pk)
        return documents.being_prepared(
            request,
            _("Certificate %(number)s is being prepared") % {"number": certificate.number},
            retry_label=_("Download the certificate"),
            back=(reverse("agency_dashboard", args=[agency_slug]), _("Back to the dashboard")),
        )
    return documents.serve_file(certificate.pdf, f"{certificate.number}.pdf", "application/pdf")


@agency_view(Capability.VIEW, methods=("GET",))
def progress_report_download(request, agency_slug: str):
    """The agency's progress report as a PDF, rendered by the worker when asked for (once an
    hour at most); until it is stored, a page that says it is being prepared."""
    now = timezone.now()
    stored = tasks.stored_progress_report(request.agency, now)
    if stored is None:
        tasks.ask_for_progress_report(request.agency, now)
        return documents.being_prepared(
            request,
            _("The progress report is being prepared"),
            retry_label=_("Download the progress report"),
            back=(reverse("agency_dashboard", args=[agency_slug]), _("Back to the dashboard")),
        )
    name = f"one-mind-progress-{request.agency.slug}-{request.agency.today():%Y-%m-%d}.pdf"
    return documents.serve_file(default_storage.open(stored), name, "application/pdf")
