"""The audit trail: written with the change, append-only, visible to the right people."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies import services
from agencies.models import Agency, AuditEvent, Membership, Role
from tests.conftest import login


def test_a_change_and_its_event_commit_together(agency_a, coordinator, editor):
    membership = Membership.all_agencies.get(user=editor)
    services.membership_change_role(
        agency=agency_a, actor=coordinator, membership=membership, role=Role.VIEWER
    )
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.changes == {"role": ["editor", "viewer"]}
    assert (event.actor, event.agency, event.actor_email) == (
        coordinator,
        agency_a,
        coordinator.email,
    )
    assert event.at.microsecond or event.at.second  # sub-second precision is kept


def test_a_failed_write_leaves_no_event(agency_a, coordinator, stranger):
    with (
        mock.patch.object(Membership.all_agencies, "create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.agency_register(
            actor=stranger, name="Doomed PD", agency_type="municipal", region="VA"
        )
    assert not Agency.objects.filter(name="Doomed PD").exists()
    assert not AuditEvent.objects.exists()


def test_a_refused_change_leaves_no_event(agency_a, coordinator):
    own = Membership.all_agencies.get(user=coordinator)
    with pytest.raises(ValidationError):
        services.membership_change_role(
            agency=agency_a, actor=coordinator, membership=own, role=Role.EDITOR
        )
    assert not AuditEvent.objects.exists()


def test_events_cannot_be_edited_or_deleted(agency_a, coordinator):
    services.agency_update(agency=agency_a, actor=coordinator, sworn_strength=41)
    event = AuditEvent.objects.get()
    event.action = "nothing.happened"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get().action == "agency.updated"


def test_the_client_address_is_recorded(client, agency_a, coordinator, editor):
    login(client, coordinator)
    membership = Membership.all_agencies.get(user=editor)
    client.post(
        reverse(
            "member_edit", kwargs={"agency_slug": agency_a.slug, "member_id": membership.public_id}
        ),
        {"role": "viewer"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert AuditEvent.objects.get(action="membership.role_changed").ip == "203.0.113.9"


def test_coordinators_see_their_own_trail_only(
    client, agency_a, agency_b, coordinator, coordinator_b
):
    services.agency_update(agency=agency_a, actor=coordinator, locality="Millbrook Village")
    services.agency_update(agency=agency_b, actor=coordinator_b, locality="Harlan Town")
    login(client, coordinator)
    page = client.get(
        reverse("agency_audit", kwargs={"agency_slug": agency_a.slug})
    ).content.decode()
    assert "Millbrook Village" in page and "Harlan Town" not in page


def test_staff_see_every_agency_trail(
    client, agency_a, agency_b, coordinator, coordinator_b, reviewer
):
    services.agency_update(agency=agency_a, actor=coordinator, locality="Millbrook Village")
    services.agency_update(agency=agency_b, actor=coordinator_b, locality="Harlan Town")
    login(client, reviewer, mfa=True)
    page = client.get(reverse("staff:audit")).content.decode()
    assert "Millbrook Village" in page and "Harlan Town" in page
