"""A region's team: its coordinators invite people as coordinators or viewers, change their
roles and remove them — never the last coordinator — and withdraw invitations; an invitee
signs up from the link with the address confirmed, as an agency's invitee does."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from agencies.models import AuditEvent, RegionInvitation, RegionMembership, RegionRole, User
from agencies.regions.services import region_invitation_token
from tests.conftest import login
from tests.factories import RegionFactory, RegionMembershipFactory, UserFactory
from tests.forms import sign_up
from tests.pages import check_page


@pytest.fixture
def region(db):
    return RegionFactory(name="Blue Ridge Crisis Collaborative")


@pytest.fixture
def region_coordinator(region):
    return RegionMembershipFactory(
        region=region, user=UserFactory(email="lead@blueridge.example")
    ).user


@pytest.fixture
def region_viewer(region):
    return RegionMembershipFactory(region=region, role=RegionRole.VIEWER).user


def url(name, region, **kwargs):
    return reverse(name, kwargs={"region_slug": region.slug, **kwargs})


def membership_of(user, region) -> RegionMembership:
    return RegionMembership.all_regions.get(region=region, user=user)


def test_the_team_lists_its_people_and_roles(client, region, region_coordinator, region_viewer):
    login(client, region_viewer)
    page = client.get(url("region_team", region)).content.decode()
    check_page(page)
    assert region_coordinator.email in page and region_viewer.email in page
    assert "Region coordinator" in page and "Region viewer" in page
    assert "Invite someone" not in page and "Open invitations" not in page


def test_a_coordinator_invites_and_the_invitee_signs_up_confirmed_and_joins(
    client, region, region_coordinator, django_capture_on_commit_callbacks
):
    login(client, region_coordinator)
    check_page(client.get(url("region_team_invite", region)).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("region_team_invite", region),
            {"email": "analyst@blueridge.example", "role": "viewer"},
        )
    assert response["Location"] == url("region_team", region)
    assert "analyst@blueridge.example" in client.get(url("region_team", region)).content.decode()
    link = re.search(r"https?://\S+(/regions/invitations/\S+/)", mail.outbox[-1].body).group(1)
    client.logout()
    mail.outbox.clear()

    invitation_page = client.get(link).content.decode()
    assert "the invitation confirms your address" in invitation_page
    signup = html.unescape(
        re.search(r'href="(/accounts/signup/\?[^"]+)">Create an account<', invitation_page)[1]
    )
    query = parse_qs(urlsplit(signup).query)
    page = client.get(signup).content.decode()
    assert f"Join {region.name}" in page
    email_field = re.search(r'<input[^>]*name="email"[^>]*>', page).group(0)
    assert 'value="analyst@blueridge.example"' in email_field and "disabled" in email_field

    response = sign_up(
        client, query=signup.removeprefix("/accounts/signup/"),
        invitation=query["invitation"][0], email="someone.else@elsewhere.example",
    )  # fmt: skip
    assert response["Location"] == link  # signed in at once, back to accept
    assert mail.outbox == []  # no confirmation email to wait for
    user = User.objects.get(email="analyst@blueridge.example")
    assert EmailAddress.objects.get(user=user).verified
    assert not User.objects.filter(email__icontains="elsewhere").exists()

    assert client.post(link)["Location"] == url("region_home", region)
    assert membership_of(user, region).role == RegionRole.VIEWER


def test_a_withdrawn_region_invitation_confirms_nothing_at_sign_up(
    client, region, region_coordinator
):
    invitation = RegionInvitation.all_regions.create(
        region=region, email="late@blueridge.example", role=RegionRole.VIEWER,
        invited_by=region_coordinator, expires_at="2999-01-01T00:00Z",
    )  # fmt: skip
    login(client, region_coordinator)
    client.post(url("region_invitation_revoke", region, region_invitation_id=invitation.public_id))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action="region_invitation.revoked", region=region).exists()
    client.logout()

    token = region_invitation_token(invitation)
    page = client.get(reverse("account_signup") + f"?invitation={token}").content.decode()
    assert "disabled" not in re.search(r'<input[^>]*name="email"[^>]*>', page)[0]
    sign_up(client, query=f"?invitation={token}", invitation=token, email="late@blueridge.example")
    user = User.objects.get(email="late@blueridge.example")
    assert not EmailAddress.objects.get(user=user).verified


def test_inviting_someone_already_on_the_team_says_so(
    client, region, region_coordinator, region_viewer
):
    login(client, region_coordinator)
    response = client.post(
        url("region_team_invite", region), {"email": region_viewer.email.upper(), "role": "viewer"}
    )
    assert "is already on this region&#x27;s team" in response.content.decode()
    assert not RegionInvitation.all_regions.exists()


def test_a_coordinator_changes_a_role_audited(client, region, region_coordinator, region_viewer):
    login(client, region_coordinator)
    edit = url(
        "region_team_member_edit",
        region,
        team_member_id=membership_of(region_viewer, region).public_id,
    )
    check_page(client.get(edit).content.decode())
    assert client.post(edit, {"role": "coordinator"}).status_code == 302
    assert membership_of(region_viewer, region).role == RegionRole.COORDINATOR
    event = AuditEvent.objects.get(action="region_membership.role_changed")
    assert (event.region, event.changes["role"]) == (region, ["viewer", "coordinator"])


def test_the_last_coordinator_is_kept(client, region, region_coordinator, region_viewer):
    login(client, region_coordinator)
    mine = membership_of(region_coordinator, region).public_id
    response = client.post(
        url("region_team_member_edit", region, team_member_id=mine), {"role": "viewer"}
    )
    assert "A region needs at least one coordinator." in response.content.decode()
    response = client.post(
        url("region_team_member_remove", region, team_member_id=mine), follow=True
    )
    assert "A region needs at least one coordinator." in response.content.decode()
    assert membership_of(region_coordinator, region).role == RegionRole.COORDINATOR


def test_a_coordinator_removes_someone_audited(client, region, region_coordinator, region_viewer):
    login(client, region_coordinator)
    them = membership_of(region_viewer, region).public_id
    response = client.post(url("region_team_member_remove", region, team_member_id=them))
    assert response["Location"] == url("region_team", region)
    assert not RegionMembership.all_regions.filter(user=region_viewer).exists()
    assert AuditEvent.objects.get(action="region_membership.removed").region == region
    login(client, region_viewer)
    assert client.get(url("region_team", region)).status_code == 404


def test_a_viewer_manages_nothing(client, region, region_coordinator, region_viewer):
    login(client, region_viewer)
    theirs = membership_of(region_coordinator, region).public_id
    for name, kwargs, body in [
        ("region_team_invite", {}, {"email": "x@y.example", "role": "coordinator"}),
        ("region_team_member_edit", {"team_member_id": theirs}, {"role": "viewer"}),
        ("region_team_member_remove", {"team_member_id": theirs}, {}),
    ]:
        assert client.post(url(name, region, **kwargs), body).status_code == 403
    assert membership_of(region_coordinator, region).role == RegionRole.COORDINATOR
    assert not RegionInvitation.all_regions.exists()


def test_another_regions_team_member_is_a_404(client, region, region_coordinator):
    elsewhere = RegionMembershipFactory(region=RegionFactory(), role=RegionRole.VIEWER)
    login(client, region_coordinator)
    for name in ("region_team_member_edit", "region_team_member_remove"):
        response = client.post(
            url(name, region, team_member_id=elsewhere.public_id), {"role": "coordinator"}
        )
        assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == RegionRole.VIEWER
