"""The staff agency list (18,000 agencies nationally) takes its page from an index, not by
sorting every agency: by name, and by name within a state; and its search for a name, a
place or an ORI is answered from indexes, not by reading every agency."""

import pytest
from django.db import connection

from pledges import staff_queries
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE agencies_agency")
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's few rows would be scanned
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (staff_queries.AgencyFilters(), "agency_name"),
        (staff_queries.AgencyFilters(region="or"), "agency_region_name"),
    ],
)
def test_a_page_of_the_staff_list_is_read_in_index_order(filters, index):
    AgencyFactory.create_batch(3, region="OR")

    shown = plan(staff_queries.agencies(filters)[:50])

    assert f"Index Scan using {index}" in shown
    assert "Sort" not in shown.split("SubPlan")[0]  # no sort of the agencies themselves


def test_a_search_of_the_staff_list_reads_only_the_matching_agencies():
    AgencyFactory.create_batch(3, region="OR")

    matching = staff_queries.agencies(staff_queries.AgencyFilters(search="spring"))

    shown = plan(matching.order_by())  # as the page's count asks it

    assert "BitmapOr" in shown
    for index in ("agency_name_trigram", "agency_ori_unique", "agency_locality_trigram"):
        assert f"Bitmap Index Scan on {index}" in shown
