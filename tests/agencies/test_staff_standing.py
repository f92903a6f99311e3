"""Whether someone is program staff is asked on every page (the header's staff link, the
MFA enrolment asked of staff) and kept in the cache; any change to their groups, a group's
permissions or their account takes effect on their next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.staff import REVIEWER_GROUP, is_program_staff
from tests.conftest import login, with_totp

STAFF_LINK = "Program staff</span>"


def dashboard(client, agency) -> str:
    response = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency.slug}))
    assert response.status_code == 200
    return response.content.decode()


def asks_for_an_authenticator(client, agency) -> bool:
    response = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency.slug}))
    return response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


@pytest.fixture
def reviewers():
    return Group.objects.get(name=REVIEWER_GROUP)


@pytest.fixture
def reviewing_coordinator(client, agency_a, coordinator, reviewers):
    """The coordinator, also a reviewer, signed in with MFA: the header links to staff pages."""
    coordinator.groups.add(reviewers)
    with_totp(coordinator)
    login(client, coordinator, mfa=True)
    assert STAFF_LINK in dashboard(client, agency_a)
    return coordinator


def test_pages_after_the_first_ask_no_permission_queries(client, agency_a, coordinator):
    login(client, coordinator)
    assert STAFF_LINK not in dashboard(client, agency_a)

    with CaptureQueriesContext(connection) as queries:
        assert STAFF_LINK not in dashboard(client, agency_a)

    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_a_member_added_to_the_reviewers_must_enrol_mfa_on_the_next_page(
    client, agency_a, coordinator, reviewers
):
    login(client, coordinator)
    assert STAFF_LINK not in dashboard(client, agency_a)  # remembered: not staff

    reviewers.user_set.add(coordinator)  # from the group's side of the relation

    assert asks_for_an_authenticator(client, agency_a)


@pytest.mark.parametrize("how", ["user's groups cleared", "removed from the group"])
def test_a_reviewer_taken_off_the_group_loses_the_staff_link(
    client, agency_a, reviewing_coordinator, reviewers, how
):
    coordinator = reviewing_coordinator

    if how == "user's groups cleared":
        coordinator.groups.clear()
    else:
        reviewers.user_set.remove(coordinator)

    assert STAFF_LINK not in dashboard(client, agency_a)


def test_a_permission_taken_from_the_group_takes_the_staff_link_too(
    client, agency_a, reviewing_coordinator, reviewers
):

    review = Permission.objects.get(codename="review_agencies")
    review.group_set.remove(reviewers)  # from the permission's side

    assert STAFF_LINK not in dashboard(client, agency_a)


def test_a_permission_given_to_the_user_directly_counts(client, agency_a, coordinator):
    login(client, coordinator)
    assert STAFF_LINK not in dashboard(client, agency_a)

    coordinator.user_permissions.add(Permission.objects.get(codename="review_agencies"))

    assert asks_for_an_authenticator(client, agency_a)


def test_an_account_made_superuser_counts_as_staff_on_the_next_page(client, agency_a, coordinator):
    login(client, coordinator)
    assert STAFF_LINK not in dashboard(client, agency_a)

    coordinator.is_superuser = True
    coordinator.save(update_fields=["is_superuser"])

    assert asks_for_an_authenticator(client, agency_a)


@pytest.mark.parametrize("deleted", ["the group", "the permission"])
def test_deleting_the_group_or_its_permission_takes_the_staff_link(
    client, agency_a, reviewing_coordinator, reviewers, deleted
):

    if deleted == "the group":
        reviewers.delete()
    else:
        Permission.objects.get(codename="review_agencies").delete()

    assert STAFF_LINK not in dashboard(client, agency_a)


def test_an_answer_kept_while_the_change_was_uncommitted_is_forgotten_on_commit(
    coordinator, reviewers, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from agencies.models import User

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        reviewers.user_set.add(coordinator)
        # Another request, reading before the commit, kept the old answer.
        cache.set(f"staff-standing:{coordinator.pk}", [])

    assert is_program_staff(User.objects.get(pk=coordinator.pk))
