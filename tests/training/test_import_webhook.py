"""An import that finished is a webhook event, written once, in the transaction that ends it."""

import pytest

from agencies.models import WebhookDelivery
from agencies.webhooks import network
from tests.factories import PersonFactory, WebhookEndpointFactory
from tests.files import ROSTER_CSV
from training.imports import runs as import_runs
from training.models import ImportState


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """The delivery the import's commit asks for finds no host."""

    def unknown(host, port):
        raise OSError("no network in tests")

    monkeypatch.setattr(network, "resolve", unknown)


def test_an_import_that_finished_tells_it_once(importer, agency_a):
    WebhookEndpointFactory(agency=agency_a, events=["import.finished"])
    batch = importer.run(ROSTER_CSV)
    import_runs.import_run(batch_id=batch.pk)  # a second delivery of the task
    assert batch.state == ImportState.DONE
    (finished,) = WebhookDelivery.all_agencies.filter(agency=agency_a)
    data = finished.payload["data"]
    assert (finished.event_type, data["import_id"]) == ("import.finished", str(batch.public_id))
    assert (data["state"], data["counts"]["create"]) == ("done", 3)
    # Its delivery was attempted as the import committed, and refused: no such host.
    assert finished.attempts == 1 and "could not be found" in finished.last_error


def test_an_import_that_failed_tells_it(importer, agency_a):
    WebhookEndpointFactory(agency=agency_a, events=["import.finished"])
    batch = importer.check(importer.upload(ROSTER_CSV))
    batch.preview["counts"]["rows_with_errors"] = -1  # the file now has more errors than shown
    batch.save(update_fields=["preview"])
    PersonFactory(agency=agency_a)  # the roster changed meanwhile: the run plans again
    batch = importer.confirm(batch)
    assert batch.state == ImportState.FAILED
    (finished,) = WebhookDelivery.all_agencies.filter(agency=agency_a)
    assert finished.payload["data"]["state"] == "failed"
    assert finished.payload["data"]["error"] == batch.error
