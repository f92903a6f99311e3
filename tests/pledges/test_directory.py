"""The public directory: opted-in agencies with an open or certified pledge, by state."""

from django.urls import reverse

from pledges.models import Pledge
from tests.factories import AgencyFactory, MembershipFactory, refresh_standing, sign
from tests.pages import check_page


def pledged_agency(name, region, opt_in=True, status=None, verified=True):
    agency = AgencyFactory(name=name, region=region, directory_opt_in=opt_in, verified=verified)
    coordinator = MembershipFactory(agency=agency, role="coordinator").user
    sign(agency, coordinator)
    if status:
        Pledge.all_agencies.filter(agency=agency).update(status=status)
        refresh_standing(agency)
    return agency, coordinator


def certified_agency(name, region):
    from pledges import services
    from pledges.certification import services as certification
    from tests.factories import UserFactory, meets_everything

    agency = AgencyFactory(name=name, region=region, directory_opt_in=True, verified=True)
    coordinator = MembershipFactory(agency=agency, role="coordinator").user
    meets_everything(agency)
    pledge = sign(agency, coordinator)
    submission = services.pledge_submit(agency=agency, actor=coordinator, pledge=pledge)
    return certification.review_approve(reviewer=UserFactory(), submission=submission)[1]


def test_the_directory_lists_who_opted_in_and_counts_per_state(client, db):
    listed, coordinator = pledged_agency("Alpha Police", "NY")
    certified_agency("Beta Police", "NY")
    revoked = certified_agency("Revoked Police", "NY")
    from pledges.certification import services as certification

    certification.certificate_revoke(actor=revoked.review.reviewer, certificate=revoked, reason="x")
    pledged_agency("Unverified Police", "NY", verified=False)
    pledged_agency("Gamma Police", "TX")
    pledged_agency("Hidden Police", "NY", opt_in=False)
    pledged_agency("Gone Police", "NY", status="withdrawn")
    AgencyFactory(name="Never Pledged", region="NY", directory_opt_in=True)

    response = client.get(reverse("directory"))
    page = response.content.decode()
    check_page(page)

    rows = response.context["rows"]
    assert [(name, status) for name, _, _, status in rows] == [
        ("Alpha Police", "Pledged"),
        ("Beta Police", "Certified"),
        ("Gamma Police", "Pledged"),
    ]
    counts = {
        row["region"]: (row["pledged"], row["certified"]) for row in response.context["counts"]
    }
    assert counts == {"NY": (1, 1), "TX": (1, 0)}
    for private in (
        "Hidden Police",
        "Gone Police",
        "Never Pledged",
        coordinator.email,
        listed.slug,
    ):
        assert private not in page

    texas = client.get(reverse("directory"), {"state": "tx"}).context["rows"]
    assert [name for name, *_ in texas] == ["Gamma Police"]


def test_the_counts_per_state_are_counted_once_a_minute(client, db, django_assert_num_queries):
    pledged_agency("Alpha Police", "NY")
    client.get(reverse("directory"))
    pledged_agency("Gamma Police", "NY")
    with django_assert_num_queries(2):  # the page and its count; the counts come from the cache
        page = client.get(reverse("directory")).content.decode()
    assert "Gamma Police" in page  # the listing itself is live


def test_with_the_cache_unreachable_the_directory_counts_directly(client, db):
    from unittest import mock

    from django.core.cache import cache

    pledged_agency("Alpha Police", "NY")
    with mock.patch.object(cache, "get", side_effect=ConnectionError("down")):
        response = client.get(reverse("directory"))
    assert response.status_code == 200 and "Alpha Police" in response.content.decode()
