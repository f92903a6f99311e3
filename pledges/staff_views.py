"""Program staff: the review queue and decisions, certificates, the rules versions."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from agencies import documents
from agencies.audit import record_event
from agencies.forms import add_service_error
from agencies.models import AgencyType, Document
from agencies.queries import agency_audit_trail
from agencies.staff import ADMINISTER, REVIEW, staff_view
from onemind.cache import cached
from onemind.lib.spreadsheets import write_csv
from onemind.routers import reads_from_replica
from pledges import reviews, services, staff_queries
from pledges.forms import DecisionForm, RulesForm
from pledges.models import Certificate, PledgeStatus, ProgramRules, Review, Submission
from pledges.pdfs import render_pdf
from pledges.scope import scope_as_submitted


@staff_view(ADMINISTER)
def rules_list(request):
    form = RulesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rules = services.rules_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{rules.name} takes effect on {rules.effective_on}.")
            return redirect("staff:rules_list")
    context = {"versions": ProgramRules.objects.select_related("created_by"), "form": form}
    return render(request, "staff/rules.html", context)


# Reviews


@staff_view(REVIEW)
@require_GET
def review_queue(request):
    """Submitted pledges waiting for a decision, oldest first."""
    today = timezone.localdate()
    waiting = staff_queries.review_queue()
    rows = [(s, (today - timezone.localdate(s.submitted_at)).days) for s in waiting[:200]]
    return render(request, "staff/review_queue.html", {"rows": rows})


@staff_view(REVIEW)
def review_detail(request, submission_id):
    submission = get_object_or_404(
        Submission.all_agencies.select_related("agency", "pledge", "pledge__rules"),
        public_id=submission_id,
    )
    form = DecisionForm(request.POST or None, can_approve=submission.agency.verified)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                _, certificate = reviews.review_approve(
                    reviewer=request.user, submission=submission, comments=form.comments()
                )
                messages.success(request, f"Approved: certificate {certificate.number} issued.")
            else:
                reviews.review_return(
                    reviewer=request.user, submission=submission, comments=form.comments()
                )
                messages.success(request, f"Returned to {submission.agency.name} with comments.")
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("staff:review_queue")
    people = Paginator(submission.snapshot.get("people", []), 100).get_page(request.GET.get("page"))
    scope = scope_as_submitted(submission.snapshot)  # None for older submissions
    left_out = scope and Paginator(scope.people, 100).get_page(request.GET.get("left_out_page"))
    context = {
        "submission": submission,
        "snapshot": submission.snapshot,
        "people": people,
        "scope": scope,
        "left_out": left_out,
        "earlier": Review.all_agencies.filter(submission__pledge=submission.pledge)
        .select_related("reviewer", "submission")
        .order_by("-decided_at"),
        "certificates": Certificate.all_agencies.filter(pledge=submission.pledge),
        "events": agency_audit_trail(submission.agency)[:50],
        "form": form,
        "decided": submission.pledge.status != PledgeStatus.SUBMITTED
        or Review.all_agencies.filter(submission=submission).exists(),
    }
    return render(request, "staff/review_detail.html", context)


@staff_view(REVIEW)
@require_GET
def staff_document(request, document_id):
    """An agency's document, for a reviewer; each opening is recorded."""
    document = get_object_or_404(
        Document.all_agencies.select_related("agency"), public_id=document_id
    )
    record_event(
        action="document.opened_by_staff",
        actor=request.user,
        agency=document.agency,
        obj=document,
        values={"file": document.filename},
    )
    return documents.serve(document)


@staff_view(REVIEW)
@require_POST
def certificate_revoke(request, certificate_id):
    certificate = get_object_or_404(Certificate.all_agencies, public_id=certificate_id)
    reissue = request.POST.get("action") == "reissue"
    try:
        if reissue:
            new = reviews.certificate_reissue(
                actor=request.user, certificate=certificate, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"{certificate.number} revoked; {new.number} issued.")
        else:
            reviews.certificate_revoke(
                actor=request.user, certificate=certificate, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"{certificate.number} revoked.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("staff:review_detail", submission_id=certificate.review.submission.public_id)


# All agencies

AGENCY_PAGE_SIZE = 50
CSV_HEADERS = [
    "Agency", "Type", "City or county", "State", "ORI", "Verified", "Pledge status",
    "Pledged on", "Target date", "In scope", "Trained", "All requirements met", "At risk",
]  # fmt: skip


def _agency_filters(get) -> staff_queries.AgencyFilters:
    def day(name):
        try:
            return date.fromisoformat(get.get(name, ""))
        except ValueError:
            return None

    return staff_queries.AgencyFilters(
        search=get.get("q", "").strip(),
        region=get.get("region", "").strip(),
        agency_type=get.get("type", "") if get.get("type") in AgencyType.values else "",
        status=get.get("status", "") if get.get("status") in [*PledgeStatus.values, "none"] else "",
        verified=get.get("verified", ""),
        at_risk=get.get("at_risk") == "yes",
        target_from=day("target_from"),
        target_to=day("target_to"),
        sort=get.get("sort", "name") if get.get("sort") in staff_queries.SORTS else "name",
    )


@staff_view(REVIEW)
@require_GET
@reads_from_replica
def agency_list(request):
    """Every agency: its pledge, its progress, verification; filters, sorts, pages, CSV."""
    filters = _agency_filters(request.GET)
    rows = staff_queries.agencies(filters)
    if request.GET.get("format") == "csv":
        content = write_csv(CSV_HEADERS, _csv_rows(rows))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        name = f"agencies-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(rows, AGENCY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "types": AgencyType.choices,
        "statuses": PledgeStatus.choices,
    }
    return render(request, "staff/agencies.html", context)


def _csv_rows(rows):
    for agency in rows.iterator(chunk_size=2000):
        yield [
            agency.name,
            agency.get_agency_type_display(),
            agency.locality,
            agency.region,
            agency.ori,
            "yes" if agency.verified else "no",
            PledgeStatus(agency.pledge_status).label if agency.pledge_status else "not pledged",
            agency.pledged_on,
            agency.pledge_target,
            agency.in_scope,
            agency.covered,
            "yes" if agency.all_met else "no",
            "yes" if agency.at_risk else "no",
        ]


# The program at a glance

PROGRAM_CACHE_SECONDS = 300


def _program_figures():
    """Cached for five minutes: the figures move with nightly recomputes, not by the second."""
    today = timezone.localdate()
    return cached(
        f"pledges:program-figures:{today}",
        lambda: staff_queries.program_figures(today),
        PROGRAM_CACHE_SECONDS,
    )


@staff_view(REVIEW)
@require_GET
@reads_from_replica
def program_dashboard(request):
    context = {"figures": _program_figures()}
    return render(request, "staff/program.html", context)


@staff_view(REVIEW)
@require_GET
@reads_from_replica
def program_report(request):
    figures = _program_figures()
    pdf = render_pdf(
        "pledges/program_report_pdf.html",
        {"figures": figures},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="one-mind-program-report-{figures.on:%Y-%m-%d}.pdf"'
    )
    return response
