"""What each role may do in its own agency, checked on the server."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from agencies.models import Membership, Role
from agencies.tenancy import agency_scope
from tests.conftest import login


def url(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


@pytest.mark.parametrize("persona", ["coordinator", "editor", "viewer"])
def test_every_member_reads_the_dashboard_and_member_list(client, request, agency_a, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(url("agency_dashboard", agency_a)).status_code == 200
    assert client.get(url("member_list", agency_a)).status_code == 200


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_only_the_coordinator_manages_members_and_settings(
    client, request, agency_a, coordinator, persona
):
    user = request.getfixturevalue(persona)
    login(client, user)
    target = Membership.all_agencies.get(user=coordinator)
    for name, kwargs in [
        ("member_invite", {}),
        ("agency_settings", {}),
        ("agency_audit", {}),
        ("member_edit", {"member_id": target.public_id}),
    ]:
        assert client.get(url(name, agency_a, **kwargs)).status_code == 403
    response = client.post(
        url("member_edit", agency_a, member_id=target.public_id), {"role": Role.VIEWER}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.COORDINATOR
    response = client.post(
        url("member_invite", agency_a), {"email": "x@y.example", "role": "viewer"}
    )
    assert response.status_code == 403


def test_member_pages_hide_management_from_non_coordinators(client, agency_a, coordinator, viewer):
    login(client, viewer)
    page = client.get(url("member_list", agency_a)).content.decode()
    assert "Invite someone" not in page and "Change role" not in page
    login(client, coordinator)
    page = client.get(url("member_list", agency_a)).content.decode()
    assert "Invite someone" in page and "Change role" in page


def test_coordinator_changes_a_role(client, agency_a, coordinator, editor):
    login(client, coordinator)
    membership = Membership.all_agencies.get(user=editor)
    response = client.post(
        url("member_edit", agency_a, member_id=membership.public_id), {"role": Role.VIEWER}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_the_last_coordinator_cannot_be_demoted_or_removed(client, agency_a, coordinator):
    login(client, coordinator)
    own = Membership.all_agencies.get(user=coordinator)
    response = client.post(
        url("member_edit", agency_a, member_id=own.public_id), {"role": "editor"}
    )
    assert response.status_code == 200
    assert "only coordinator" in response.content.decode()
    response = client.post(url("member_remove", agency_a, member_id=own.public_id), follow=True)
    assert "only coordinator" in response.content.decode()
    with agency_scope(agency_a):
        assert Membership.objects.get(user=coordinator).role == Role.COORDINATOR


def test_a_second_coordinator_makes_demotion_possible(client, agency_a, coordinator, editor):
    login(client, coordinator)
    other = Membership.all_agencies.get(user=editor)
    client.post(url("member_edit", agency_a, member_id=other.public_id), {"role": "coordinator"})
    own = Membership.all_agencies.get(user=coordinator)
    client.post(url("member_edit", agency_a, member_id=own.public_id), {"role": "editor"})
    own.refresh_from_db()
    assert own.role == Role.EDITOR


def test_removing_a_member_keeps_their_account(client, agency_a, coordinator, editor):
    login(client, coordinator)
    membership = Membership.all_agencies.get(user=editor)
    client.post(url("member_remove", agency_a, member_id=membership.public_id))
    assert not Membership.all_agencies.filter(user=editor).exists()
    editor.refresh_from_db()
    assert editor.is_active


def test_member_list_queries_do_not_grow_with_members(
    client, agency_a, coordinator, django_assert_max_num_queries
):
    from tests.factories import MembershipFactory

    login(client, coordinator)
    MembershipFactory.create_batch(3, agency=agency_a)
    with django_assert_max_num_queries(12) as few:
        client.get(url("member_list", agency_a))
    MembershipFactory.create_batch(20, agency=agency_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("member_list", agency_a))


def test_a_member_of_two_agencies_switches_between_them_with_one_membership_query(
    client, agency_a, agency_b, coordinator
):
    Membership.all_agencies.create(agency=agency_b, user=coordinator, role=Role.VIEWER)
    login(client, coordinator)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(url("agency_dashboard", agency_b)).content.decode()

    assert "Switch agency" in page
    assert escape(f"{agency_a.name} (Coordinator)") in page
    assert escape(f"{agency_b.name} (Viewer)") in page
    asked = [q for q in queries.captured_queries if 'FROM "agencies_membership"' in q["sql"]]
    assert len(asked) == 1


def test_removing_a_coordinator_says_which_of_their_api_tokens_still_work(
    client, agency_a, coordinator
):
    """Tokens are the agency's (an integration keeps working), so whoever removes their
    creator is told how many still work; a revoked one is not counted."""
    from agencies.tokens.services import token_create, token_revoke
    from tests.factories import MembershipFactory

    leaving = MembershipFactory(agency=agency_a, role=Role.COORDINATOR)
    for name in ("RMS nightly sync", "LMS sync", "Old sync"):
        token, _text = token_create(
            agency=agency_a, actor=leaving.user, name=name, scopes=["read"], valid_days=90
        )
    token_revoke(agency=agency_a, actor=coordinator, token=token)
    login(client, coordinator)
    response = client.post(url("member_remove", agency_a, member_id=leaving.public_id), follow=True)
    assert f"2 API tokens {leaving.user.email} created still work" in response.content.decode()
