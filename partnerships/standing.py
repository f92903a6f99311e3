"""Where a partnership stands on a day, from its dates (and, for a shared partnership, the
agency's part in it): pure functions, no queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from onemind.lib.dates import day
from partnerships.models import (
    COUNTING_STATUSES,
    Partnership,
    PartnershipParty,
    PartnershipVersion,
    PartyStatus,
)

EXPIRY_WARNING_DAYS = 60


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Signed, not yet in force"
    ACTIVE = "active", "Active"
    EXPIRING = "expiring", "Expiring within 60 days"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    # A shared partnership, as it stands for one of its parties:
    UNCONFIRMED = "unconfirmed", "Awaiting your agency's confirmation"
    DECLINED = "declined", "Declined by your agency"
    LEFT = "left", "Left by your agency"


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


def _name(partnership: Partnership) -> str:
    return f"The {partnership.title} with {partnership.organization.name}"


def standing(
    partnership: Partnership,
    versions: Iterable[PartnershipVersion],
    on: date,
    party: PartnershipParty | None = None,
) -> Standing:
    """The partnership's status on `on`, and what keeps it from counting if anything does.

    For a shared partnership, `party` is the agency's part in it: the agreement applies to
    the agency once it confirmed, and until the day it left (the SQL form of the rule is
    `queries.agencies_with_partnership_in_force`)."""
    by_dates = _by_dates(partnership, list(versions), on)
    if party is None:
        return by_dates
    name = _name(partnership)
    last_day = party.left_on - timedelta(days=1) if party.left_on else None
    if last_day is not None and last_day < on:
        ended_first = by_dates.status in (Status.EXPIRED, Status.TERMINATED) and (
            by_dates.ends_on is not None and by_dates.ends_on <= last_day
        )
        if ended_first:
            return by_dates
        return Standing(
            Status.LEFT,
            by_dates.version,
            last_day,
            f"{name} no longer applies to your agency from {day(party.left_on)}.",
        )
    if party.status not in COUNTING_STATUSES:
        if not by_dates.in_force:
            return by_dates
        if party.status == PartyStatus.DECLINED:
            declined = f"the {partnership.title} with {partnership.organization.name}"
            return Standing(
                Status.DECLINED, by_dates.version, None, f"Your agency declined {declined}."
            )
        return Standing(
            Status.UNCONFIRMED,
            by_dates.version,
            by_dates.ends_on,
            f"{name} awaits your agency's confirmation.",
        )
    if last_day is not None and by_dates.in_force:
        ends_on = min(by_dates.ends_on or last_day, last_day)
        expiring = (ends_on - on).days <= EXPIRY_WARNING_DAYS
        return Standing(
            Status.EXPIRING if expiring else by_dates.status,
            by_dates.version,
            ends_on,
            by_dates.problem,
        )
    return by_dates


def _by_dates(partnership: Partnership, versions: list[PartnershipVersion], on: date) -> Standing:
    """Where the agreement itself stands on `on`, for every party alike."""
    name = _name(partnership)
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
