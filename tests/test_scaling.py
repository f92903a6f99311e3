"""What docs/scaling.md claims, held to the code: staff dashboards read from the replica,
and the schema fits the distribution the Citus table describes."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.staff import REVIEWER_GROUP
from onemind.routers import REPLICA, ReplicaRouter, replica_reads
from tests.conftest import login, restore_program_seeds, with_totp
from tests.factories import AgencyFactory, UserFactory

SCALING = Path(__file__).resolve().parent.parent / "docs" / "scaling.md"
# What the page lists under "Changes before distributing": uniqueness without agency_id,
# and a distribution column that may be null. Anything else found here is new, and fails.
KNOWN_CHANGES = {
    "pledges_certificate: number unique alone",
    "pledges_certificate: token unique alone",
    "agencies_auditevent: agency_id may be null",
}


@pytest.fixture
def replica():
    """The `replica` database tests/conftest.py configures as a mirror of the test database."""
    return connections[REPLICA]


@pytest.mark.replica
def test_reads_go_to_the_replica_only_inside_a_staff_dashboard(replica):
    router = ReplicaRouter()
    agency = apps.get_model("agencies", "Agency")
    assert router.db_for_read(agency) is None  # the primary
    with replica_reads():
        assert router.db_for_read(agency) == REPLICA
        assert router.db_for_write(agency) == "default"
    assert router.db_for_read(agency) is None
    assert router.allow_migrate(REPLICA, "agencies") is False


def test_without_a_replica_configured_everything_reads_the_primary():
    with replica_reads():
        assert ReplicaRouter().db_for_read(apps.get_model("agencies", "Agency")) is None


@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_staff_agency_list_reads_from_the_replica(client, replica):
    # Committed rows, as a replica sees them (it is another connection).
    restore_program_seeds()
    reviewer = UserFactory(email="reviewer@onemind.example")
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    with_totp(reviewer)
    AgencyFactory(name="Replica Test Police")
    login(client, reviewer, mfa=True)
    with CaptureQueriesContext(replica) as on_replica:
        page = client.get(reverse("staff:dashboard"))
    assert page.status_code == 200 and "Replica Test Police" in page.content.decode()
    assert any("agencies_agency" in q["sql"] for q in on_replica.captured_queries)
    with CaptureQueriesContext(replica) as agency_page_reads:
        client.get(reverse("staff:review_queue"))
    assert agency_page_reads.captured_queries == []  # other staff pages stay on the primary


def documented_tables() -> dict[str, str]:
    rows = re.findall(
        r"^\| `([a-z_]+)` \| (distributed|reference|local) \|", SCALING.read_text(), re.M
    )
    return dict(rows)


def test_every_table_is_placed_in_the_citus_plan():
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    documented = documented_tables()
    assert tables - documented.keys() == set(), "add these tables to docs/scaling.md"
    assert documented.keys() - tables == set(), "these tables no longer exist"


def test_distributed_tables_carry_agency_id_in_every_uniqueness_rule():
    found = set()
    for model in apps.get_models():
        table = model._meta.db_table
        if documented_tables().get(table) != "distributed":
            continue
        agency = model._meta.get_field("agency")  # raises if there is none
        if agency.null:
            found.add(f"{table}: agency_id may be null")
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if fields and "agency" not in fields:
                found.add(f"{table}: {', '.join(fields)} unique without agency_id")
        for field in model._meta.fields:
            if field.unique and not field.primary_key:
                found.add(f"{table}: {field.name} unique alone")
    assert found == KNOWN_CHANGES


def test_reference_and_local_tables_point_only_to_reference_tables():
    """Citus refuses a foreign key from a reference table to any other kind, and keeps a local
    table's only towards reference tables (copied to the coordinator)."""
    documented = documented_tables()
    found = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if documented.get(table) not in {"reference", "local"}:
            continue
        for field in model._meta.fields:
            if field.is_relation and field.db_constraint:
                target = field.related_model._meta.db_table
                if documented.get(target) != "reference":
                    found.add(f"{table}.{field.column} -> {target} ({documented.get(target)})")
    assert found == set()
