"""Getting started: the five things a new agency sets up, each read from the agency's own
data (never from a box someone ticked), for the checklist on its dashboard."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from django.db.models import Exists

from agencies.models import Agency
from agencies.tenancy import agency_scope
from partnerships.queries import versions_in_force
from pledges.models import CrisisPolicy, Pledge, PledgeStatus
from training.models import IN_SCOPE, Person, TrainingRecord


@dataclass(frozen=True)
class GettingStarted:
    """Which steps the agency has done, in the order the checklist lists them."""

    roster: bool  # someone in scope on the roster
    training: bool  # at least one training record
    partnership: bool  # a partnership (MOU) in force today that counts
    policy: bool  # a crisis-response policy recorded
    pledge: bool  # the pledge signed (at any time: a withdrawn one was signed too)

    @property
    def done_count(self) -> int:
        return sum(astuple(self))

    @property
    def step_count(self) -> int:
        return len(astuple(self))

    @property
    def complete(self) -> bool:
        return all(astuple(self))


def getting_started(agency: Agency) -> GettingStarted:
    """The agency's getting-started steps, in one query whatever the size of its roster."""
    today = agency.today()
    with agency_scope(agency):
        steps = (
            Agency.objects.filter(pk=agency.pk)
            .values(
                roster=Exists(Person.objects.filter(IN_SCOPE)),
                training=Exists(TrainingRecord.objects.all()),
                partnership=Exists(versions_in_force(today).filter(agency=agency)),
                policy=Exists(CrisisPolicy.objects.all()),
                pledge=Exists(Pledge.objects.exclude(status=PledgeStatus.DRAFT)),
            )
            .get()
        )
    return GettingStarted(**{name: bool(done) for name, done in steps.items()})
