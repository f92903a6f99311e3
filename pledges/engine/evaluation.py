"""The pledge's four requirements judged from figures: a pure function, integer arithmetic.

`evaluate(rules, figures)` needs no database: the figures come from `pledges.progress`
(training counts in SQL) and the partnership and policy findings of their apps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onemind.lib.findings import Finding
from pledges.models import CoverageMode, ProgramRules
from training.models import CourseKind

# The kinds of course each count of `Holders` reads: "strict" counts CIT or MHFA itself,
# "any" approved equivalents too.
KINDS = {
    "cit_strict": [CourseKind.CIT],
    "cit_any": [CourseKind.CIT, CourseKind.CIT_EQUIVALENT],
    "mhfa_strict": [CourseKind.MHFA],
    "mhfa_any": [CourseKind.MHFA, CourseKind.MHFA_EQUIVALENT],
    "either_strict": [CourseKind.CIT, CourseKind.MHFA],
    "either_any": [
        CourseKind.CIT,
        CourseKind.CIT_EQUIVALENT,
        CourseKind.MHFA,
        CourseKind.MHFA_EQUIVALENT,
    ],
}


@dataclass(frozen=True)
class Holders:
    """How many people of a group hold a counting record of each kind of `KINDS`. A person
    counts once however many records they hold."""

    cit_strict: int = 0
    cit_any: int = 0
    mhfa_strict: int = 0
    mhfa_any: int = 0
    either_strict: int = 0
    either_any: int = 0


@dataclass(frozen=True)
class TrainingFigures:
    """People in scope on a day, the sworn officers among them, and the holders of each
    kind of course among both groups: by records current on the day, and by records
    completed by it, lapsed or not. Every set of rules reads its answer from these."""

    in_scope: int = 0
    sworn: int = 0
    current: Holders = Holders()
    completed: Holders = Holders()
    sworn_current: Holders = Holders()
    sworn_completed: Holders = Holders()

    def holders(self, *, sworn_only: bool, lapsed_count: bool) -> Holders:
        if sworn_only:
            return self.sworn_completed if lapsed_count else self.sworn_current
        return self.completed if lapsed_count else self.current


# The groups of `TrainingFigures`, each with (sworn officers only, lapsed records counted).
GROUPS = {
    "current": (False, False),
    "completed": (False, True),
    "sworn_current": (True, False),
    "sworn_completed": (True, True),
}


def tally(people: Iterable[tuple[bool, Collection[str], Collection[str]]]) -> TrainingFigures:
    """The figures of the people in scope listed one by one, each as (sworn, the kinds of
    course they hold a current record of, the kinds they completed, lapsed or not). People
    alike are counted together: a roster holds only a few kinds of person."""
    alike = Counter((bool(s), frozenset(c), frozenset(d)) for s, c, d in people)
    in_scope = sworn = 0
    counts = {group: dict.fromkeys(KINDS, 0) for group in GROUPS}
    for (is_sworn, current, completed), number in alike.items():
        in_scope += number
        sworn += number if is_sworn else 0
        for group, (sworn_only, lapsed_count) in GROUPS.items():
            if sworn_only and not is_sworn:
                continue
            held = completed if lapsed_count else current
            for name, kinds in KINDS.items():
                counts[group][name] += number if held.intersection(kinds) else 0
    return TrainingFigures(
        in_scope, sworn, **{group: Holders(**named) for group, named in counts.items()}
    )


@dataclass(frozen=True)
class Figures:
    training: TrainingFigures
    partnership: Finding
    policy: Finding


@dataclass(frozen=True)
class Requirement:
    key: str  # partnership, policy, cit, coverage
    title: str
    met: bool
    count: int | None = None  # people who meet it (training requirements)
    required: int | None = None  # people needed
    total: int | None = None  # people in scope
    missing: list[str] = field(default_factory=list)
    sworn_only: bool = False  # `total` counts sworn officers in scope, not everyone in scope

    @property
    def group_words(self) -> str:
        """Whom `total` counts, as the words after the number: "in scope", or "sworn
        officers in scope" for a CIT minimum taken over sworn officers only."""
        if self.sworn_only:
            return ngettext("sworn officer in scope", "sworn officers in scope", self.total or 0)
        return _("in scope")

    @property
    def percent_text(self) -> str:
        """count / total as a percentage with one decimal, rounded half up, without floats."""
        if not self.total:
            return "0%"
        return as_percent(per_mille(self.count, self.total))

    @property
    def progress_per_mille(self) -> int:
        """Progress toward `required`, capped at 1000, for progress bars."""
        if self.required is None:
            return 1000 if self.met else 0
        if not self.required:
            return 0
        return min(1000, 1000 * self.count // self.required)


@dataclass(frozen=True)
class Evaluation:
    requirements: list[Requirement]

    @property
    def all_met(self) -> bool:
        return all(r.met for r in self.requirements)

    def __getitem__(self, key: str) -> Requirement:
        for requirement in self.requirements:
            if requirement.key == key:
                return requirement
        raise KeyError(key)


def per_mille(count: int, total: int) -> int:
    """count / total in thousandths, rounded half up, without floats (0 of nobody is 0): the
    one rounding of every share the product shows, cards and chart alike."""
    if not total:
        return 0
    return (2000 * count + total) // (2 * total)


def as_percent(per_mille: int) -> str:
    """Thousandths as a percentage with one decimal: 207 is "20.7%"."""
    return f"{per_mille // 10}.{per_mille % 10}%"


def share(people: int, percent: int) -> int:
    """`percent`% of `people`, rounded up: 20% of 5 is 1, of 6 is 2."""
    return (people * percent + 99) // 100


NOBODY = gettext_lazy(
    "No one is in scope: add your sworn officers (and selected non-sworn staff) to the roster."
)
NO_SWORN_OFFICER = gettext_lazy("No sworn officer is in scope: add them to the roster.")


def _training_requirement(
    key: str,
    title: str,
    count: int,
    required: int,
    base: int,
    shortfall: str | None,
    *,
    nobody: str = NOBODY,
    sworn_only: bool = False,
) -> Requirement:
    """A share of a group in scope (`base` people): met when the group is not empty and
    enough of it is trained. Without a `shortfall` (figures only), nothing in words."""
    met = base > 0 and count >= required
    missing = [] if met or shortfall is None else [shortfall if base else str(nobody)]
    return Requirement(key, title, met, count, required, base, missing, sworn_only)


def _cit_shortfall(more: int, required: int, in_scope: int, cit_name: str) -> str:
    return ngettext(
        "%(count)d more person needs %(course)s training (%(required)d of %(in_scope)d needed).",
        "%(count)d more people need %(course)s training (%(required)d of %(in_scope)d needed).",
        more,
    ) % {"count": more, "course": cit_name, "required": required, "in_scope": in_scope}


def _sworn_cit_shortfall(more: int, required: int, sworn: int, cit_name: str) -> str:
    return ngettext(
        "%(count)d more sworn officer needs %(course)s training "
        "(%(required)d of %(sworn)d sworn officers needed).",
        "%(count)d more sworn officers need %(course)s training "
        "(%(required)d of %(sworn)d sworn officers needed).",
        more,
    ) % {"count": more, "course": cit_name, "required": required, "sworn": sworn}


def _cit(rules: ProgramRules, training: TrainingFigures, cit_name: str | None) -> Requirement:
    """The CIT minimum: a share of everyone in scope, or of the sworn officers among them
    (in words unless `cit_name` is None)."""
    figures = {"course": cit_name, "percent": rules.cit_minimum_percent}
    lapsed_count = not rules.training_must_be_current
    if rules.cit_over_sworn_only:
        held = training.holders(sworn_only=True, lapsed_count=lapsed_count)
        base, shortfall = training.sworn, _sworn_cit_shortfall
        title = _("%(course)s training for at least %(percent)d%% of sworn officers")
    else:
        held = training.holders(sworn_only=False, lapsed_count=lapsed_count)
        base, shortfall = training.in_scope, _cit_shortfall
        title = _("%(course)s training for at least %(percent)d%% in scope")
    count = held.cit_any if rules.equivalents_count else held.cit_strict
    required = share(base, rules.cit_minimum_percent)
    words = cit_name is not None
    return _training_requirement(
        "cit",
        title % figures if words else "",
        count,
        required,
        base,
        shortfall(required - count, required, base, cit_name) if words else None,
        nobody=NO_SWORN_OFFICER if training.in_scope else NOBODY,
        sworn_only=rules.cit_over_sworn_only,
    )


def _untrained(rules: ProgramRules, untrained: int, needed: int, mhfa_name: str) -> str:
    """How many in scope lack the training everyone needs, as the rules word it, and how many
    more must be trained when the target is under everyone."""
    figures = {"count": untrained, "course": mhfa_name}
    if rules.coverage_mode == CoverageMode.MHFA_FOR_ALL:
        shortfall = ngettext(
            "%(count)d person in scope still needs %(course)s",
            "%(count)d people in scope still need %(course)s",
            untrained,
        )
    elif rules.equivalents_count:
        shortfall = ngettext(
            "%(count)d person in scope has neither CIT nor MHFA (or an equivalent)",
            "%(count)d people in scope have neither CIT nor MHFA (or an equivalent)",
            untrained,
        )
    else:
        shortfall = ngettext(
            "%(count)d person in scope has neither CIT nor MHFA",
            "%(count)d people in scope have neither CIT nor MHFA",
            untrained,
        )
    shortfall %= figures
    if needed == untrained:
        # Translators: a sentence on the people still untrained, ended.
        return _("%(shortfall)s.") % {"shortfall": shortfall}
    return ngettext(
        "%(shortfall)s (%(count)d more needed).",
        "%(shortfall)s (%(count)d more needed).",
        needed,
    ) % {"shortfall": shortfall, "count": needed}


def evaluate(rules: ProgramRules, figures: Figures, *, words: bool = True) -> Evaluation:
    """Each requirement met or not, its figures, and what is missing in words (with
    `words=False`, the figures alone: titles and reasons left empty, as the recompute of
    every agency's snapshot needs them)."""
    if not words:
        return _judged(rules, figures)
    training = figures.training
    in_scope = training.in_scope
    equivalents = rules.equivalents_count
    cit_name = _("CIT or equivalent") if equivalents else _("CIT")
    mhfa_name = _("MHFA or equivalent") if equivalents else _("MHFA for Public Safety")

    covered = _covered(rules, training)
    if rules.coverage_mode == CoverageMode.CIT_OR_MHFA:
        coverage_title = (
            _("Everyone in scope trained: CIT or MHFA (or an equivalent)")
            if equivalents
            else _("Everyone in scope trained: CIT or MHFA")
        )
    else:
        coverage_title = _("%(course)s for everyone in scope") % {"course": mhfa_name}
    covered_required = share(in_scope, rules.coverage_target_percent)

    coverage = _training_requirement(
        "coverage",
        coverage_title,
        covered,
        covered_required,
        in_scope,
        _untrained(rules, in_scope - covered, covered_required - covered, mhfa_name),
    )
    partnership = Requirement(
        key="partnership",
        title=_("A partnership with a mental-health organization"),
        met=figures.partnership.met,
        missing=list(figures.partnership.reasons),
    )
    policy = Requirement(
        key="policy",
        title=_("A policy on responding to people in crisis"),
        met=figures.policy.met,
        missing=list(figures.policy.reasons),
    )
    return Evaluation([partnership, policy, _cit(rules, training, cit_name), coverage])


def _covered(rules: ProgramRules, training: TrainingFigures) -> int:
    """How many in scope hold the training everyone needs, as the rules count it."""
    everyone = training.holders(sworn_only=False, lapsed_count=not rules.training_must_be_current)
    if rules.coverage_mode == CoverageMode.CIT_OR_MHFA:
        return everyone.either_any if rules.equivalents_count else everyone.either_strict
    return everyone.mhfa_any if rules.equivalents_count else everyone.mhfa_strict


def _judged(rules: ProgramRules, figures: Figures) -> Evaluation:
    """`evaluate` without words."""
    in_scope = figures.training.in_scope
    coverage = _training_requirement(
        "coverage",
        "",
        _covered(rules, figures.training),
        share(in_scope, rules.coverage_target_percent),
        in_scope,
        None,
    )
    partnership = Requirement("partnership", "", figures.partnership.met)
    policy = Requirement("policy", "", figures.policy.met)
    return Evaluation([partnership, policy, _cit(rules, figures.training, None), coverage])
