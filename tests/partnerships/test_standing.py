"""Where a partnership stands on a day, and whether it meets the pledge requirement —
judged the same way by the Python rule (one agency, with reasons) and the SQL one (all),
for an agency's own partnerships and for the shared ones it is a party to."""

from datetime import date, timedelta

import pytest

from partnerships import queries
from partnerships.models import Partnership, PartnershipParty, PartnershipVersion
from partnerships.standing import Status, standing
from tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PartnershipPartyFactory,
    PartnershipVersionFactory,
    shared_agreement,
)

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
    met_for(partnership.agency, on)


def met_for(agency, on) -> bool:
    """Whether the agency meets the requirement on `on`, once both rules agree that it does."""
    met = queries.partnership_finding(agency, on).met
    counted = queries.agencies_with_partnership_in_force(on).filter(pk=agency.pk)
    assert counted.exists() == met
    return met


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


# Shared partnerships: one agreement, several agencies, each counting it for itself.

SIGNED = {"signed_on": date(2025, 1, 2), "effective_on": date(2025, 1, 2)}
REASON = "Our county left the collaborative."


@pytest.mark.parametrize(
    ("part", "counts"),
    [
        ({"status": "confirmed"}, True),
        ({"status": "awaiting", "answered_at": None}, False),
        ({"status": "declined", "reason": "Not signed by us."}, False),
        ({"status": "left", "left_on": D, "reason": REASON}, False),  # its first day without
        ({"status": "left", "left_on": D + DAY, "reason": REASON}, True),  # gave notice
        ({"status": "left", "left_on": D - 100 * DAY, "reason": REASON}, False),
    ],
)
def test_a_shared_partnership_counts_for_each_party_by_its_own_part(db, part, counts):
    lead, party = AgencyFactory(), AgencyFactory()
    partnership = shared_agreement(lead, **SIGNED)
    PartnershipPartyFactory(partnership=partnership, agency=party, **part)

    assert met_for(party, D) is counts
    assert met_for(lead, D), "the lead keeps it whatever another party does"


def test_what_keeps_a_shared_partnership_from_counting_is_said_to_the_party(db):
    lead, waiting, gone = AgencyFactory(), AgencyFactory(), AgencyFactory()
    partnership = shared_agreement(lead, waiting, **SIGNED)
    PartnershipPartyFactory(
        partnership=partnership, agency=gone, status="left", left_on=D, reason=REASON
    )
    name = f"The Crisis stabilization MOU with {partnership.organization.name}"

    assert queries.partnership_finding(waiting, D).reasons == [
        f"{name} awaits your agency's confirmation."
    ]
    assert queries.partnership_finding(gone, D).reasons == [
        f"{name} no longer applies to your agency from Jun 15, 2026."
    ]
    (row,) = queries.partnerships(gone, D)
    assert (row.standing.status, row.standing.ends_on) == (Status.LEFT, D - DAY)


def test_a_party_leaving_later_sees_its_own_last_day(db):
    lead, party = AgencyFactory(), AgencyFactory()
    partnership = shared_agreement(lead, **SIGNED)
    PartnershipPartyFactory(
        partnership=partnership, agency=party, status="left", left_on=D + 30 * DAY, reason=REASON
    )
    (mine,) = queries.partnerships(party, D)
    (theirs,) = queries.partnerships(lead, D)
    assert (mine.standing.status, mine.standing.ends_on) == (Status.EXPIRING, D + 29 * DAY)
    assert (theirs.standing.status, theirs.standing.ends_on) == (Status.ACTIVE, None)


def test_a_lead_whose_own_part_awaits_confirmation_does_not_count_it(db):
    """A region recorded it on the lead's behalf: the lead's coordinator confirms it too."""
    lead, party = AgencyFactory(), AgencyFactory()
    partnership = shared_agreement(lead, party, lead_status="awaiting", **SIGNED)
    PartnershipParty.all_agencies.filter(agency=party).update(status="confirmed")

    assert not met_for(lead, D)
    assert met_for(party, D)
    assert partnership.agency == lead


@pytest.mark.parametrize(
    "terms",
    [
        {"expires_on": D - DAY},
        {"alternative": ""},
        {"signed_on": None, "effective_on": None, "document": None},
    ],
)
def test_a_shared_partnership_that_does_not_count_counts_for_no_party(db, terms):
    lead, party = AgencyFactory(), AgencyFactory()
    partnership = shared_agreement(lead, **{**SIGNED, **terms})
    PartnershipPartyFactory(partnership=partnership, agency=party)

    assert not met_for(party, D)
    assert not met_for(lead, D)


def test_terminating_a_shared_partnership_ends_it_for_every_party(db):
    lead, party = AgencyFactory(), AgencyFactory()
    partnership = shared_agreement(lead, **SIGNED)
    PartnershipPartyFactory(partnership=partnership, agency=party)
    Partnership.all_agencies.filter(pk=partnership.pk).update(
        terminated_on=D, termination_reason="Replaced by the state agreement."
    )
    assert not met_for(party, D)
    assert met_for(party, D - DAY)
    assert not met_for(lead, D)


def test_an_agency_of_no_part_gets_nothing_from_a_shared_partnership(db):
    lead, party, outsider = AgencyFactory(), AgencyFactory(), AgencyFactory()
    shared_agreement(lead, party, **SIGNED)
    assert not met_for(outsider, D)
    assert queries.partnerships(outsider, D) == []


def test_the_sql_rule_stays_one_query_with_shared_partnerships(db, django_assert_num_queries):
    lead, party = AgencyFactory(), AgencyFactory()
    partnership = shared_agreement(lead, **SIGNED)
    PartnershipPartyFactory(partnership=partnership, agency=party)
    agreement()
    with django_assert_num_queries(1):
        assert len(queries.agencies_with_partnership_in_force(D)) == 3


def test_an_agencys_partnerships_are_read_in_three_queries(db, django_assert_num_queries):
    lead, party = AgencyFactory(), AgencyFactory()
    for _ in range(3):
        PartnershipPartyFactory(partnership=shared_agreement(lead, **SIGNED), agency=party)
    agreement(party)
    with django_assert_num_queries(3):
        rows = queries.partnerships(party, D)
    assert len(rows) == 4 and sum(row.shared for row in rows) == 3
