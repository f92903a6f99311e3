"""The rules read plainly, person by person: every combination of their switches, and what
each training requirement counts under them, for tests to hold the engine against."""

from collections.abc import Collection, Iterable

from pledges.models import CitBase, CoverageMode, ProgramRules
from training.models import CourseKind

# Every combination of the rules' switches, at the program's 20% and 100%.
EVERY_RULES = [
    ProgramRules(
        name=f"{mode}, equivalents {equivalents}, CIT over {base}, must be current {current}",
        cit_minimum_percent=20,
        coverage_target_percent=100,
        coverage_mode=mode,
        equivalents_count=equivalents,
        cit_base=base,
        training_must_be_current=current,
    )
    for mode in CoverageMode.values
    for equivalents in (False, True)
    for base in CitBase.values
    for current in (True, False)
]

# One person in scope: sworn or not, the kinds of course they hold a current record of,
# and the kinds they completed, lapsed or not.
type Person = tuple[bool, Collection[str], Collection[str]]


def plain_counts(rules: ProgramRules, people: Iterable[Person]) -> dict[str, int]:
    """Whom the CIT minimum is a share of and how many of them hold CIT, and how many of
    everyone in scope are trained, as the rules say it in words."""
    cit = {CourseKind.CIT}
    mhfa = {CourseKind.MHFA}
    if rules.equivalents_count:
        cit.add(CourseKind.CIT_EQUIVALENT)
        mhfa.add(CourseKind.MHFA_EQUIVALENT)
    trained = cit | mhfa if rules.coverage_mode == CoverageMode.CIT_OR_MHFA else mhfa
    counts = dict.fromkeys(["cit_count", "cit_total", "covered", "in_scope"], 0)
    for sworn, current, completed in people:
        held = set(current if rules.training_must_be_current else completed)
        counts["in_scope"] += 1
        counts["covered"] += bool(held & trained)
        if sworn or rules.cit_base == CitBase.IN_SCOPE:
            counts["cit_total"] += 1
            counts["cit_count"] += bool(held & cit)
    return counts


def counts_judged(evaluation) -> dict[str, int]:
    """The same figures as the evaluation reports them."""
    cit, coverage = evaluation["cit"], evaluation["coverage"]
    return {
        "cit_count": cit.count,
        "cit_total": cit.total,
        "covered": coverage.count,
        "in_scope": coverage.total,
    }
