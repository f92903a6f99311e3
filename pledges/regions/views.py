"""A region's pages under /r/<region_slug>/: the dashboard of its member agencies (filters,
pages, CSV), its PDF report, one member agency as the region sees it, and a team member's
choice of the monthly digest."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import documents
from agencies.regions.access import region_view
from agencies.regions.models import RegionCapability, Sharing
from agencies.regions.queries import shared_agency
from onemind.lib.links import link_for_each
from onemind.lib.paging import page_of
from onemind.lib.spreadsheets import write_csv
from pledges import tasks
from pledges.emails import services as email_services
from pledges.emails import subscriptions
from pledges.models import PledgeStatus
from pledges.regions import queries
from pledges.regions.forms import RegionDigestForm

CSV_HEADERS = [
    "Agency", "State", "City or county", "ORI", "Shares", "Pledge status", "Pledged on",
    "Target date", "Partnership", "Policy", "CIT minimum", "Everyone trained", "In scope",
    "With CIT", "CIT share", "Trained", "Trained share", "Projected date", "Pace",
]  # fmt: skip


def _filters(get) -> queries.RegionFilters:
    status = get.get("status", "")
    return queries.RegionFilters(
        state=get.get("state", "").strip()[:100],
        status=status if status in [*PledgeStatus.values, "none"] else "",
        at_risk=get.get("at_risk") == "yes",
        unmet=get.get("unmet", "") if get.get("unmet") in queries.REQUIREMENTS else "",
        sort=get.get("sort", "name") if get.get("sort") in queries.SORTS else "name",
    )


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_home(request, region_slug: str):
    """The region's member agencies now, with their pledge and progress and the totals
    across the region; filters, sorts, pages of 50, CSV."""
    region = request.region
    filters = _filters(request.GET)
    rows = queries.members(region, filters)
    if request.GET.get("format") == "csv":
        content = write_csv(CSV_HEADERS, _csv_rows(rows))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        name = f"{region.slug}-agencies-{queries.region_today():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = page_of(rows, request.GET.get("page"), queries.PAGE_SIZE)
    page.object_list = queries.member_lines(
        page.object_list, link_for_each("region_agency", "agency_id", region_slug=region.slug)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "region": region,
        "totals": queries.totals(region),
        "page": page,
        "filters": filters,
        "filtered": filters != queries.RegionFilters(sort=filters.sort),
        "query": query.urlencode(),
        "states": queries.member_states(region),
        "statuses": PledgeStatus.choices,
        "requirement_names": queries.REQUIREMENT_NAMES,
        "today": queries.region_today(),
    }
    return render(request, "regions/dashboard.html", context)


def _yes_no(met) -> str:
    return "" if met is None else ("met" if met else "not met")


def _csv_rows(rows):
    for agency in rows.iterator(chunk_size=2000):
        row = queries.MemberRow(agency)
        yield [
            agency.name,
            agency.region,
            agency.locality,
            agency.ori,
            "progress and roster" if agency.sharing == Sharing.ROSTER else "progress",
            row.pledge_words,
            agency.pledged_on,
            row.target_date,
            *(_yes_no(met) for _, met in row.requirements),
            agency.in_scope,
            agency.cit,
            row.cit_share,
            agency.covered,
            row.trained_share,
            agency.projected_on,
            row.pace_words,
        ]


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_report(request, region_slug: str):
    """The region's report as a PDF, rendered by the worker once an hour when asked for;
    until it is stored, a page that says it is being prepared."""
    region = request.region
    now = timezone.now()
    stored = tasks.stored_region_report(region, now)
    if stored is None:
        tasks.ask_for_region_report(region, now)
        return documents.being_prepared(
            request,
            _("The region report is being prepared"),
            retry_label=_("Download the region report"),
            back=(reverse("region_home", args=[region_slug]), _("Back to the region")),
        )
    name = f"one-mind-region-{region.slug}-{queries.region_today():%Y-%m-%d}.pdf"
    return documents.serve_file(default_storage.open(stored), name, "application/pdf")


@region_view(RegionCapability.VIEW, methods=("GET",))
def region_agency(request, region_slug: str, agency_id):
    """A member agency as the region sees it: its progress; its people and their training
    only while it shares its roster. Not a member now (invited, declined, left, never
    asked): 404, as for an agency that does not exist."""
    member = shared_agency(request.region, agency_id)
    if member is None:
        raise Http404("No such member agency.")
    progress = queries.member_progress(member)
    roster = None
    if member.shares_roster:
        roster = queries.shared_roster(member, request.GET.get("page"), progress.today)
    context = {"region": request.region, "progress": progress, "page": roster}
    return render(request, "regions/agency.html", context)


# Every member of the team chooses their own digest, viewers included.
@region_view(RegionCapability.VIEW)
def region_email_preferences(request, region_slug: str):
    region = request.region
    # Bound on every POST: an unticked box posts nothing at all.
    posted = request.POST if request.method == "POST" else None
    wanted = subscriptions.wants_region_digest(region=region, user=request.user)
    form = RegionDigestForm(posted, initial={"monthly_digest": wanted})
    if posted is not None and form.is_valid():
        email_services.region_digest_set(region=region, user=request.user, **form.cleaned_data)
        messages.success(request, _("Your email choice was saved."))
        return redirect("region_email_preferences", region_slug=region_slug)
    return render(request, "regions/email_preferences.html", {"region": region, "form": form})
