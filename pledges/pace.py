"""How fast an agency is training people, and whether it will make its target date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PACE_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Pace:
    projected_on: date | None  # when coverage would reach its target at the recent rate
    at_risk: bool
    words: str


def project(
    baseline: tuple[date, int] | None,
    covered: int,
    required: int,
    today: date,
    target_date: date | None,
) -> Pace:
    """At the rate since `baseline` (the earliest (day, covered) of the last 90 days), the
    day coverage reaches `required`; at risk when that is after the target date, or when
    nobody was trained meanwhile. Integer arithmetic."""
    if not required:
        return Pace(None, False, "No one is in scope yet.")
    if covered >= required:
        return Pace(today, False, "Everyone in scope is trained.")
    if baseline is None or baseline[0] >= today:
        return Pace(None, False, "Not enough history yet to project a date.")
    (since, covered_then) = baseline
    gained, span = covered - covered_then, (today - since).days
    pledged = target_date is not None
    if gained <= 0:
        return Pace(
            None,
            pledged,
            f"No one newly trained in the last {span} days: at this pace the target is "
            "not reached.",
        )
    days = ((required - covered) * span + gained - 1) // gained
    projected = today + timedelta(days=days)
    return Pace(projected, pledged and projected > target_date, "")
