"""How fast an agency is training people, and whether it will make its target date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        return Pace(None, False, _("No one is in scope yet."))
    if covered >= required:
        return Pace(today, False, _("Everyone in scope is trained."))
    if baseline is None or baseline[0] >= today:
        return Pace(None, False, _("Not enough history yet to project a date."))
    (since, covered_then) = baseline
    gained, span = covered - covered_then, (today - since).days
    pledged = target_date is not None
    if gained <= 0:
        return Pace(
            None,
            pledged,
            ngettext(
                "No one newly trained in the last %(days)d day: at this pace the target is "
                "not reached.",
                "No one newly trained in the last %(days)d days: at this pace the target is "
                "not reached.",
                span,
            )
            % {"days": span},
        )
    days = ((required - covered) * span + gained - 1) // gained
    projected = today + timedelta(days=days)
    return Pace(projected, pledged and projected > target_date, "")
