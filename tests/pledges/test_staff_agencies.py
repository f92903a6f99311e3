"""Program staff's list of every agency: pledge, progress, filters, CSV, constant queries."""

import csv
import io
from datetime import timedelta

from django.urls import reverse

from pledges.engine import progress
from pledges.models import Pledge
from pledges.program import queries as program_queries
from tests.conftest import login
from tests.factories import AgencyFactory, refresh_standing, sign

URL = reverse("staff:dashboard")


def names(response):
    return [a["name"] for a in response.context["page"]]


def test_filters_by_pledge_status_state_and_target_date(
    client, reviewer, agency_a, agency_b, coordinator, coordinator_b
):
    pledged = sign(agency_a, coordinator)
    sign(agency_b, coordinator_b)
    Pledge.all_agencies.filter(agency=agency_b).update(status="withdrawn")
    refresh_standing(agency_b)
    bystander = AgencyFactory(name="Zeta Police", region="TX")
    login(client, reviewer, mfa=True)

    assert names(client.get(URL, {"status": "pledged"})) == [agency_a.name]
    assert bystander.name in names(client.get(URL, {"status": "none"}))
    assert names(client.get(URL, {"state": "tx"})) == ["Zeta Police"]
    window = {
        "target_from": (pledged.target_date - timedelta(days=1)).isoformat(),
        "target_to": (pledged.target_date + timedelta(days=1)).isoformat(),
    }
    assert agency_a.name in names(client.get(URL, window))
    assert names(client.get(URL, {**window, "status": "withdrawn"})) == [agency_b.name]
    assert bystander.name not in names(client.get(URL, window))


def test_at_risk_comes_from_the_latest_snapshot(client, reviewer, agency_a, agency_b):
    progress.recompute([agency_a.pk, agency_b.pk])
    from pledges.models import ProgressSnapshot

    ProgressSnapshot.all_agencies.filter(agency=agency_a).update(at_risk=True)
    refresh_standing(agency_a)
    login(client, reviewer, mfa=True)
    assert names(client.get(URL, {"at_risk": "yes"})) == [agency_a.name]


def test_the_csv_export_is_formula_safe(client, reviewer, db):
    AgencyFactory(name='=HYPERLINK("http://evil.example")', locality="+1 Main")
    login(client, reviewer, mfa=True)

    response = client.get(URL, {"format": "csv"})

    assert response["Content-Disposition"].startswith('attachment; filename="agencies-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Agency", "Type"]
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any("HYPERLINK" in cell for cell in cells)


def test_the_list_query_count_does_not_grow_with_agencies(
    client, reviewer, db, django_assert_max_num_queries
):
    AgencyFactory.create_batch(3)
    login(client, reviewer, mfa=True)
    client.get(URL)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for agency in AgencyFactory.create_batch(40):
        progress.recompute([agency.pk])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["page"]) == 43


def test_the_search_finds_an_ori_typed_in_lower_case(db):
    wanted = AgencyFactory(ori="VA0010000", name="Arlington County Police Department")
    AgencyFactory(ori="VA0020000")

    found = program_queries.agencies(program_queries.AgencyFilters(search="va0010000"))

    assert list(found) == [wanted]
