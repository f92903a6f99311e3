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
from collections.abc import Callable, Collection
from datetime import date

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
from training.queries import scope_counts, valid_records

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


# Given the agency, the day, how many people are in scope after the import and the kinds
# of counting course each of them holds, the training requirements as they would stand, as
# plain data: {"cit": {"count", "required"}, "coverage": {"count", "required", "either"}}.
type PledgeEffect = Callable[[Agency, date, int, Collection[set[str]]], dict]

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
            split, in_scope_ids = _roster_split(plan)
        else:
            split, in_scope_ids = _current_split(agency)
        kinds = _kinds_held(today, in_scope_ids, plan)
    in_scope = split[SWORN_IN_SCOPE] + split[SELECTED_NON_SWORN]
    effect = {"split": dict(split), "in_scope": in_scope}
    if _pledge_effect is not None:
        effect.update(_pledge_effect(agency, today, in_scope, list(kinds.values())))
    return effect


def _roster_split(plan: ImportPlan) -> tuple[Counter, set[int]]:
    split: Counter = Counter(dict.fromkeys(SCOPE_REASONS, 0))
    in_scope_ids = set()
    for person in plan.people_after.values():
        reason = scope_reason(person["category"], person["status"], person["selected"])
        split[reason] += 1
        if reason in IN_SCOPE_REASONS and "pk" in person:
            in_scope_ids.add(person["pk"])  # someone new has no training yet
    return split, in_scope_ids


def _current_split(agency: Agency) -> tuple[Counter, set[int]]:
    """The roster's split as it stands (a training import changes no one's scope), from
    the dashboard's own aggregate."""
    counts = scope_counts(agency)
    split = Counter({SWORN_IN_SCOPE: counts.active_sworn,
                     SELECTED_NON_SWORN: counts.selected_non_sworn, **counts.left_out})  # fmt: skip
    return split, set(Person.objects.filter(IN_SCOPE).values_list("pk", flat=True))


def _kinds_held(today: date, in_scope_ids: set[int], plan: ImportPlan) -> dict[int, set[str]]:
    """For each person in scope, the kinds of course they hold a counting record of today,
    the import's new records included."""
    kinds: dict[int, set[str]] = {}
    for person_id, kind in valid_records(today).values_list("person_id", "course__kind").distinct():
        if person_id in in_scope_ids:
            kinds.setdefault(person_id, set()).add(kind)
    if plan.kind == ImportKind.TRAINING:
        counting = _counting_course_kinds(plan)
        for record in plan.create:
            kind = counting.get(record["course_id"])
            valid_until = record["valid_until"]
            if (
                kind
                and record["person_id"] in in_scope_ids
                and record["completed_on"] <= today
                and (valid_until is None or valid_until >= today)
            ):
                kinds.setdefault(record["person_id"], set()).add(kind)
    return kinds


def _counting_course_kinds(plan: ImportPlan) -> dict[int, str]:
    ids = {record["course_id"] for record in plan.create}
    return dict(
        Course.objects.filter(pk__in=ids, status=CourseStatus.APPROVED).values_list("pk", "kind")
    )
