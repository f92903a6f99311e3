"""Finding peer sites: only offers the peer meets now, filtered by state, size and
requirement, paginated, never with the contact details."""

from django.urls import reverse

from assistance.peers.queries import PeerFilters, listed_peers, size_band
from tests.assistance.objects import peer_offer, standing
from tests.conftest import login
from tests.factories import AgencyFactory
from tests.pages import check_page


def names(agency, **filters):
    return [a.name for a in listed_peers(agency, PeerFilters(**filters))]


def find_url(agency):
    return reverse("peer_list", kwargs={"agency_slug": agency.slug})


def test_a_peer_is_listed_only_for_what_it_meets_now(agency_a):
    peer = AgencyFactory(name="Riverton Police Department")
    offer = peer_offer(peer, "cit", "policy")
    assert names(agency_a) == ["Riverton Police Department"]

    standing(peer, day=peer.today().replace(year=2099), cit=False, policy=False)

    assert names(agency_a) == []
    offer.refresh_from_db()
    assert offer.withdrawn_at is None  # listed again once it meets them again


def test_withdrawn_offers_and_the_agencys_own_are_not_listed(agency_a):
    peer_offer(agency_a, "cit")
    peer_offer(AgencyFactory(name="Gone PD"), "cit", withdrawn_at="2026-01-01T00:00Z")
    assert names(agency_a) == []


def test_filters_by_state_size_and_requirement(agency_a):
    peer_offer(AgencyFactory(name="Small VA", region="VA", sworn_strength=12), "cit")
    peer_offer(AgencyFactory(name="Mid VA", region="VA", sworn_strength=25), "policy")
    peer_offer(AgencyFactory(name="Big ON", region="ON", sworn_strength=499), "cit")
    peer_offer(AgencyFactory(name="Huge CA", region="CA", sworn_strength=34000), "coverage")
    peer_offer(AgencyFactory(name="Unknown VA", region="VA", sworn_strength=None), "cit")

    assert names(agency_a, state="va") == ["Mid VA", "Small VA", "Unknown VA"]
    assert names(agency_a, size="small") == ["Small VA"]
    assert names(agency_a, size="medium") == ["Mid VA"]
    assert names(agency_a, size="large") == ["Big ON"]
    assert names(agency_a, size="largest") == ["Huge CA"]
    assert names(agency_a, requirement="cit") == ["Big ON", "Small VA", "Unknown VA"]
    assert names(agency_a, state="VA", requirement="cit", size="small") == ["Small VA"]


def test_a_requirement_offered_but_not_met_does_not_list_the_peer_for_it(agency_a):
    peer = AgencyFactory(name="Riverton Police Department")
    standing(peer, cit=True)
    peer_offer(peer, "cit", "policy", met=False)

    assert names(agency_a, requirement="policy") == []
    assert names(agency_a, requirement="cit") == ["Riverton Police Department"]


def test_size_bands():
    assert size_band(24).startswith("Fewer than 25")
    assert size_band(25).startswith("25 to 99")
    assert size_band(100).startswith("100 to 499")
    assert size_band(500).startswith("500")
    assert size_band(None) == "Size not given"


def test_the_page_shows_the_note_never_the_contact(client, agency_a, viewer):
    peer_offer(
        AgencyFactory(name="Riverton Police Department", sworn_strength=140),
        "partnership",
        note="Our MOU took four months.",
    )
    login(client, viewer)

    page = client.get(find_url(agency_a), {"requirement": "partnership"})

    html = page.content.decode()
    check_page(html)
    assert "Riverton Police Department" in html
    assert "Our MOU took four months." in html
    assert "100 to 499 sworn officers" in html
    assert "rosa.diaz@peer.example" not in html
    assert "Rosa Diaz" not in html
    assert "555-0100" not in html


def test_the_page_is_paginated_in_a_fixed_number_of_queries(
    client, agency_a, viewer, django_assert_num_queries
):
    login(client, viewer)
    peer_offer(AgencyFactory(), "cit")
    client.get(find_url(agency_a))  # the session and the agency's own reads, warmed
    with django_assert_num_queries(5) as few:
        client.get(find_url(agency_a))
    for _ in range(30):
        peer_offer(AgencyFactory(), "cit")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(find_url(agency_a), {"page": 2})
    assert page.context["page"].paginator.count == 31
    assert len(page.context["rows"]) == 6


def test_a_coordinator_sees_how_its_own_offer_is_listed(client, agency_a, coordinator):
    peer_offer(agency_a, "cit", met=False, policy=True)
    standing(agency_a, cit=True)
    login(client, coordinator)

    html = client.get(find_url(agency_a)).content.decode()

    assert "listed as a peer site for: CIT training" in html
    assert "Not listed for Mental-health response policy" in html
