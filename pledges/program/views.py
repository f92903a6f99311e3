"""Program staff across every agency: the agency list (filters, pages, CSV), the program at a
glance and its report, and the rules versions."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agencies import documents
from agencies.forms import add_service_error
from agencies.models import Agency, AgencyType
from agencies.queries import agency_audit_trail
from agencies.staff import ADMINISTER, REVIEW, dashboard_panels, staff_view
from onemind.cache import cached
from onemind.lib.links import link_for_each
from onemind.lib.paging import page_of
from onemind.lib.spreadsheets import write_csv
from onemind.routers import reads_from_replica
from pledges import services, tasks
from pledges.models import PledgeStatus, ProgramRules
from pledges.program import queries
from pledges.program.forms import RulesForm


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
    context = {"versions": list(ProgramRules.objects.select_related("created_by")), "form": form}
    return render(request, "staff/rules.html", context)


# All agencies

AGENCY_PAGE_SIZE = 50
CSV_HEADERS = [
    "Agency", "Type", "City or county", "State", "ORI", "Verified", "Pledge status",
    "Pledged on", "Target date", "In scope", "Trained", "All requirements met", "At risk",
]  # fmt: skip


def _agency_filters(get, regions: dict[str, str]) -> queries.AgencyFilters:
    def day(name):
        try:
            return date.fromisoformat(get.get(name, ""))
        except ValueError:
            return None

    return queries.AgencyFilters(
        search=get.get("q", "").strip(),
        state=get.get("state", "").strip(),
        region=get.get("region", "") if get.get("region") in regions else "",
        agency_type=get.get("type", "") if get.get("type") in AgencyType.values else "",
        status=get.get("status", "") if get.get("status") in [*PledgeStatus.values, "none"] else "",
        verified=get.get("verified", ""),
        at_risk=get.get("at_risk") == "yes",
        target_from=day("target_from"),
        target_to=day("target_to"),
        sort=get.get("sort", "name") if get.get("sort") in queries.SORTS else "name",
    )


@staff_view(REVIEW)
@require_GET
@reads_from_replica
def agency_list(request):
    """Every agency: its pledge, its progress, verification; filters (a region's members
    among them), sorts, pages, CSV."""
    regions = queries.region_names()
    filters = _agency_filters(request.GET, regions)
    rows = queries.agencies(filters)
    if request.GET.get("format") == "csv":
        content = write_csv(CSV_HEADERS, _csv_rows(rows))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        name = f"agencies-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = page_of(queries.agency_rows(rows), request.GET.get("page"), AGENCY_PAGE_SIZE)
    page.object_list = queries.agency_rows_in_words(
        page.object_list, link_for_each("staff:agency_detail", "agency_id")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "types": AgencyType.choices,
        "statuses": PledgeStatus.choices,
        "regions": regions,
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


# One agency

AUDIT_PAGE_SIZE = 50


@staff_view(REVIEW)
@require_GET
def agency_detail(request, agency_id):
    """One agency as program staff see it: who it is and whether staff verified it, every
    pledge with what happened to it, today's figures, its documents, its members and its
    audit trail."""
    agency = get_object_or_404(Agency.objects.select_related("verified_by"), public_id=agency_id)
    context = {
        "record": queries.agency_record(agency),
        "agency": agency,
        "page": page_of(agency_audit_trail(agency), request.GET.get("page"), AUDIT_PAGE_SIZE),
    }
    return render(request, "staff/agency_detail.html", context)


# The program at a glance

PROGRAM_CACHE_SECONDS = 300


def _program_figures(region: str = ""):
    """Cached for five minutes: the figures move with nightly recomputes, not by the second."""
    today = timezone.localdate()
    return cached(
        f"pledges:program-figures:{today}:{region}",
        lambda: queries.program_figures(today, region),
        PROGRAM_CACHE_SECONDS,
    )


@staff_view(REVIEW)
@require_GET
@reads_from_replica
def program_dashboard(request):
    """The program at a glance, or the part of it one region's member agencies make."""
    regions = queries.region_names()
    region = request.GET.get("region", "")
    region = region if region in regions else ""
    context = {
        "figures": _program_figures(region),
        "regions": regions,
        "region": region,
        "region_name": regions.get(region, ""),
        # The apps above add their own figures (technical-assistance requests, say).
        "panels": dashboard_panels(),
    }
    return render(request, "staff/program.html", context)


@staff_view(REVIEW)
@require_GET
def program_report(request):
    """The program report as a PDF, rendered by the worker once an hour when asked for; until
    it is stored, a page that says it is being prepared."""
    now = timezone.now()
    stored = tasks.stored_program_report(now)
    if stored is None:
        tasks.ask_for_program_report(now)
        return documents.being_prepared(
            request,
            _("The program report is being prepared"),
            retry_label=_("Download the program report"),
            back=(reverse("staff:program_dashboard"), _("Back to the program")),
        )
    return documents.serve_file(
        default_storage.open(stored),
        f"one-mind-program-report-{timezone.localdate(now):%Y-%m-%d}.pdf",
        "application/pdf",
    )
