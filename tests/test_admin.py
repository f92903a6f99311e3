"""Django admin: program administrators read every row the product's apps show there, from
every agency, and change none of them (changes go through the product's pages)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.admin import AllAgenciesAdmin, ReadOnlyAdmin
from agencies.models import Role
from tests.conftest import login, member
from tests.factories import (
    AgencyFactory,
    DocumentFactory,
    ImportBatchFactory,
    InvitationFactory,
    meets_everything,
    shared_agreement,
    sign,
)

READ_ONLY = {
    model._meta.label: (model, model_admin)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ReadOnlyAdmin)
}


def rows_of_every_kind(agency, coordinator) -> None:
    """A row of every model admin shows, in `agency`."""
    meets_everything(agency, people=2)
    sign(agency, coordinator)
    ImportBatchFactory(agency=agency)
    DocumentFactory(agency=agency)
    InvitationFactory(agency=agency)


@pytest.fixture
def every_kind_of_row(agency_a, agency_b, coordinator, coordinator_b):
    rows_of_every_kind(agency_a, coordinator)
    rows_of_every_kind(agency_b, coordinator_b)
    shared_agreement(agency_a, agency_b)  # a part of each agency in one shared MOU


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def rows_of(model, model_admin):
    return model.all_agencies if isinstance(model_admin, AllAgenciesAdmin) else model.objects


def test_the_training_models_are_listed_on_the_admin_index(client, administrator):
    login(client, administrator, mfa=True)
    index = client.get(reverse("admin:index")).content.decode()
    for label in ["training.Person", "training.Course", "training.TrainingRecord",
                  "training.ImportBatch"]:  # fmt: skip
        assert admin_url(READ_ONLY[label][0], "changelist") in index, label


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_administrators_read_every_agency_s_rows(client, administrator, every_kind_of_row, label):
    model, model_admin = READ_ONLY[label]
    rows = rows_of(model, model_admin)
    assert rows.exists(), f"no {label} to open"
    login(client, administrator, mfa=True)
    listing = client.get(admin_url(model, "changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == rows.count()
    one = rows.order_by("pk").last()
    page = client.get(admin_url(model, "change", one.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_administrators_change_nothing_in_admin(client, administrator, every_kind_of_row, label):
    model, model_admin = READ_ONLY[label]
    one = rows_of(model, model_admin).order_by("pk").first()
    login(client, administrator, mfa=True)
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "change", one.pk), {}).status_code == 403
    assert client.post(admin_url(model, "delete", one.pk), {"post": "yes"}).status_code == 403
    assert rows_of(model, model_admin).filter(pk=one.pk).exists()


def test_a_list_costs_the_same_queries_however_many_rows_it_shows(
    client, administrator, every_kind_of_row
):
    def queries(model) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(admin_url(model, "changelist"))
        return len(captured)

    login(client, administrator, mfa=True)
    client.get(reverse("admin:index"))  # caches filled once per process (content types)
    before = {label: queries(model) for label, (model, _) in READ_ONLY.items()}
    agency = AgencyFactory()
    rows_of_every_kind(agency, member(agency, Role.COORDINATOR, "chief@third.example"))
    assert {label: queries(model) for label, (model, _) in READ_ONLY.items()} == before
