"""The webhook events the pledge's life writes: each in the transaction of its change, for
the agency's endpoints that want it (delivery itself: tests/agencies/test_webhooks.py)."""

import pytest
from django.utils import timezone

from agencies.models import Role, WebhookDelivery
from agencies.webhooks import network
from pledges.certification import services as certification
from pledges.engine import progress
from tests.conftest import member
from tests.factories import (
    WebhookEndpointFactory,
    certificate_of,
    meets_everything,
    sign,
)

EVERY_EVENT = [
    "requirement.status_changed",
    "pledge.state_changed",
    "certificate.issued",
    "certificate.revoked",
    "import.finished",
]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """A delivery attempted in a test (an import runs its on-commit work) finds no host."""

    def unknown(host, port):
        raise OSError("no network in tests")

    monkeypatch.setattr(network, "resolve", unknown)


def events(agency, event_type=None):
    rows = WebhookDelivery.all_agencies.filter(agency=agency).order_by("pk")
    if event_type:
        rows = rows.filter(event_type=event_type)
    return [row.payload for row in rows]


def test_signing_the_pledge_tells_that_it_moved(agency_a):
    WebhookEndpointFactory(agency=agency_a, events=EVERY_EVENT)
    coordinator = member(agency_a, Role.COORDINATOR, "dana@agency-a.example")
    pledge = sign(agency_a, coordinator)
    (moved,) = events(agency_a, "pledge.state_changed")
    assert moved["type"] == "pledge.state_changed"
    assert moved["data"]["pledge_id"] == str(pledge.public_id)
    assert (moved["data"]["previous_state"], moved["data"]["state"]) == ("draft", "pledged")


def test_an_agency_without_an_endpoint_for_the_event_writes_nothing(agency_a, agency_b):
    WebhookEndpointFactory(agency=agency_a, events=["import.finished"])
    WebhookEndpointFactory(agency=agency_b, events=EVERY_EVENT)
    sign(agency_a, member(agency_a, Role.COORDINATOR, "dana@agency-a.example"))
    assert not WebhookDelivery.all_agencies.exists()


def test_a_certificate_issued_and_revoked(agency_a):
    WebhookEndpointFactory(agency=agency_a, events=EVERY_EVENT)
    certificate = certificate_of(agency_a)
    (issued,) = events(agency_a, "certificate.issued")
    assert issued["data"]["certificate_id"] == str(certificate.public_id)
    assert issued["data"]["number"] == certificate.number
    states = [e["data"]["state"] for e in events(agency_a, "pledge.state_changed")]
    assert states == ["pledged", "submitted", "certified"]

    reviewer = certificate.review.reviewer
    certification.certificate_revoke(actor=reviewer, certificate=certificate, reason="Wrong name")
    (revoked,) = events(agency_a, "certificate.revoked")
    assert revoked["data"]["number"] == certificate.number


def test_the_recompute_tells_which_requirements_changed(agency_a):
    endpoint = WebhookEndpointFactory(agency=agency_a, events=["requirement.status_changed"])
    progress.recompute([agency_a.pk])  # the first snapshot: nothing to compare with
    assert events(agency_a) == []
    meets_everything(agency_a)
    progress.recompute([agency_a.pk])
    changed = {e["data"]["requirement"]: e["data"] for e in events(agency_a)}
    assert set(changed) == {"partnership", "policy", "cit", "coverage"}
    assert changed["cit"]["met"] is True and changed["cit"]["previous_met"] is False
    assert changed["coverage"]["count"] == changed["coverage"]["required"] == 5
    assert all(e["data"]["all_met"] for e in events(agency_a))
    progress.recompute([agency_a.pk])  # nothing changed since
    assert len(events(agency_a)) == 4
    assert {row.endpoint for row in WebhookDelivery.all_agencies.all()} == {endpoint}


def test_two_recomputes_from_the_same_snapshot_tell_a_change_once(agency_a):
    """Two runs at once both read the snapshot before the change: their events share ids."""
    from pledges.engine import requirement_events

    WebhookEndpointFactory(agency=agency_a, events=["requirement.status_changed"])
    progress.recompute([agency_a.pk])
    on = agency_a.today()
    previous = requirement_events.previous_results([agency_a.pk], on)
    meets_everything(agency_a)
    progress.recompute([agency_a.pk])
    assert len(events(agency_a)) == 4
    row = {f: getattr(previous[agency_a.pk], f) for f in ("day", "all_met")}
    row |= {"agency_id": agency_a.pk, "all_met": True, "partnership_met": True}
    row |= {"policy_met": True, "cit_met": True, "coverage_met": True}
    row |= {"cit_count": 1, "cit_required": 1, "covered_count": 5, "covered_required": 5}
    on, at = row.pop("day"), timezone.now()
    assert requirement_events.emit_changes(previous, [row], day=on, computed_at=at) == 0
    assert len(events(agency_a)) == 4


def test_a_slower_recompute_does_not_undo_a_newer_ones_news(agency_a):
    """A run that began before another one, and finishes after it, had its row refused
    (`newer_by`); its older results are not announced as a change back."""
    from datetime import timedelta

    from pledges.engine import requirement_events

    WebhookEndpointFactory(agency=agency_a, events=["requirement.status_changed"])
    progress.recompute([agency_a.pk])
    meets_everything(agency_a)
    progress.recompute([agency_a.pk])
    assert len(events(agency_a)) == 4
    previous = requirement_events.previous_results([agency_a.pk], agency_a.today())
    newest = previous[agency_a.pk]
    stale = {f: getattr(newest, f) for f in ("day", "all_met")} | {
        "agency_id": agency_a.pk, "partnership_met": False, "policy_met": False,
        "cit_met": False, "coverage_met": False, "cit_count": 0, "cit_required": 1,
        "covered_count": 0, "covered_required": 5,
    }  # fmt: skip
    earlier = newest.computed_at - timedelta(seconds=1)
    assert (
        requirement_events.emit_changes(previous, [stale], day=newest.day, computed_at=earlier) == 0
    )
    assert len(events(agency_a)) == 4
