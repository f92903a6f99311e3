"""The staff agency list (18,000 agencies nationally) takes its page from an index, not by
sorting every agency: by name, and by name within a state; and its search for a name, a
place or an ORI is answered from indexes, not by reading every agency."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, AgencyType
from pledges.models import AgencyStanding
from pledges.program import queries as program_queries

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

STATES = [
    "AK",
    "AL",
    "AR",
    "AZ",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "IA",
    "ID",
    "IL",
    "IN",
    "KS",
    "KY",
    "LA",
    "MA",
    "MD",
    "ME",
    "MI",
    "MN",
    "MO",
    "MS",
    "MT",
    "NC",
    "ND",
    "NE",
    "NH",
    "NJ",
    "NM",
    "NV",
    "NY",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VA",
    "VT",
    "WA",
    "WI",
    "WV",
    "WY",
]


@pytest.fixture(autouse=True)
def agencies_in_many_states():
    """Enough agencies, in a large state (Oregon, a tenth of them) and many small ones,
    that the planner's choice follows from the statistics rather than from a handful of
    rows, as it does nationally (Texas alone has over 1,000 agencies)."""
    # Names in an order unrelated to the rows' order on disk, as registrations arrive.
    Agency.objects.bulk_create(
        Agency(
            name=f"Agency {n * 1237 % 4000:04d} Police Department",
            slug=f"agency-{n:04d}",
            agency_type=AgencyType.MUNICIPAL,
            region="OR" if n % 10 == 0 else STATES[n % len(STATES)],
            locality=f"Town {n:04d}",
        )
        for n in range(4000)
    )
    # Three in four with a pledge and its progress on their standing, as nationally.
    AgencyStanding.objects.bulk_create(
        AgencyStanding(agency=agency, pledge_status="pledged", in_scope=10, at_risk=n % 9 == 0)
        for n, agency in enumerate(Agency.objects.order_by("pk"))
        if n % 4
    )


def plan(queryset) -> str:
    return explain(*queryset.query.sql_with_params())


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE agencies_agency")
        cursor.execute("ANALYZE pledges_agencystanding")
        # Four thousand rows are still few enough that reading them all would be cheapest.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (program_queries.AgencyFilters(), "agency_name"),
        (program_queries.AgencyFilters(state="or"), "agency_region_name"),
    ],
)
def test_a_page_of_the_staff_list_is_read_in_index_order(filters, index):
    shown = plan(program_queries.agencies(filters)[:50])

    assert f"Index Scan using {index}" in shown
    assert "Sort" not in shown.split("SubPlan")[0]  # no sort of the agencies themselves


def test_a_search_of_the_staff_list_reads_only_the_matching_agencies():
    matching = program_queries.agencies(program_queries.AgencyFilters(search="spring"))

    with CaptureQueriesContext(connection) as asked:
        matching.count()  # as the page's count asks it
    shown = explain(asked.captured_queries[-1]["sql"], None)

    assert "BitmapOr" in shown
    for index in ("agency_name_trigram", "agency_ori_unique", "agency_locality_trigram"):
        assert f"Bitmap Index Scan on {index}" in shown
