"""The audit trail: written with the change, append-only, visible to the right people."""

from datetime import UTC, datetime
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies import services
from agencies.models import Agency, AuditEvent, Membership, Role
from partnerships import services as partnerships
from pledges import services as pledge_services
from pledges.certification import services as certification
from tests.conftest import login
from tests.factories import OrganizationFactory, TrainingRecordFactory, UserFactory, course, sign
from tests.forms import agreement_form, policy_form
from training.models import CourseKind

PRODUCT_APPS = ["agencies", "training", "partnerships", "pledges"]


def agency_url(name, agency):
    return reverse(name, kwargs={"agency_slug": agency.slug})


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


# The trail names each object in words, as it read when the event was recorded.


@pytest.fixture
def certified_in_december(client, agency_a, coordinator, private_files):
    """Agency A's year: a policy adopted Dec 1, 2026 and an MOU recorded through their
    forms, everyone trained, the pledge signed on Dec 21 and certified the same day."""
    with time_machine.travel(datetime(2026, 12, 21, 15, tzinfo=UTC), tick=False):
        login(client, coordinator)
        client.post(agency_url("policy_create", agency_a), policy_form())
        county = OrganizationFactory(agency=agency_a, name="Harlan County CSB")
        client.post(
            agency_url("partnership_create", agency_a),
            agreement_form(county, title="County crisis partnership"),
        )
        for kind in [CourseKind.CIT, *[CourseKind.MHFA] * 4]:
            TrainingRecordFactory(person__agency=agency_a, course=course(kind))
        submission = pledge_services.pledge_submit(
            agency=agency_a, actor=coordinator, pledge=sign(agency_a, coordinator)
        )
        Agency.objects.filter(pk=agency_a.pk).update(verified=True)
        certification.review_approve(reviewer=UserFactory(), submission=submission)
    return county


def test_the_trail_says_what_each_object_is(client, certified_in_december, reviewer):
    login(client, reviewer, mfa=True)
    page = client.get(reverse("staff:audit")).content.decode()

    for label in [
        "the pledge signed Dec 21, 2026",
        "MOU “County crisis partnership” with Harlan County CSB",
        "policy “Responding to persons in crisis” (adopted Dec 1, 2026)",
        "certificate OM-2026-000001",
    ]:
        assert f'<td data-label="Object">{label}</td>' in page
    assert "Pledge of" not in page


def test_an_object_renamed_later_reads_as_it_was_in_earlier_events(
    agency_a, coordinator, certified_in_december
):
    partnerships.organization_update(
        agency=agency_a,
        actor=coordinator,
        organization=certified_in_december,
        name="Harlan Behavioral Health",
    )

    created = AuditEvent.objects.get(action="partnership.created")
    renamed = AuditEvent.objects.get(action="organization.updated")
    assert created.object_repr == "MOU “County crisis partnership” with Harlan County CSB"
    assert renamed.object_repr == "organization “Harlan Behavioral Health”"


# Models whose rows are never the object of an audit event, and why.
NEVER_AUDITED = {
    "agencies.SignInFailure": "a failed sign-in is recorded against the account",
    "agencies.SignInLock": "a lock is recorded against the account",
    "agencies.Heartbeat": "a process's pulse, not a change",
    "agencies.AuditEvent": "the trail itself",
    "pledges.AgencyStanding": "a copy of the latest pledge and snapshot, recorded with them",
    "training.ImportMapping": "remembered column choices, recorded with the import",
    "training.ImportTouch": "an import's effect, recorded with the import",
    "partnerships.PartnershipVersion": "recorded against its partnership",
    "pledges.Submission": "recorded against its pledge",
    "pledges.Review": "a decision is recorded against the pledge it decides",
    "pledges.ProgressSnapshot": "the nightly figures, derived from audited changes",
    "pledges.CertificateSequence": "a counter, recorded with the certificate it numbers",
}
NEVER_AUDITED["agencies.IdempotencyKey"] = "an API write's kept answer; the write is audited"


@pytest.mark.parametrize(
    "model",
    [m for app in PRODUCT_APPS for m in apps.get_app_config(app).get_models()],
    ids=lambda m: m._meta.label,
)
def test_every_model_names_itself_in_words_for_the_trail(model):
    """A model an event may name says what it is (`audit_label`), else it is listed above:
    a new model cannot fall back to a bare "Pledge of 5" unnoticed."""
    label = model._meta.label
    assert hasattr(model, "audit_label") != (label in NEVER_AUDITED), (
        f"{label}: give it an audit_label property, or list it in NEVER_AUDITED with a reason"
    )
