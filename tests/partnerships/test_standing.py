"""Where a partnership stands on a day, and whether it meets the pledge requirement —
judged the same way by the Python rule (one agency, with reasons) and the SQL one (all)."""

from datetime import date, timedelta

import pytest

from partnerships import queries
from partnerships.models import PartnershipVersion
from partnerships.standing import Status, standing
from tests.factories import AgencyFactory, PartnershipFactory, PartnershipVersionFactory

D = date(2026, 6, 15)
DAY = timedelta(days=1)


def agreement(agency=None, **terms):
    partnership = PartnershipFactory(
        **({"organization__agency": agency} if agency else {}),
        terminated_on=terms.pop("terminated_on", None),
        termination_reason=terms.pop("termination_reason", ""),
    )
    terms.setdefault("signed_on", date(2025, 1, 2))
    terms.setdefault("effective_on", date(2025, 1, 2))
    PartnershipVersionFactory(partnership=partnership, **terms)
    return partnership


def status_on(partnership, on):
    return standing(
        partnership, PartnershipVersion.all_agencies.filter(partnership=partnership), on
    )


def assert_sql_agrees(partnership, on):
    """The set-wise query counts the agency exactly when the one-agency rule does."""
    met = queries.partnership_finding(partnership.agency, on).met
    counted = queries.agencies_with_partnership_in_force(on).filter(pk=partnership.agency_id)
    assert counted.exists() == met


@pytest.mark.parametrize(
    ("terms", "on", "status", "counts"),
    [
        ({"effective_on": D}, D, Status.ACTIVE, True),  # effective today
        ({"signed_on": D - DAY, "effective_on": D + DAY}, D, Status.PENDING, False),
        ({"signed_on": D + DAY, "effective_on": D + DAY}, D, Status.PENDING, False),
        ({"expires_on": D}, D, Status.EXPIRING, True),  # expires today: its last day
        ({"expires_on": D - DAY}, D, Status.EXPIRED, False),
        ({"expires_on": D + timedelta(days=60)}, D, Status.EXPIRING, True),
        ({"expires_on": D + timedelta(days=61)}, D, Status.ACTIVE, True),
        ({"expires_on": None}, D, Status.ACTIVE, True),  # open-ended
        ({"expires_on": D - 100 * DAY, "auto_renews": True}, D, Status.ACTIVE, True),
        ({"terminated_on": D, "termination_reason": "Closed"}, D, Status.TERMINATED, False),
        ({"terminated_on": D + DAY, "termination_reason": "Closed"}, D, Status.EXPIRING, True),
        ({"signed_on": None, "effective_on": None, "document": None}, D, Status.DRAFT, False),
        ({"alternative": ""}, D, Status.ACTIVE, False),  # names no alternative
    ],
)
def test_status_across_date_boundaries(db, terms, on, status, counts):
    partnership = agreement(**terms)

    result = status_on(partnership, on)

    assert result.status == status
    assert (result.in_force and result.counts) is counts
    assert_sql_agrees(partnership, on)


def test_the_reason_names_the_agreement_and_the_day(db):
    partnership = agreement(expires_on=date(2026, 3, 1))
    finding = queries.partnership_finding(partnership.agency, D)
    assert not finding.met
    assert finding.reasons == [
        f"The Crisis stabilization MOU with {partnership.organization.name} expired on Mar 1, 2026."
    ]


def test_no_partnership_at_all_is_said_plainly(db):
    agency = AgencyFactory()
    finding = queries.partnership_finding(agency, D)
    assert not finding.met
    assert "No partnership (MOU)" in finding.reasons[0]
    assert not queries.agencies_with_partnership_in_force(D).filter(pk=agency.pk).exists()


def test_a_renewal_takes_over_when_the_original_expires(db):
    partnership = agreement(expires_on=date(2026, 6, 30))
    PartnershipVersionFactory(
        partnership=partnership,
        kind="renewal",
        signed_on=date(2026, 6, 1),
        effective_on=date(2026, 7, 1),
        expires_on=date(2029, 6, 30),
    )
    assert status_on(partnership, date(2026, 6, 30)).status == Status.EXPIRING
    on_renewal = status_on(partnership, date(2026, 7, 1))
    assert on_renewal.status == Status.ACTIVE
    assert on_renewal.version.kind == "renewal"
    for day in (date(2026, 6, 30), date(2026, 7, 1)):
        assert_sql_agrees(partnership, day)


def test_an_amendment_that_drops_the_alternative_stops_counting_from_its_date(db):
    partnership = agreement()
    PartnershipVersionFactory(
        partnership=partnership,
        kind="amendment",
        signed_on=D - 10 * DAY,
        effective_on=D,
        alternative="",
    )
    assert status_on(partnership, D - DAY).counts
    assert not status_on(partnership, D).counts
    assert_sql_agrees(partnership, D - DAY)
    assert_sql_agrees(partnership, D)


def test_one_good_partnership_is_enough(db):
    agency = AgencyFactory()
    agreement(agency, expires_on=D - DAY)
    good = agreement(agency)
    assert queries.partnership_finding(agency, D).met
    assert_sql_agrees(good, D)


def test_the_sql_rule_is_one_query_for_every_agency(db, django_assert_num_queries):
    for _ in range(3):
        agreement()
    with django_assert_num_queries(1):
        assert len(queries.agencies_with_partnership_in_force(D)) == 3


def test_versions_recorded_in_the_same_instant_are_ordered_the_same_way_by_both_rules(db):
    partnership = agreement(alternative="")
    first = PartnershipVersion.all_agencies.get(partnership=partnership)
    PartnershipVersionFactory(
        partnership=partnership,
        kind="amendment",
        signed_on=first.signed_on,
        effective_on=first.effective_on,
        created_at=first.created_at,
        alternative="Drop-off at the crisis center.",
    )
    assert queries.partnership_finding(partnership.agency, D).met
    assert_sql_agrees(partnership, D)
