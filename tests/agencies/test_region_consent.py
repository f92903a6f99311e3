"""An agency joins a region by its coordinator's consent, chooses what the region sees, can
change it or leave at any time — and the region's view ends at once. Every step is in both
trails."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import AuditEvent, MemberAgency, MemberAgencyStatus, Role, Sharing
from agencies.regions import queries, services
from tests.conftest import login, member
from tests.factories import MemberAgencyFactory, RegionFactory, RegionMembershipFactory


@pytest.fixture
def region(db):
    return RegionFactory(name="Blue Ridge Crisis Collaborative")


@pytest.fixture
def region_coordinator(region):
    return RegionMembershipFactory(region=region).user


def ask(region, region_coordinator, agency, capture):
    with capture(execute=True):
        return services.member_agency_invite(region=region, actor=region_coordinator, agency=agency)


def page(client, agency):
    return client.get(reverse("agency_regions", kwargs={"agency_slug": agency.slug}))


def post(client, agency, standing, action, **data):
    url = reverse(
        action, kwargs={"agency_slug": agency.slug, "member_agency_id": standing.public_id}
    )
    return client.post(url, data)


@pytest.mark.parametrize("sharing", Sharing.values)
def test_invite_accept_with_each_sharing_level(
    client, region, region_coordinator, agency_a, coordinator, sharing,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    standing = ask(region, region_coordinator, agency_a, django_capture_on_commit_callbacks)
    # The agency's coordinator is asked by email; nothing is shared yet.
    assert mail.outbox[-1].to == [coordinator.email]
    assert region.name in mail.outbox[-1].subject
    link = re.search(r"https?://\S+(/a/\S+/regions/)", mail.outbox[-1].body).group(1)
    assert list(queries.member_agencies(region)) == []

    login(client, coordinator)
    assert region.name in page(client, agency_a).content.decode()
    assert client.get(link).status_code == 200
    response = post(client, agency_a, standing, "region_join", sharing=sharing)
    assert response.status_code == 302

    standing.refresh_from_db()
    assert (standing.status, standing.sharing, standing.answered_by) == (
        MemberAgencyStatus.MEMBER, sharing, coordinator,
    )  # fmt: skip
    assert list(queries.member_agencies(region)) == [standing]
    assert standing.shares_roster is (sharing == Sharing.ROSTER)
    joined = AuditEvent.objects.get(action="member_agency.joined")
    assert (joined.agency, joined.region, joined.actor) == (agency_a, region, coordinator)
    assert joined.changes["sharing"] == [None, sharing]


def test_sharing_changes_and_leaving_end_the_view_at_once(client, region, agency_a, coordinator):
    standing = MemberAgencyFactory(region=region, agency=agency_a, sharing=Sharing.ROSTER)
    login(client, coordinator)

    post(client, agency_a, standing, "region_sharing", sharing=Sharing.PROGRESS)
    assert not queries.shared_agency(region, agency_a.public_id).shares_roster
    post(client, agency_a, standing, "region_leave")

    assert queries.shared_agency(region, agency_a.public_id) is None
    assert list(queries.member_agencies(region)) == []
    standing.refresh_from_db()
    assert (standing.status, standing.ended_by) == (MemberAgencyStatus.LEFT, coordinator)
    trail = list(
        AuditEvent.objects.filter(agency=agency_a, region=region).values_list("action", flat=True)
    )
    assert trail == ["member_agency.left", "member_agency.sharing_changed"]


def test_declining_shares_nothing_and_the_region_may_ask_again(
    client, region, region_coordinator, agency_a, coordinator, django_capture_on_commit_callbacks
):
    standing = ask(region, region_coordinator, agency_a, django_capture_on_commit_callbacks)
    login(client, coordinator)
    post(client, agency_a, standing, "region_decline")
    standing.refresh_from_db()
    assert standing.status == MemberAgencyStatus.DECLINED
    assert list(queries.member_agencies(region)) == []

    again = ask(region, region_coordinator, agency_a, django_capture_on_commit_callbacks)
    assert again.pk != standing.pk and again.status == MemberAgencyStatus.INVITED


def test_asking_twice_is_one_request(
    region, region_coordinator, agency_a, coordinator, django_capture_on_commit_callbacks
):
    first = ask(region, region_coordinator, agency_a, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    assert ask(region, region_coordinator, agency_a, django_capture_on_commit_callbacks) == first
    assert len(mail.outbox) == sent
    assert MemberAgency.all_regions.filter(agency=agency_a).count() == 1


def test_an_unverified_region_cannot_ask(agency_a, region_coordinator, region):
    region.verified = False
    region.save()
    with pytest.raises(ValidationError, match="not verified"):
        services.member_agency_invite(region=region, actor=region_coordinator, agency=agency_a)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_the_coordinator_answers(client, region, agency_a, role):
    standing = MemberAgencyFactory(
        region=region, agency=agency_a, status=MemberAgencyStatus.INVITED, answered_at=None
    )
    login(client, member(agency_a, role, f"{role}@millbrook.example"))
    assert region.name in page(client, agency_a).content.decode()
    assert post(client, agency_a, standing, "region_join", sharing="roster").status_code == 403
    standing.refresh_from_db()
    assert standing.status == MemberAgencyStatus.INVITED


def test_an_answer_needs_a_sharing_level(client, region, agency_a, coordinator):
    standing = MemberAgencyFactory(
        region=region, agency=agency_a, status=MemberAgencyStatus.INVITED, answered_at=None
    )
    login(client, coordinator)
    response = post(client, agency_a, standing, "region_join", sharing="everything")
    assert response.status_code == 302
    standing.refresh_from_db()
    assert standing.status == MemberAgencyStatus.INVITED
    assert "valid choice" in client.get(response.url).content.decode()


def test_the_agency_answers_only_its_own_requests(client, region, agency_a, agency_b, coordinator):
    theirs = MemberAgencyFactory(
        region=region, agency=agency_b, status=MemberAgencyStatus.INVITED, answered_at=None
    )
    login(client, coordinator)
    assert post(client, agency_a, theirs, "region_join", sharing="roster").status_code == 404
    with pytest.raises(ValidationError):
        services.member_agency_accept(agency=agency_a, actor=coordinator, member=theirs)
    theirs.refresh_from_db()
    assert theirs.status == MemberAgencyStatus.INVITED


def test_a_left_agency_cannot_be_left_again_nor_change_sharing(region, agency_a, coordinator):
    standing = MemberAgencyFactory(region=region, agency=agency_a)
    services.member_agency_leave(agency=agency_a, actor=coordinator, member=standing)
    with pytest.raises(ValidationError):
        services.member_agency_leave(agency=agency_a, actor=coordinator, member=standing)
    with pytest.raises(ValidationError, match="no longer a member"):
        services.member_agency_change_sharing(
            agency=agency_a, actor=coordinator, member=standing, sharing=Sharing.ROSTER
        )


@pytest.mark.parametrize(
    ("start", "action", "data"),
    [
        (MemberAgencyStatus.INVITED, "region_join", {"sharing": Sharing.PROGRESS}),
        (MemberAgencyStatus.INVITED, "region_decline", {}),
        (MemberAgencyStatus.MEMBER, "region_leave", {}),
    ],
)
def test_a_second_click_says_what_changed_rather_than_404(
    client, region, agency_a, coordinator, start, action, data
):
    standing = MemberAgencyFactory(region=region, agency=agency_a, status=start)
    login(client, coordinator)
    assert post(client, agency_a, standing, action, **data).status_code == 302
    after = MemberAgency.all_regions.get(pk=standing.pk).status
    second = post(client, agency_a, standing, action, **data)
    assert second.status_code == 302
    assert MemberAgency.all_regions.get(pk=standing.pk).status == after
    assert AuditEvent.objects.filter(action__startswith="member_agency.").count() == 1
    assert "a moment ago" in page(client, agency_a).content.decode()


def test_a_sharing_change_from_a_stale_page_records_what_really_changed(
    region, agency_a, coordinator
):
    standing = MemberAgencyFactory(region=region, agency=agency_a, sharing=Sharing.ROSTER)
    stale = MemberAgency.all_regions.get(pk=standing.pk)  # a page opened before the first
    services.member_agency_change_sharing(
        agency=agency_a, actor=coordinator, member=standing, sharing=Sharing.PROGRESS
    )
    services.member_agency_change_sharing(
        agency=agency_a, actor=coordinator, member=stale, sharing=Sharing.PROGRESS
    )
    changes = [
        e.changes["sharing"]
        for e in AuditEvent.objects.filter(action="member_agency.sharing_changed")
    ]
    assert changes == [[Sharing.ROSTER, Sharing.PROGRESS]]


def test_the_agencys_regions_page_reads_in_constant_queries(
    client, agency_a, coordinator, django_assert_num_queries
):
    MemberAgencyFactory(agency=agency_a, status=MemberAgencyStatus.INVITED)
    MemberAgencyFactory(agency=agency_a)
    login(client, coordinator)
    client.get(reverse("agency_regions", kwargs={"agency_slug": agency_a.slug}))
    with django_assert_num_queries(3) as captured:
        page(client, agency_a)
    for _ in range(3):
        MemberAgencyFactory(agency=agency_a, status=MemberAgencyStatus.INVITED)
        MemberAgencyFactory(agency=agency_a, sharing=Sharing.ROSTER)
    with django_assert_num_queries(len(captured)):
        response = page(client, agency_a)
    assert len(response.context["regions"]) == 4 and len(response.context["requests"]) == 4
