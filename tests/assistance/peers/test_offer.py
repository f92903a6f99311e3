"""Offering an agency as a peer site: only for what it meets, changed, withdrawn, audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import AuditEvent
from assistance.models import PeerOffer
from assistance.peers import services
from tests.assistance.objects import standing
from tests.conftest import login
from tests.pages import check_page

OFFER = {
    "note": "Our MOU with the county crisis center took four months.",
    "contact_name": "Lt. Rosa Diaz",
    "contact_title": "CIT coordinator",
    "contact_email": "rosa.diaz@millbrook.example",
    "contact_phone": "555-0100",
}


def offer(agency, actor, *requirements):
    return services.peer_offer_save(
        agency=agency, actor=actor, requirements=list(requirements), **OFFER
    )


def test_an_agency_offers_help_with_what_it_meets(agency_a, coordinator):
    standing(agency_a, partnership=True, cit=True)

    saved = offer(agency_a, coordinator, "partnership", "cit")

    assert saved.requirements == ["partnership", "cit"]
    event = AuditEvent.objects.get(action="peer.offered")
    assert event.agency == agency_a


def test_offering_needs_the_requirement_met(agency_a, coordinator):
    standing(agency_a, partnership=True, cit=False)

    with pytest.raises(ValidationError, match="meets now"):
        offer(agency_a, coordinator, "partnership", "cit")

    assert not PeerOffer.all_agencies.exists()


def test_an_agency_never_recomputed_cannot_offer(agency_a, coordinator):
    with pytest.raises(ValidationError):
        offer(agency_a, coordinator, "policy")


def test_the_latest_standing_counts(agency_a, coordinator):
    standing(agency_a, day=agency_a.today().replace(year=2020), cit=True)
    standing(agency_a, cit=False)

    with pytest.raises(ValidationError):
        offer(agency_a, coordinator, "cit")


def test_withdrawing_and_offering_again_keeps_one_row(agency_a, coordinator):
    standing(agency_a, policy=True)
    offer(agency_a, coordinator, "policy")

    services.peer_offer_withdraw(agency=agency_a, actor=coordinator)
    assert services.peer_offer_withdraw(agency=agency_a, actor=coordinator) is None
    again = offer(agency_a, coordinator, "policy")

    assert again.withdrawn_at is None
    assert PeerOffer.all_agencies.count() == 1
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["peer.offered", "peer.offer_withdrawn", "peer.offer_changed"]


def test_the_offer_page_lists_only_met_requirements(client, agency_a, coordinator):
    standing(agency_a, coverage=True)
    login(client, coordinator)
    url = reverse("peer_offer", kwargs={"agency_slug": agency_a.slug})

    page = client.get(url)
    check_page(page.content.decode())
    assert b'value="coverage"' in page.content
    assert b'value="cit"' not in page.content

    response = client.post(url, {**OFFER, "requirements": ["coverage"]})
    assert response.status_code == 302
    assert PeerOffer.all_agencies.get(agency=agency_a).coverage


def test_an_agency_meeting_nothing_is_told_so(client, agency_a, coordinator):
    login(client, coordinator)
    page = client.get(reverse("peer_offer", kwargs={"agency_slug": agency_a.slug}))
    assert b"once it meets a requirement" in page.content


def test_editors_and_viewers_cannot_offer(client, agency_a, editor):
    standing(agency_a, cit=True)
    login(client, editor)
    url = reverse("peer_offer", kwargs={"agency_slug": agency_a.slug})
    assert client.post(url, {**OFFER, "requirements": ["cit"]}).status_code == 403
    assert not PeerOffer.all_agencies.exists()


def test_an_offer_with_an_error_says_so_once(client, agency_a, coordinator):
    standing(agency_a, coverage=True)
    login(client, coordinator)
    url = reverse("peer_offer", kwargs={"agency_slug": agency_a.slug})

    response = client.post(url, {**OFFER, "requirements": ["coverage"], "contact_email": "x"})

    assert response.status_code == 400
    page = response.content.decode()
    check_page(page)
    assert page.count("data-error-summary") == 1
    assert page.count("Error:") == 1
