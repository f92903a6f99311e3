"""A region's dashboard: its member agencies now with their pledge and progress, the totals,
filters, sorts, pages, the CSV and the PDF report — none of them naming anyone — in the same
number of queries however many agencies the region has."""

import csv
import io
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from agencies.models import MemberAgency, MemberAgencyStatus, RegionRole, Sharing
from pledges import tasks
from pledges.engine import progress
from pledges.models import Pledge, ProgressSnapshot
from tests.conftest import login
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    PersonFactory,
    RegionFactory,
    TrainingRecordFactory,
    meets_everything,
    refresh_standing,
    region_member,
    sign,
)


@pytest.fixture
def region(db):
    return RegionFactory(name="Capital Area Crisis Collaborative", slug="capital-area")


@pytest.fixture
def lead(region):
    """The region's coordinator."""
    return region_member(region, email="lead@capital-area.example")


@pytest.fixture
def members(region, agency_a, agency_b, coordinator, coordinator_b):
    """Millbrook (NY, pledged, nothing met, shares its roster) and Harlan (KY, pledged,
    every requirement met, shares progress only), members now; Fairview invited and not
    answered, Oakdale left, Riverton never asked."""
    PersonFactory(agency=agency_a, last_name="Okafor")
    meets_everything(agency_b)
    TrainingRecordFactory(person__agency=agency_b, person__last_name="Lindqvist")
    sign(agency_a, coordinator)
    sign(agency_b, coordinator_b)
    MemberAgencyFactory(region=region, agency=agency_a, sharing=Sharing.ROSTER)
    MemberAgencyFactory(region=region, agency=agency_b)
    invited = AgencyFactory(name="Fairview Police Department", region="NY")
    MemberAgencyFactory(region=region, agency=invited, status=MemberAgencyStatus.INVITED)
    left = AgencyFactory(name="Oakdale Police Department", region="NY")
    MemberAgencyFactory(region=region, agency=left, status=MemberAgencyStatus.LEFT)
    AgencyFactory(name="Riverton Police Department", region="NY")
    progress.recompute(list(MemberAgency.all_regions.values_list("agency_id", flat=True)))
    return agency_a, agency_b


def url(region):
    return reverse("region_home", kwargs={"region_slug": region.slug})


def names(response):
    return [row["name"] for row in response.context["page"]]


def test_the_dashboard_shows_the_members_now_with_their_standing_and_the_totals(
    client, region, lead, members
):
    login(client, lead)

    response = client.get(url(region))

    assert response.status_code == 200
    assert names(response) == ["Harlan County Sheriff's Office", "Millbrook Police Department"]
    totals = response.context["totals"]
    assert (totals.agencies, totals.pledged, totals.certified, totals.all_met) == (2, 2, 0, 1)
    assert [(key, count) for key, _, count in totals.requirements_met] == [
        ("partnership", 1),
        ("policy", 1),
        ("cit", 1),
        ("coverage", 1),
    ]
    assert (totals.in_scope, totals.trained) == (7, 6)
    page = response.content.decode()
    for absent in ("Fairview", "Oakdale", "Riverton"):
        assert absent not in page
    harlan, millbrook = response.context["page"]
    assert (harlan["requirements"], harlan["trained_share"]) == ("4 of 4 met", "100.0%")
    assert (millbrook["requirements"], millbrook["trained_share"]) == ("0 of 4 met", "0.0%")
    assert millbrook["not_met"] == "Not met: Partnership, Policy, CIT minimum, Everyone trained"
    assert "0 of 4 met" in page and "4 of 4 met" in page


def test_no_one_is_named_on_the_dashboard_whatever_the_agencies_share(
    client, region, lead, members
):
    login(client, lead)
    page = client.get(url(region)).content.decode()
    for name in ("Okafor", "Lindqvist", "Ana Rivera", "Dana Whitfield"):
        assert name not in page
    assert "shares its roster" in page  # which agency does is said, not who is on it


def test_filters_and_sorts(client, region, lead, members):
    agency_a, agency_b = members
    ProgressSnapshot.all_agencies.filter(agency=agency_a).update(at_risk=True)
    refresh_standing(agency_a)
    login(client, lead)
    home = url(region)

    assert names(client.get(home, {"state": "ky"})) == [agency_b.name]
    assert names(client.get(home, {"at_risk": "yes"})) == [agency_a.name]
    assert names(client.get(home, {"unmet": "policy"})) == [agency_a.name]
    assert names(client.get(home, {"status": "none"})) == []
    assert names(client.get(home, {"status": "pledged"})) == [agency_b.name, agency_a.name]
    assert names(client.get(home, {"sort": "-name"})) == [agency_a.name, agency_b.name]
    assert names(client.get(home, {"sort": "trained"})) == [agency_a.name, agency_b.name]
    assert names(client.get(home, {"sort": "-trained"})) == [agency_b.name, agency_a.name]
    # Nonsense is ignored rather than refused: the page is the unfiltered one.
    odd = client.get(home, {"status": "maybe", "unmet": "x", "sort": "?", "page": "many"})
    assert odd.status_code == 200 and len(names(odd)) == 2
    # The totals are the region's, whatever the list shows.
    assert client.get(home, {"state": "KY"}).context["totals"].agencies == 2


def test_at_risk_and_on_pace_are_counted_among_open_pledges(client, region, lead, members):
    agency_a, agency_b = members
    ProgressSnapshot.all_agencies.filter(agency=agency_a).update(at_risk=True)
    refresh_standing(agency_a)
    login(client, lead)
    totals = client.get(url(region)).context["totals"]
    # Harlan: everyone trained, so projected today and on pace; Millbrook at risk.
    assert (totals.on_pace, totals.at_risk) == (1, 1)
    Pledge.all_agencies.filter(agency=agency_a).update(status="withdrawn")
    refresh_standing(agency_a)
    totals = client.get(url(region)).context["totals"]
    assert (totals.pledged, totals.at_risk) == (1, 0)


def test_members_come_fifty_to_a_page(client, region, lead):
    for n in range(51):
        MemberAgencyFactory(region=region, agency=AgencyFactory(name=f"Agency {n:02d}"))
    login(client, lead)

    first = client.get(url(region))
    second = client.get(url(region), {"page": 2})

    assert len(names(first)) == 50 and names(second) == ["Agency 50"]
    assert "Page 1 of 2" in first.content.decode()
    assert "<title>Page 2 · " in second.content.decode()


def test_the_csv_lists_every_match_and_is_formula_safe(client, region, lead, members):
    MemberAgencyFactory(
        region=region, agency=AgencyFactory(name='=HYPERLINK("http://evil.example")', region="NY")
    )
    login(client, lead)

    response = client.get(url(region), {"format": "csv", "state": "NY"})

    assert response["Content-Disposition"].startswith(
        'attachment; filename="capital-area-agencies-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Agency", "State", "City or county", "ORI", "Shares", "Pledge status"]
    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("http://evil.example")',
        "Millbrook Police Department",
    ]
    millbrook = dict(zip(rows[0], rows[2], strict=True))
    assert millbrook["Shares"] == "progress and roster"
    assert millbrook["Pledge status"] == "Pledged"
    assert millbrook["Policy"] == "not met" and millbrook["Trained share"] == "0.0%"
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert not any("Okafor" in cell for cell in cells)


@time_machine.travel(datetime(2026, 3, 2, 14, 5, tzinfo=UTC), tick=False)
def test_the_pdf_report_is_made_by_the_worker_and_names_no_one(client, region, lead, members):
    login(client, lead)
    report_url = reverse("region_report", kwargs={"region_slug": region.slug})

    with mock.patch.object(tasks.render_region_report, "apply_async") as asked:
        pending = client.get(report_url)
        client.get(report_url)  # a reload asks no second time
    assert pending.status_code == 202 and "being prepared" in pending.content.decode()
    asked.assert_called_once_with((region.pk, "2026-03-02T14:05:00+00:00"))

    tasks.render_region_report(region.pk, "2026-03-02T14:05:00+00:00")  # the worker's render
    report = client.get(report_url)

    assert report["Content-Disposition"].endswith('one-mind-region-capital-area-2026-03-02.pdf"')
    pdf = PdfReader(io.BytesIO(b"".join(report.streaming_content)))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Capital Area Crisis Collaborative" in text
    assert "Millbrook Police Department" in text and "Harlan County Sheriff" in text
    assert "Fairview" not in text and "Oakdale" not in text
    for name in ("Okafor", "Lindqvist", "Ana Rivera", "Dana Whitfield"):
        assert name not in text


def test_a_viewer_sees_the_dashboard_and_outsiders_get_404(
    client, region, members, coordinator, stranger
):
    viewer = region_member(region, RegionRole.VIEWER)
    login(client, viewer)
    assert client.get(url(region)).status_code == 200
    # A member agency's own coordinator is not on the region's team.
    for outsider in (coordinator, stranger, region_member(RegionFactory())):
        login(client, outsider)
        assert client.get(url(region)).status_code == 404
        assert client.get(url(region), {"format": "csv"}).status_code == 404
        report = reverse("region_report", kwargs={"region_slug": region.slug})
        assert client.get(report).status_code == 404


def test_the_query_count_does_not_grow_with_the_agencies(
    client, region, lead, members, django_assert_max_num_queries, django_assert_num_queries
):
    login(client, lead)
    client.get(url(region))
    with django_assert_max_num_queries(15) as few:
        client.get(url(region))
    expected = len(few.captured_queries)  # the log empties at the next request
    for n in range(48):
        agency = AgencyFactory(name=f"Agency {n:02d}", region="KY" if n % 2 else "NY")
        MemberAgencyFactory(region=region, agency=agency, sharing=Sharing.ROSTER)
        PersonFactory(agency=agency)
    progress.recompute(list(MemberAgency.all_regions.values_list("agency_id", flat=True)))
    with django_assert_num_queries(expected):
        response = client.get(url(region))
    assert len(names(response)) == 50
    with django_assert_num_queries(expected):
        response = client.get(url(region), {"unmet": "coverage", "sort": "target", "state": "KY"})
    assert len(names(response)) == 24


def test_a_left_agency_leaves_the_dashboard_at_once(client, region, lead, members):
    agency_a, _ = members
    login(client, lead)
    assert agency_a.name in names(client.get(url(region)))
    MemberAgency.all_regions.filter(agency=agency_a).update(
        status=MemberAgencyStatus.LEFT, ended_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert agency_a.name not in names(client.get(url(region)))
