"""What an import does to the pledge, for its preview: who the roster's scope holds after
it (sworn in scope, selected non-sworn, and who is left out and why), and the two training
requirements as they would then stand ("CIT 0 of 24 needed").

Computed from the plan and a fixed number of queries, not by writing and rolling back: the
preview of a 36,000-person roster stays a read. The requirements are the pledge's rules
engine's to judge: it registers how (`register_pledge_effect`) when it loads, so training
imports nothing of the pledge; with none registered the preview has the scope alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from agencies.models import Agency
from agencies.tenancy import agency_scope
from training.imports.planning import ImportPlan
from training.models import (
    IN_SCOPE,
    Category,
    Course,
    CourseStatus,
    ImportKind,
    LeftOut,
    Person,
    why_left_out,
)
from training.queries import completed_records, scope_counts

# Why someone is in the pledge's scope; why they are left out is a `LeftOut`.
SWORN_IN_SCOPE = "sworn_in_scope"
SELECTED_NON_SWORN = "selected_non_sworn"
IN_SCOPE_REASONS = (SWORN_IN_SCOPE, SELECTED_NON_SWORN)
SCOPE_REASONS = (*IN_SCOPE_REASONS, *LeftOut.values)


def scope_reason(category: str, status: str, selected: bool) -> str:
    """Why a person is in the pledge's scope, or why they are left out of it."""
    if left_out := why_left_out(status, category, selected):
        return left_out.value
    return SWORN_IN_SCOPE if category == Category.SWORN else SELECTED_NON_SWORN


class Holding(NamedTuple):
    """One person in scope after the import: sworn or not, and the kinds of counting course
    they hold a record of on the day, current and completed (lapsed ones too)."""

    sworn: bool
    current: frozenset[str] = frozenset()
    completed: frozenset[str] = frozenset()


# Given the agency, the day and a `Holding` for each person in scope after the import, the
# training requirements as they would stand, as plain data:
# {"cit": {"count", "required"}, "coverage": {"count", "required", "either"}}.
type PledgeEffect = Callable[[Agency, date, list[Holding]], dict]

_pledge_effect: PledgeEffect | None = None


def register_pledge_effect(judge: PledgeEffect) -> None:
    """Called by the pledge's rules engine when it loads; a second, different judge is a
    mistake."""
    global _pledge_effect
    if _pledge_effect is not None and _pledge_effect is not judge:
        raise ValueError("The pledge's effect of an import is registered already.")
    _pledge_effect = judge


def import_effect(agency: Agency, plan: ImportPlan, today: date) -> dict:
    """The scope split and the training requirements after the import, as plain data: the
    figures are worked out here, the requirements judged by the rules engine itself."""
    with agency_scope(agency):
        if plan.kind == ImportKind.ROSTER:
            split, in_scope = _roster_split(plan)
        else:
            split, in_scope = _current_split(agency)
        holdings = _holdings(today, in_scope, plan)
    effect = {"split": dict(split), "in_scope": len(holdings)}
    if _pledge_effect is not None:
        effect.update(_pledge_effect(agency, today, holdings))
    return effect


# The people in scope: each one's id (None for someone the import adds) and whether sworn.
type InScope = list[tuple[int | None, bool]]


def _roster_split(plan: ImportPlan) -> tuple[Counter, InScope]:
    split: Counter = Counter(dict.fromkeys(SCOPE_REASONS, 0))
    in_scope = []
    for person in plan.people_after.values():
        reason = scope_reason(person["category"], person["status"], person["selected"])
        split[reason] += 1
        if reason in IN_SCOPE_REASONS:
            in_scope.append((person.get("pk"), reason == SWORN_IN_SCOPE))
    return split, in_scope


def _current_split(agency: Agency) -> tuple[Counter, InScope]:
    """The roster's split as it stands (a training import changes no one's scope), from
    the dashboard's own aggregate."""
    counts = scope_counts(agency)
    split = Counter({SWORN_IN_SCOPE: counts.active_sworn,
                     SELECTED_NON_SWORN: counts.selected_non_sworn, **counts.left_out})  # fmt: skip
    people = Person.objects.filter(IN_SCOPE).values_list("pk", "category")
    return split, [(pk, category == Category.SWORN) for pk, category in people]


def _holdings(today: date, in_scope: InScope, plan: ImportPlan) -> list[Holding]:
    """For each person in scope, the kinds of course they hold a counting record of today,
    current and completed, the import's new records included (someone new has none yet)."""
    current: dict[int, set[str]] = {}
    completed: dict[int, set[str]] = {}

    def hold(person_id: int, kind: str, valid_until: date | None) -> None:
        completed.setdefault(person_id, set()).add(kind)
        if valid_until is None or valid_until >= today:
            current.setdefault(person_id, set()).add(kind)

    held = completed_records(today).values_list("person_id", "course__kind", "valid_until")
    for person_id, kind, valid_until in held.distinct():
        hold(person_id, kind, valid_until)
    if plan.kind == ImportKind.TRAINING:
        counting = _counting_course_kinds(plan)
        for record in plan.create:
            kind = counting.get(record["course_id"])
            if kind and record["completed_on"] <= today:
                hold(record["person_id"], kind, record["valid_until"])
    return [
        Holding(sworn, frozenset(current.get(pk, ())), frozenset(completed.get(pk, ())))
        for pk, sworn in in_scope
    ]


def _counting_course_kinds(plan: ImportPlan) -> dict[int, str]:
    ids = {record["course_id"] for record in plan.create}
    return dict(
        Course.objects.filter(pk__in=ids, status=CourseStatus.APPROVED).values_list("pk", "kind")
    )
