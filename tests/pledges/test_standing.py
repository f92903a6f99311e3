"""Each agency's standing (its latest pledge and latest progress on one row) equals what its
pledges and snapshots say, after every kind of change that moves either."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from pledges import services
from pledges.certification import services as certification
from pledges.engine import progress, standing
from pledges.models import AgencyStanding, Pledge, PledgeStatus, ProgressSnapshot
from pledges.models.standing import PLEDGE_FIELDS, PROGRESS_FIELDS
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    TrainingRecordFactory,
    UserFactory,
    meets_everything,
    sign,
)

NOON = "2026-03-02 17:00:00+00:00"  # noon in New York, the factories' agencies' zone


def truth() -> dict[int, dict]:
    """What every agency's standing should be, worked out in Python from every pledge and
    snapshot: the pledge created last and the snapshot of the latest day."""
    pledges, snapshots = {}, {}
    for pledge in Pledge.all_agencies.order_by("created_at", "pk"):
        pledges[pledge.agency_id] = {
            "pledge_id": pledge.pk,
            "pledge_status": pledge.status,
            "pledge_target": pledge.target_date,
            "pledged_on": pledge.pledged_on,
        }
    for snapshot in ProgressSnapshot.all_agencies.order_by("day"):
        snapshots[snapshot.agency_id] = {name: getattr(snapshot, name) for name in PROGRESS_FIELDS}
    empty = dict.fromkeys([*PLEDGE_FIELDS, *PROGRESS_FIELDS])
    return {
        agency_id: {**empty, **pledges.get(agency_id, {}), **snapshots.get(agency_id, {})}
        for agency_id in Agency.objects.values_list("pk", flat=True)
    }


def stored() -> dict[int, dict]:
    """Every agency's standing as the lists read it (an agency without a row: all empty)."""
    rows = {
        row.pop("agency_id"): row
        for row in AgencyStanding.objects.values("agency_id", *PLEDGE_FIELDS, *PROGRESS_FIELDS)
    }
    empty = dict.fromkeys([*PLEDGE_FIELDS, *PROGRESS_FIELDS])
    return {
        agency_id: rows.get(agency_id, empty)
        for agency_id in Agency.objects.values_list("pk", flat=True)
    }


def assert_standing_is_true():
    expected = truth()
    assert stored() == expected
    return expected


@pytest.fixture
def agencies(db):
    """Two agencies meeting everything, a third with one person untrained, a fourth bare."""
    with time_machine.travel(NOON, tick=False):
        met, other = AgencyFactory(verified=True), AgencyFactory(verified=True)
        meets_everything(met)
        meets_everything(other)
        lagging = AgencyFactory()
        TrainingRecordFactory(person__agency=lagging)
        AgencyFactory()
    return met, other, lagging


def coordinator_of(agency):
    return MembershipFactory(agency=agency, role="coordinator").user


def test_a_pledge_s_every_move_is_on_its_standing(agencies):
    met, other, lagging = agencies
    reviewer = UserFactory()
    with time_machine.travel(NOON, tick=False):
        assert_standing_is_true()
        coordinator = coordinator_of(met)
        pledge = sign(met, coordinator)  # signed
        assert assert_standing_is_true()[met.pk]["pledge_status"] == PledgeStatus.PLEDGED
        submission = services.pledge_submit(agency=met, actor=coordinator, pledge=pledge)
        assert_standing_is_true()
        certification.review_return(
            reviewer=reviewer, submission=submission, comments={"policy": "Sign it."}
        )
        assert assert_standing_is_true()[met.pk]["pledge_status"] == PledgeStatus.RETURNED
    with time_machine.travel("2026-03-09 17:00:00+00:00", tick=False):
        submission = services.pledge_submit(agency=met, actor=coordinator, pledge=pledge)
        certification.review_approve(reviewer=reviewer, submission=submission)
        assert assert_standing_is_true()[met.pk]["pledge_status"] == PledgeStatus.CERTIFIED

        other_coordinator = coordinator_of(other)
        first = sign(other, other_coordinator)
        services.pledge_withdraw(
            agency=other, actor=other_coordinator, pledge=first, reason="New chief."
        )
        assert assert_standing_is_true()[other.pk]["pledge_status"] == PledgeStatus.WITHDRAWN
    with time_machine.travel("2026-05-04 17:00:00+00:00", tick=False):
        second = sign(other, other_coordinator, target_date=date(2027, 12, 31))
        row = assert_standing_is_true()[other.pk]
        assert (row["pledge_id"], row["pledge_target"]) == (second.pk, date(2027, 12, 31))

        late = sign(lagging, coordinator_of(lagging), target_date=date(2027, 6, 1))
    with time_machine.travel("2027-06-02 17:00:00+00:00", tick=False):
        assert services.lapse_overdue_pledges(date(2027, 6, 2)) == 1
        late.refresh_from_db()
        assert late.status == PledgeStatus.LAPSED
        assert_standing_is_true()


def test_every_recompute_leaves_the_latest_day_on_the_standing(agencies):
    met, other, lagging = agencies
    ids = [a.pk for a in agencies]
    with time_machine.travel(NOON, tick=False):
        sign(lagging, coordinator_of(lagging))
        progress.recompute(ids)  # today's, first of all
        today = assert_standing_is_true()[lagging.pk]
        assert (today["day"], today["in_scope"], today["pledge_status"]) == (
            date(2026, 3, 2),
            1,
            PledgeStatus.PLEDGED,
        )

    with time_machine.travel("2026-03-03 17:00:00+00:00", tick=False):
        TrainingRecordFactory(person__agency=lagging)  # a second person, trained
        progress.recompute(ids)  # the next day's
        assert assert_standing_is_true()[lagging.pk]["in_scope"] == 2
        progress.recompute(ids, date(2026, 2, 1))  # an earlier day, written after
        assert assert_standing_is_true()[lagging.pk]["day"] == date(2026, 3, 3)
        TrainingRecordFactory(person__agency=lagging)
        progress.recompute(ids)  # the same day again, later in it
        assert assert_standing_is_true()[lagging.pk]["in_scope"] == 3


@pytest.mark.postgres  # SQLite, the quick start's database, writes one process at a time
def test_a_slower_recompute_does_not_overwrite_a_later_one(agencies):
    _, _, lagging = agencies
    with time_machine.travel(NOON, tick=False):
        progress.recompute([lagging.pk])
        later = timezone.now() + timedelta(minutes=5)
        ProgressSnapshot.all_agencies.filter(agency=lagging).update(computed_at=later)
        AgencyStanding.objects.filter(agency=lagging).update(computed_at=later)
        TrainingRecordFactory(person__agency=lagging)
        progress.recompute([lagging.pk])  # began before the one stamped five minutes later
        assert assert_standing_is_true()[lagging.pk]["in_scope"] == 1


def test_a_failed_transaction_leaves_the_standing_as_it_was(agencies):
    met, _, _ = agencies
    with time_machine.travel(NOON, tick=False):
        coordinator = coordinator_of(met)
        with pytest.raises(RuntimeError), transaction.atomic():
            sign(met, coordinator)
            raise RuntimeError("the request failed after signing")
        assert assert_standing_is_true()[met.pk]["pledge_status"] is None


def test_refresh_works_out_what_bulk_writes_left(agencies):
    met, other, lagging = agencies
    with time_machine.travel(NOON, tick=False):
        progress.recompute([a.pk for a in agencies])
        sign(met, coordinator_of(met))
        AgencyStanding.objects.all().delete()  # as after a dataset loaded in bulk
        standing.refresh([a.pk for a in agencies])
        assert_standing_is_true()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_recompute_committing_during_a_submission_does_not_fail_it(coordinator, agency_a):
    """The submission reads in one snapshot, then writes the agency's standing; a recompute
    that wrote the standing meanwhile makes it read again, not fail."""
    import pledges.services as pledge_services
    from tests.races import in_the_worst_order

    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)

    submitted, recomputed = in_the_worst_order(
        lambda: services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge),
        lambda: progress.recompute([agency_a.pk]),
        pause_before=(pledge_services, "frozen_evidence"),
    )

    assert recomputed == 1
    assert isinstance(submitted, pledge_services.Submission), submitted
    assert assert_standing_is_true()[agency_a.pk]["pledge_status"] == PledgeStatus.SUBMITTED


def test_the_refresh_command_repairs_what_an_older_version_left(agencies):
    """A pledge signed by the previous version of the code during a deploy, which knew
    nothing of the standing, is on it once the command has run."""
    from django.core.management import call_command

    from training.models import Person

    met, _, lagging = agencies
    with time_machine.travel(NOON, tick=False):
        sign(met, coordinator_of(met))
        AgencyStanding.objects.all().delete()
        Person.all_agencies.update(cit_until=None, mhfa_until=None)
        call_command("refresh_standing", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert assert_standing_is_true()[met.pk]["pledge_status"] == PledgeStatus.PLEDGED
        repaired = Person.all_agencies.filter(agency=lagging)
        assert repaired.exclude(cit_until=None, mhfa_until=None).exists()
