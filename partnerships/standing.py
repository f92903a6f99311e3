"""Where a partnership stands on a day, from its dates alone: pure functions, no queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from onemind.lib.dates import day
from partnerships.models import Partnership, PartnershipVersion

EXPIRY_WARNING_DAYS = 60


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Signed, not yet in force"
    ACTIVE = "active", "Active"
    EXPIRING = "expiring", "Expiring within 60 days"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


IN_FORCE = (Status.ACTIVE, Status.EXPIRING)


@dataclass(frozen=True)
class Standing:
    status: Status
    version: PartnershipVersion | None  # the version in force, else the latest one
    ends_on: date | None  # the last day in force, when an end is known
    problem: str  # why it does not count toward the pledge on that day; "" when it does

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    @property
    def counts(self) -> bool:
        return not self.problem


def version_in_force(versions: Iterable[PartnershipVersion], on: date):
    """The signed version with the latest effective date on or before `on`, if any."""
    signed = [
        v
        for v in versions
        if v.signed_on and v.signed_on <= on and v.effective_on and v.effective_on <= on
    ]
    return max(
        signed, key=lambda v: (v.effective_on, v.signed_on, v.created_at, v.pk), default=None
    )


def standing(
    partnership: Partnership, versions: Iterable[PartnershipVersion], on: date
) -> Standing:
    """The partnership's status on `on`, and what keeps it from counting if anything does."""
    versions = list(versions)
    name = f"The {partnership.title} with {partnership.organization.name}"
    current = version_in_force(versions, on)
    latest = max(versions, key=lambda v: v.created_at, default=None)
    terminated_on = partnership.terminated_on
    if terminated_on and terminated_on <= on:
        return Standing(
            Status.TERMINATED,
            current or latest,
            terminated_on - timedelta(days=1),
            f"{name} was terminated on {day(terminated_on)}.",
        )
    if current is None:
        upcoming = [v for v in versions if v.signed_on]
        if upcoming:
            starts = min(max(v.effective_on, v.signed_on) for v in upcoming)
            return Standing(Status.PENDING, latest, None, f"{name} takes effect on {day(starts)}.")
        return Standing(Status.DRAFT, latest, None, f"{name} is a draft: it is not signed yet.")
    ends_on = None if current.auto_renews else current.expires_on
    if terminated_on:
        last_day = terminated_on - timedelta(days=1)
        ends_on = min(ends_on or last_day, last_day)
    if ends_on and ends_on < on:
        return Standing(Status.EXPIRED, current, ends_on, f"{name} expired on {day(ends_on)}.")
    problem = (
        ""
        if current.alternative.strip()
        else f"{name} does not name an alternative to arrest or civil commitment."
    )
    if ends_on and (ends_on - on).days <= EXPIRY_WARNING_DAYS:
        return Standing(Status.EXPIRING, current, ends_on, problem)
    return Standing(Status.ACTIVE, current, ends_on, problem)


def renewed_in_time(standing: Standing, versions: Iterable[PartnershipVersion]) -> bool:
    """A signed later version takes over by the day after the one in force ends: the
    partnership goes on, so its end is no news."""
    current, ends_on = standing.version, standing.ends_on
    if current is None or ends_on is None:
        return False
    return any(
        v.signed_on
        and v.pk != current.pk
        and current.effective_on < v.effective_on <= ends_on + timedelta(days=1)
        for v in versions
    )
