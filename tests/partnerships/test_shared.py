"""A shared MOU: one agreement naming several agencies, recorded once by their region or by
one of them, confirmed, declined or left by each party for itself, and read by its parties
(and the region that recorded it) only."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.hooks import evidence_changed
from agencies.models import (
    Agency,
    AuditEvent,
    MemberAgency,
    MemberAgencyStatus,
    RegionRole,
    Role,
)
from partnerships import queries, services
from partnerships.models import (
    Partnership,
    PartnershipParty,
    PartnershipVersion,
    PartyStatus,
    VersionKind,
)
from partnerships.shared import services as shared
from pledges.emails import notices
from pledges.engine.progress import recompute
from pledges.models import ProgressSnapshot
from pledges.queries import getting_started
from tests.conftest import login, member
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    OrganizationFactory,
    PartnershipVersionFactory,
    RegionFactory,
    RegionMembershipFactory,
    UserFactory,
    shared_agreement,
    sign,
)
from tests.forms import agreement_form
from tests.pages import check_page

TODAY = Agency().today()


def url(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


def region_url(name, region, **kwargs):
    return reverse(name, kwargs={"region_slug": region.slug, **kwargs})


@pytest.fixture
def agency_c(db):
    return AgencyFactory(name="Riverton Police Department", slug="riverton-pd", region="KY")


@pytest.fixture
def region(agency_a, agency_b, agency_c):
    """The county's collaborative, which Millbrook, Harlan and Riverton joined."""
    region = RegionFactory(name="Harlan County Crisis Collaborative", slug="harlan-cc")
    for agency in (agency_a, agency_b, agency_c):
        MemberAgencyFactory(region=region, agency=agency)
    return region


@pytest.fixture
def region_coordinator(region):
    user = UserFactory(email="lead@collaborative.example")
    RegionMembershipFactory(region=region, user=user, role=RegionRole.COORDINATOR)
    return user


@pytest.fixture
def coordinator_c(agency_c):
    return member(agency_c, Role.COORDINATOR, "coordinator@riverton.example")


@pytest.fixture
def announced():
    heard = []

    def listener(sender, agency, **kwargs):
        heard.append(agency.pk)

    evidence_changed.connect(listener)
    yield heard
    evidence_changed.disconnect(listener)


def counts_for(agency) -> bool:
    """Whether the agency meets the partnership requirement today, by both rules alike."""
    met = queries.partnership_finding(agency, TODAY).met
    assert queries.agencies_with_partnership_in_force(TODAY).filter(pk=agency.pk).exists() == met
    return met


def part_of(agency, partnership) -> PartnershipParty:
    return PartnershipParty.all_agencies.get(agency=agency, partnership=partnership)


def region_form(lead, *parties, **overrides):
    form = agreement_form(OrganizationFactory.build(pk=0), title="County crisis MOU")
    del form["organization"]
    form.update(
        lead=lead.pk,
        parties=[p.pk for p in parties],
        organization_name="Harlan County Crisis Center",
        organization_type="crisis_center",
        **overrides,
    )
    return form


def test_a_region_records_a_shared_mou_that_counts_for_no_one_before_confirmation(
    client, agency_a, agency_b, agency_c, region, region_coordinator, private_files
):
    login(client, region_coordinator)
    response = client.post(
        region_url("region_partnership_create", region), region_form(agency_a, agency_b)
    )

    partnership = Partnership.all_agencies.get()
    assert response["Location"] == region_url(
        "region_partnership_detail", region, partnership_id=partnership.public_id
    )
    assert (partnership.agency, partnership.region) == (agency_a, region)
    assert partnership.organization.agency == agency_a
    assert partnership.organization.name == "Harlan County Crisis Center"
    parts = {p.agency: p.status for p in PartnershipParty.all_agencies.all()}
    assert parts == {agency_a: PartyStatus.AWAITING, agency_b: PartyStatus.AWAITING}
    assert not counts_for(agency_a) and not counts_for(agency_b) and not counts_for(agency_c)
    events = AuditEvent.objects.filter(action="partnership.party_named", region=region)
    assert {e.agency for e in events} == {agency_a, agency_b}
    page = client.get(response["Location"]).content.decode()
    assert "Millbrook Police Department" in page and "Awaiting confirmation" in page
    assert (
        "County crisis MOU"
        in client.get(region_url("region_partnership_list", region)).content.decode()
    )


def test_a_region_names_only_its_members_as_parties(
    client, agency_a, agency_b, region, region_coordinator, private_files
):
    outsider = AgencyFactory(name="Elsewhere Police Department")
    login(client, region_coordinator)
    response = client.post(
        region_url("region_partnership_create", region), region_form(agency_a, outsider)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="not a member of Harlan County"):
        shared.region_partnership_create(
            region=region, actor=region_coordinator, lead=outsider, parties=[agency_b],
            organization_name="Harbor", organization_type="crisis_center",
            title="County crisis MOU", terms={},
        )  # fmt: skip
    with pytest.raises(ValidationError, match="not Elsewhere Police Department"):
        shared.region_partnership_create(
            region=region, actor=region_coordinator, lead=agency_a, parties=[outsider],
            organization_name="Harbor", organization_type="crisis_center",
            title="County crisis MOU", terms={},
        )  # fmt: skip
    assert not Partnership.all_agencies.exists()


def test_a_region_viewer_reads_the_mous_but_does_not_record_one(client, region):
    viewer = RegionMembershipFactory(region=region, role=RegionRole.VIEWER).user
    login(client, viewer)
    assert client.get(region_url("region_partnership_list", region)).status_code == 200
    assert client.get(region_url("region_partnership_create", region)).status_code == 403


def test_each_party_confirms_for_itself_and_the_mou_counts_for_it_alone(
    client, agency_a, agency_b, agency_c, region, coordinator_b, announced,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    partnership = shared_agreement(
        agency_a, agency_b, agency_c, region=region, lead_status="awaiting"
    )
    login(client, coordinator_b)
    detail = url("partnership_detail", agency_b, partnership_id=partnership.public_id)
    assert "counts toward your pledge once you confirm it" in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("partnership_party_answer", agency_b, partnership_id=partnership.public_id),
            {"answer": "confirm"},
        )

    assert response["Location"] == detail
    assert part_of(agency_b, partnership).status == PartyStatus.CONFIRMED
    assert counts_for(agency_b)
    assert not counts_for(agency_a) and not counts_for(agency_c)
    assert announced == [agency_b.pk]
    event = AuditEvent.objects.get(action="partnership.party_confirmed")
    assert (event.agency, event.region, event.actor) == (agency_b, region, coordinator_b)
    assert event.changes["status"] == ["awaiting", "confirmed"]
    recompute([agency_a.pk, agency_b.pk, agency_c.pk], TODAY)
    met = dict(ProgressSnapshot.all_agencies.values_list("agency_id", "partnership_met"))
    assert met == {agency_a.pk: False, agency_b.pk: True, agency_c.pk: False}


def test_a_party_declines_and_may_change_its_mind(
    client, agency_a, agency_b, region, coordinator_b
):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    login(client, coordinator_b)
    answer = url("partnership_party_answer", agency_b, partnership_id=partnership.public_id)

    client.post(answer, {"answer": "decline", "reason": "Harlan did not sign this one."})

    assert part_of(agency_b, partnership).status == PartyStatus.DECLINED
    assert not counts_for(agency_b) and counts_for(agency_a)
    assert queries.partnerships(agency_b, TODAY) == []
    event = AuditEvent.objects.get(action="partnership.party_declined", agency=agency_b)
    assert event.changes["reason"] == [None, "Harlan did not sign this one."]
    page = client.get(url("partnership_detail", agency_b, partnership_id=partnership.public_id))
    assert (
        "Your agency declined this agreement: Harlan did not sign this one."
        in page.content.decode()
    )

    client.post(answer, {"answer": "confirm"})
    assert counts_for(agency_b)


def test_an_answer_must_be_chosen(client, agency_a, agency_b, region, coordinator_b):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    login(client, coordinator_b)
    response = client.post(
        url("partnership_party_answer", agency_b, partnership_id=partnership.public_id), {}
    )
    assert response.status_code == 200
    assert "Choose whether your agency confirms or declines." in response.content.decode()


def test_a_party_leaving_ends_the_mou_for_itself_alone(
    client, agency_a, agency_b, agency_c, region, coordinator_b, announced,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    partnership = shared_agreement(agency_a, agency_b, agency_c, region=region)
    PartnershipParty.all_agencies.filter(partnership=partnership).update(status="confirmed")
    assert counts_for(agency_a) and counts_for(agency_b) and counts_for(agency_c)
    login(client, coordinator_b)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("partnership_party_leave", agency_b, partnership_id=partnership.public_id),
            {"on": TODAY.isoformat(), "reason": "Harlan joined the state agreement instead."},
        )

    part = part_of(agency_b, partnership)
    assert (part.status, part.left_on, part.left_by) == (PartyStatus.LEFT, TODAY, coordinator_b)
    assert not counts_for(agency_b)
    assert counts_for(agency_a) and counts_for(agency_c)
    assert Partnership.all_agencies.get().terminated_on is None
    assert announced == [agency_b.pk]
    event = AuditEvent.objects.get(action="partnership.party_left")
    assert (event.agency, event.region) == (agency_b, region)
    assert event.changes["left_on"] == [None, TODAY.isoformat()]
    others = {p.agency_id: p.status for p in PartnershipParty.all_agencies.exclude(agency=agency_b)}
    assert set(others.values()) == {PartyStatus.CONFIRMED}


def test_leaving_needs_a_reason_and_a_party_that_confirmed(
    client, agency_a, agency_b, region, coordinator_b
):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    login(client, coordinator_b)
    leave = url("partnership_party_leave", agency_b, partnership_id=partnership.public_id)

    response = client.post(leave, {"on": TODAY.isoformat(), "reason": ""})
    assert "This field is required." in response.content.decode()
    response = client.post(leave, {"on": TODAY.isoformat(), "reason": "Moved on."})
    assert "Only a party that confirmed the agreement can leave it." in response.content.decode()
    assert part_of(agency_b, partnership).status == PartyStatus.AWAITING


def test_leaving_can_be_given_ahead(agency_a, agency_b, region, coordinator_b):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    part = part_of(agency_b, partnership)
    shared.party_confirm(agency=agency_b, actor=coordinator_b, party=part)
    shared.party_leave(
        agency=agency_b, actor=coordinator_b, party=part,
        on=TODAY + timedelta(days=30), reason="The county's new MOU replaces it.",
    )  # fmt: skip
    assert counts_for(agency_b)
    (row,) = queries.partnerships(agency_b, TODAY)
    assert row.standing.ends_on == TODAY + timedelta(days=29)
    later = TODAY + timedelta(days=30)
    assert not queries.partnership_finding(agency_b, later).met
    assert queries.partnership_finding(agency_a, later).met


def test_an_agency_records_a_shared_mou_with_the_members_of_its_regions(
    client, agency_a, agency_b, region, coordinator, private_files
):
    organization = OrganizationFactory(agency=agency_a, name="Harbor Crisis Center")
    outsider = AgencyFactory(name="Elsewhere Police Department")
    login(client, coordinator)
    create = url("shared_partnership_create", agency_a)
    page = client.get(create).content.decode()
    assert "Harlan County Sheriff" in page and "Elsewhere Police Department" not in page

    response = client.post(create, {**agreement_form(organization), "parties": [agency_b.pk]})

    partnership = Partnership.all_agencies.get()
    assert response["Location"] == url(
        "partnership_detail", agency_a, partnership_id=partnership.public_id
    )
    assert partnership.region is None
    assert part_of(agency_a, partnership).status == PartyStatus.CONFIRMED
    assert part_of(agency_b, partnership).status == PartyStatus.AWAITING
    assert counts_for(agency_a) and not counts_for(agency_b)
    assert AuditEvent.objects.filter(action="partnership.party_named", agency=agency_b).exists()
    with pytest.raises(ValidationError, match="not Elsewhere Police Department"):
        shared.shared_partnership_create(
            actor=coordinator, lead=agency_a, parties=[outsider], organization=organization,
            title="Another MOU", terms={},
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Name at least one other agency"):
        shared.shared_partnership_create(
            actor=coordinator, lead=agency_a, parties=[agency_a], organization=organization,
            title="Another MOU", terms={},
        )  # fmt: skip


def test_an_editor_does_not_commit_other_agencies(client, agency_a, editor):
    login(client, editor)
    assert client.get(url("shared_partnership_create", agency_a)).status_code == 403


def test_the_lead_changing_the_mou_announces_every_party_but_one_that_declined(
    agency_a, agency_b, agency_c, region, coordinator, announced, django_capture_on_commit_callbacks
):
    partnership = shared_agreement(agency_a, agency_b, agency_c, region=region)
    PartnershipParty.all_agencies.filter(agency=agency_c).update(status="declined")
    with django_capture_on_commit_callbacks(execute=True):
        services.partnership_terminate(
            agency=agency_a, actor=coordinator, partnership=partnership, on=TODAY,
            reason="Replaced by the state agreement.",
        )  # fmt: skip
    assert sorted(announced) == sorted([agency_a.pk, agency_b.pk])


def test_every_party_reads_the_one_document_and_version_history(
    client, agency_a, agency_b, region, coordinator_b, region_coordinator
):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    renewal = PartnershipVersionFactory(partnership=partnership, kind=VersionKind.RENEWAL)
    login(client, coordinator_b)
    page = client.get(url("partnership_detail", agency_b, partnership_id=partnership.public_id))
    text = page.content.decode()
    assert "Renewal" in text and "Original agreement" in text
    assert renewal.created_by.email not in text  # the lead's people stay the lead's
    download = url(
        "partnership_document", agency_b,
        partnership_id=partnership.public_id, version_id=renewal.public_id,
    )  # fmt: skip
    assert download in text
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")

    login(client, region_coordinator)
    response = client.get(
        region_url(
            "region_partnership_document",
            region,
            partnership_id=partnership.public_id,
            version_id=renewal.public_id,
        )  # fmt: skip
    )
    assert response.status_code == 200


def test_a_non_party_gets_404_for_the_mou_and_its_document(
    client, agency_a, agency_b, agency_c, region, coordinator_c
):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    version = PartnershipVersion.all_agencies.get(partnership=partnership)
    ids = {"partnership_id": partnership.public_id}
    login(client, coordinator_c)  # a member of the same region, but no party
    for name, kwargs in [
        ("partnership_detail", ids),
        ("partnership_party_answer", ids),
        ("partnership_party_leave", ids),
        ("partnership_document", {**ids, "version_id": version.public_id}),
    ]:
        assert client.get(url(name, agency_c, **kwargs)).status_code == 404, name
    assert (
        client.post(
            url("partnership_party_answer", agency_c, **ids), {"answer": "confirm"}
        ).status_code
        == 404
    )


def test_a_party_reads_the_mou_and_nothing_else_of_the_lead(
    client, agency_a, agency_b, region, coordinator_b
):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    own = PartnershipVersionFactory(partnership__organization__agency=agency_a).partnership
    login(client, coordinator_b)
    ids = {"partnership_id": partnership.public_id}
    for name in ("partnership_renew", "partnership_amend", "partnership_terminate"):
        assert client.get(url(name, agency_b, **ids)).status_code == 404, name
    organization_id = partnership.organization.public_id
    assert (
        client.get(url("organization_edit", agency_b, organization_id=organization_id)).status_code
        == 404
    )
    assert (
        client.get(url("partnership_detail", agency_b, partnership_id=own.public_id)).status_code
        == 404
    )
    document = PartnershipVersion.all_agencies.get(partnership=partnership).document
    assert (
        client.get(url("document_download", agency_b, document_id=document.public_id)).status_code
        == 404
    )


def test_another_region_sees_none_of_the_mous_a_region_recorded(client, agency_a, agency_b, region):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    version = PartnershipVersion.all_agencies.get(partnership=partnership)
    other = RegionFactory()
    user = RegionMembershipFactory(region=other).user
    login(client, user)
    ids = {"partnership_id": partnership.public_id}
    assert client.get(region_url("region_partnership_detail", other, **ids)).status_code == 404
    document = region_url("region_partnership_document", other, **ids, version_id=version.public_id)
    assert client.get(document).status_code == 404
    listing = client.get(region_url("region_partnership_list", other)).content.decode()
    assert partnership.title not in listing and "No shared partnerships recorded yet." in listing
    assert client.get(region_url("region_partnership_detail", region, **ids)).status_code == 404


def test_the_region_s_view_of_a_mou_ends_for_an_agency_that_left_it(
    client, agency_a, agency_b, agency_c, region, region_coordinator
):
    partnership = shared_agreement(agency_a, agency_b, agency_c, region=region)
    version = PartnershipVersion.all_agencies.get(partnership=partnership)
    ids = {"partnership_id": partnership.public_id}
    detail = region_url("region_partnership_detail", region, **ids)
    document = region_url(
        "region_partnership_document", region, **ids, version_id=version.public_id
    )
    listing = region_url("region_partnership_list", region)
    login(client, region_coordinator)
    assert agency_c.name in client.get(detail).content.decode()

    # A party leaves the region: its answers are no longer the region's to read.
    MemberAgency.all_regions.filter(agency=agency_c).update(status=MemberAgencyStatus.LEFT)
    assert agency_c.name not in client.get(detail).content.decode()
    assert agency_c.name not in client.get(listing).content.decode()

    # The lead leaves: the agreement is its record, and the region reads none of it.
    MemberAgency.all_regions.filter(agency=agency_a).update(status=MemberAgencyStatus.LEFT)
    assert client.get(detail).status_code == 404
    assert client.get(document).status_code == 404
    assert partnership.title not in client.get(listing).content.decode()


def test_a_region_does_not_see_a_shared_mou_it_did_not_record(
    client, agency_a, agency_b, region, region_coordinator
):
    partnership = shared_agreement(agency_a, agency_b)  # recorded by Millbrook itself
    login(client, region_coordinator)
    ids = {"partnership_id": partnership.public_id}
    assert client.get(region_url("region_partnership_detail", region, **ids)).status_code == 404


def test_the_region_reads_its_mous_in_a_fixed_number_of_queries(
    client, agency_a, agency_b, agency_c, region, region_coordinator, django_assert_num_queries
):
    for _ in range(3):
        shared_agreement(agency_a, agency_b, agency_c, region=region)
    login(client, region_coordinator)
    list_url = region_url("region_partnership_list", region)
    client.get(list_url)
    with django_assert_num_queries(6):
        response = client.get(list_url)
    assert response.status_code == 200
    shared_agreement(agency_a, agency_b, agency_c, region=region)
    with django_assert_num_queries(6):
        client.get(list_url)


def test_a_confirmed_part_ticks_the_getting_started_step(agency_a, agency_b, region):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    assert getting_started(agency_a).partnership
    assert not getting_started(agency_b).partnership
    PartnershipParty.all_agencies.filter(partnership=partnership).update(status="confirmed")
    assert getting_started(agency_b).partnership


@time_machine.travel(datetime(2026, 6, 15, 15, tzinfo=UTC), tick=False)
def test_a_shared_mou_ending_is_announced_to_each_party_it_still_applies_to(
    agency_a, agency_b, agency_c, region, coordinator, coordinator_b, coordinator_c
):
    for agency, user in [
        (agency_a, coordinator),
        (agency_b, coordinator_b),
        (agency_c, coordinator_c),
    ]:
        sign(agency, user)
    today = agency_a.today()
    partnership = shared_agreement(
        agency_a, agency_b, agency_c, region=region, expires_on=today + timedelta(days=60)
    )
    parts = PartnershipParty.all_agencies.filter(partnership=partnership)
    parts.update(status="confirmed")
    parts.filter(agency=agency_c).update(
        status="left", left_on=today + timedelta(days=20), reason="Riverton has its own MOU."
    )

    letters = notices.partnership_reminder_letters()

    assert {letter.agency_id for letter in letters} == {agency_a.pk, agency_b.pk}
    assert {letter.context["partnership_id"] for letter in letters} == {partnership.pk}


def test_the_shared_mou_pages_share_the_accessible_layout(
    client, agency_a, agency_b, region, coordinator, coordinator_b, region_coordinator
):
    partnership = shared_agreement(agency_a, agency_b, region=region)
    ids = {"partnership_id": partnership.public_id}
    pages = [
        (coordinator, url("shared_partnership_create", agency_a)),
        (coordinator, url("partnership_detail", agency_a, **ids)),
        (coordinator_b, url("partnership_list", agency_b)),
        (coordinator_b, url("partnership_detail", agency_b, **ids)),
        (coordinator_b, url("partnership_party_answer", agency_b, **ids)),
        (coordinator_b, url("partnership_party_leave", agency_b, **ids)),
        (region_coordinator, region_url("region_partnership_list", region)),
        (region_coordinator, region_url("region_partnership_create", region)),
        (region_coordinator, region_url("region_partnership_detail", region, **ids)),
    ]
    for user, page in pages:
        login(client, user)
        response = client.get(page)
        assert response.status_code == 200, page
        check_page(response.content.decode())
