"""Asking a peer for help: one open request per pair and requirement, the peer's
coordinators emailed once, contact details only after acceptance, both trails."""

from html import escape

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import AuditEvent, OutboxEmail, Role
from agencies.outbox import sending
from agencies.tenancy import TenantScopeError, agency_scope
from assistance.models import PeerRequest, PeerRequestStatus
from assistance.peers import services
from tests.assistance.objects import peer_offer, peer_request
from tests.conftest import login, member
from tests.factories import AgencyFactory
from tests.pages import check_page
from tests.races import in_the_worst_order

CONTACT = ["Rosa Diaz", "rosa.diaz@peer.example", "555-0100"]


@pytest.fixture
def offer(agency_b, coordinator_b):
    return peer_offer(agency_b, "partnership", "cit")


def ask(agency, actor, offer, requirement="partnership"):
    return services.peer_request_send(
        agency=agency,
        actor=actor,
        offer=offer,
        requirement=requirement,
        message="How did you get the county to sign?",
    )


def detail_url(agency, row):
    return reverse(
        "peer_request_detail", kwargs={"agency_slug": agency.slug, "peer_request_id": row.public_id}
    )


def answer(agency, actor, row, accept):
    return services.peer_request_answer(agency=agency, actor=actor, peer_request=row, accept=accept)


def test_a_request_emails_the_peers_coordinators_once(
    agency_a, coordinator, agency_b, coordinator_b, offer
):
    other = member(agency_b, Role.COORDINATOR, "chief@harlan.example")
    member(agency_b, Role.VIEWER, "viewer@harlan.example")

    row = ask(agency_a, coordinator, offer)
    assert ask(agency_a, coordinator, offer) == row  # sent twice: one request, one email

    assert PeerRequest.all_agencies.count() == 1
    rows = OutboxEmail.objects.filter(kind="peer_request")
    assert {r.recipient for r in rows} == {coordinator_b, other}
    assert sending.dispatch().sent == 2
    assert sending.dispatch().sent == 0
    body = mail.outbox[0].body
    assert "Millbrook Police Department" in body
    assert "How did you get the county to sign?" in body
    assert detail_url(agency_b, row) in body
    for detail in [*CONTACT, coordinator.email]:
        assert detail not in body
        assert detail not in mail.outbox[0].alternatives[0][0]


def test_a_new_request_is_allowed_once_the_last_was_declined(
    agency_a, coordinator, agency_b, coordinator_b, offer
):
    first = ask(agency_a, coordinator, offer)
    answer(agency_b, coordinator_b, first, accept=False)

    assert ask(agency_a, coordinator, offer) != first
    assert ask(agency_a, coordinator, offer, requirement="cit") != first


def test_an_agency_cannot_ask_itself(agency_b, coordinator_b, offer):
    with pytest.raises(ValidationError, match="itself"):
        ask(agency_b, coordinator_b, offer)
    assert not PeerRequest.all_agencies.exists()


def test_only_what_the_peer_is_listed_for_can_be_asked(agency_a, coordinator, offer):
    with pytest.raises(ValidationError, match="does not offer"):
        ask(agency_a, coordinator, offer, requirement="policy")


def test_a_withdrawn_offer_cannot_be_asked(agency_a, coordinator, agency_b, coordinator_b, offer):
    services.peer_offer_withdraw(agency=agency_b, actor=coordinator_b)
    with pytest.raises(ValidationError, match="no longer listed"):
        ask(agency_a, coordinator, offer)


def test_both_trails_record_the_request_and_its_answer(
    agency_a, coordinator, agency_b, coordinator_b, offer
):
    row = ask(agency_a, coordinator, offer)
    answer(agency_b, coordinator_b, row, accept=True)

    for agency in (agency_a, agency_b):
        actions = list(
            AuditEvent.objects.filter(agency=agency).order_by("pk").values_list("action", flat=True)
        )
        assert actions == ["peer.requested", "peer.request_accepted"]


@pytest.mark.parametrize("accept", [True, False])
def test_each_trail_names_the_other_agency_not_its_people(
    client, agency_a, coordinator, agency_b, coordinator_b, offer, accept
):
    login(client, coordinator)
    url = reverse(
        "peer_request_create",
        kwargs={"agency_slug": agency_a.slug, "peer_offer_id": offer.public_id},
    )
    client.post(url, {"requirement": "partnership", "message": "Help?"}, REMOTE_ADDR="203.0.113.7")
    login(client, coordinator_b)
    row = PeerRequest.all_agencies.get(agency=agency_a)
    client.post(
        detail_url(agency_b, row),
        {"answer": "accept" if accept else "decline"},
        REMOTE_ADDR="198.51.100.9",
    )

    trail_b = client.get(reverse("agency_audit", kwargs={"agency_slug": agency_b.slug}))
    login(client, coordinator)
    trail_a = client.get(reverse("agency_audit", kwargs={"agency_slug": agency_a.slug}))

    assert AuditEvent.objects.filter(agency=agency_b, action="peer.requested").exists()
    assert escape(agency_a.name) in trail_b.content.decode()
    for leaked in (coordinator.email, "203.0.113.7"):
        assert leaked not in trail_b.content.decode()
    assert escape(agency_b.name) in trail_a.content.decode()
    for leaked in (coordinator_b.email, "198.51.100.9"):
        assert leaked not in trail_a.content.decode()
    # Each agency's own trail keeps who acted, as every event does.
    assert AuditEvent.objects.get(agency=agency_a, action="peer.requested").actor == coordinator


def test_no_contact_before_acceptance_both_after(
    client, agency_a, coordinator, agency_b, coordinator_b, offer
):
    row = ask(agency_a, coordinator, offer)
    login(client, coordinator)
    pending = client.get(detail_url(agency_a, row)).content.decode()
    check_page(pending)
    assert all(detail not in pending for detail in CONTACT)
    login(client, coordinator_b)
    asked = client.get(detail_url(agency_b, row)).content.decode()
    check_page(asked)
    assert coordinator.email not in asked

    response = client.post(detail_url(agency_b, row), {"answer": "accept"})

    assert response.status_code == 302
    assert coordinator.email in client.get(detail_url(agency_b, row)).content.decode()
    login(client, coordinator)
    accepted = client.get(detail_url(agency_a, row)).content.decode()
    assert all(detail in accepted for detail in CONTACT)


def test_the_requester_is_emailed_on_acceptance_once(
    agency_a, coordinator, agency_b, coordinator_b, offer
):
    row = ask(agency_a, coordinator, offer)
    answer(agency_b, coordinator_b, row, accept=True)
    answer(agency_b, coordinator_b, row, accept=True)  # another tab: nothing more

    accepted = OutboxEmail.objects.get(kind="peer_request_accepted")
    assert accepted.recipient == coordinator
    mail.outbox.clear()
    sending.dispatch()
    [message] = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert "accepted" in message.subject
    assert detail_url(agency_a, row) in message.body


def test_a_declined_request_never_shows_contact(
    client, agency_a, coordinator, agency_b, coordinator_b, offer
):
    row = ask(agency_a, coordinator, offer)
    answer(agency_b, coordinator_b, row, accept=False)

    with pytest.raises(ValidationError, match="already answered"):
        answer(agency_b, coordinator_b, row, accept=True)
    login(client, coordinator)
    declined = client.get(detail_url(agency_a, row)).content.decode()
    assert "Declined" in declined
    assert all(detail not in declined for detail in CONTACT)
    assert not OutboxEmail.objects.filter(kind="peer_request_accepted").exists()
    sending.dispatch()  # the request's email, answered before it went: skipped
    assert mail.outbox == []


def test_the_requester_cannot_answer_its_own_request(
    client, agency_a, coordinator, agency_b, offer
):
    row = ask(agency_a, coordinator, offer)
    login(client, coordinator)
    client.post(detail_url(agency_a, row), {"answer": "accept"})
    row.refresh_from_db()
    assert row.status == PeerRequestStatus.PENDING


def test_a_third_agency_gets_404_for_the_request(client, agency_a, offer):
    row = peer_request(agency_a, offer, "cit")
    third = AgencyFactory(name="Third Police Department")
    login(client, member(third, Role.COORDINATOR, "third@third.example"))

    assert client.get(detail_url(third, row)).status_code == 404
    assert client.post(detail_url(third, row), {"answer": "accept"}).status_code == 404
    row.refresh_from_db()
    assert row.status == PeerRequestStatus.PENDING


def test_the_request_list_shows_both_sides(client, agency_a, coordinator, agency_b, offer):
    peer_request(agency_a, offer, "cit")
    peer_request(agency_b, peer_offer(agency_a, "policy"), "policy")
    login(client, coordinator)

    page = client.get(reverse("peer_request_list", kwargs={"agency_slug": agency_a.slug}))

    html = page.content.decode()
    check_page(html)
    assert html.count("Harlan County Sheriff") == 2  # asked of it, and asked by it


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_sent_twice_at_once_is_made_once(agency_a, coordinator, coordinator_b, offer):
    first, second = in_the_worst_order(
        lambda: ask(agency_a, coordinator, offer),
        lambda: ask(agency_a, coordinator, offer),
        pause_before=(PeerRequest, "save"),
    )

    assert first == second
    assert PeerRequest.all_agencies.count() == 1
    assert OutboxEmail.objects.filter(kind="peer_request").count() == 1
    assert AuditEvent.objects.filter(action="peer.requested").count() == 2  # one per trail


def test_each_side_reads_a_request_only_through_its_own_scope(agency_a, agency_b, offer):
    row = peer_request(agency_a, offer, "cit")

    with pytest.raises(TenantScopeError):
        list(PeerRequest.received.all())
    with agency_scope(agency_a):
        assert list(PeerRequest.objects.all()) == [row]
        assert list(PeerRequest.received.all()) == []
    with agency_scope(agency_b):
        assert list(PeerRequest.objects.all()) == []
        assert list(PeerRequest.received.all()) == [row]


def test_the_request_list_reads_in_a_fixed_number_of_queries(
    client, agency_a, coordinator, agency_b, offer, django_assert_num_queries
):
    login(client, coordinator)
    url = reverse("peer_request_list", kwargs={"agency_slug": agency_a.slug})
    mine = peer_offer(agency_a, "policy", met=False)
    peer_request(agency_a, offer, "cit")
    client.get(url)
    with django_assert_num_queries(4) as few:
        client.get(url)
    for _ in range(5):
        peer_request(AgencyFactory(), mine, "policy")
        peer_request(agency_a, peer_offer(AgencyFactory(), "cit"), "cit")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert len(page.context["received"]) == 5
    assert len(page.context["sent"]) == 6
