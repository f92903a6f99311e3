"""The pledge's four requirements judged from figures: a pure function, integer arithmetic.

`evaluate(rules, figures)` needs no database: the figures come from `pledges.progress`
(training counts in SQL) and the partnership and policy findings of their apps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agencies.hooks import Finding
from pledges.models import CoverageMode, ProgramRules


@dataclass(frozen=True)
class TrainingFigures:
    """People in scope on a day, and how many of them hold a valid, counting record of
    each kind. "strict" counts CIT or MHFA itself; "any" counts approved equivalents too.
    A person counts once however many records they hold."""

    in_scope: int = 0
    cit_strict: int = 0
    cit_any: int = 0
    mhfa_strict: int = 0
    mhfa_any: int = 0
    either_strict: int = 0
    either_any: int = 0


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

    @property
    def percent_text(self) -> str:
        """count / total as a percentage with one decimal, rounded half up, without floats."""
        if not self.total:
            return "0%"
        per_mille = (2000 * self.count + self.total) // (2 * self.total)
        return f"{per_mille // 10}.{per_mille % 10}%"

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


def share(people: int, percent: int) -> int:
    """`percent`% of `people`, rounded up: 20% of 5 is 1, of 6 is 2."""
    return (people * percent + 99) // 100


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


NOBODY = "No one is in scope: add your sworn officers (and selected non-sworn staff) to the roster."


def _training_requirement(
    key: str, title: str, count: int, required: int, in_scope: int, shortfall: str
) -> Requirement:
    """A share of the people in scope: met when some are in scope and enough are trained."""
    met = in_scope > 0 and count >= required
    missing = [] if met else [NOBODY if not in_scope else shortfall]
    return Requirement(key, title, met, count, required, in_scope, missing)


def _untrained(untrained: int, needed: int, words: str) -> str:
    more = f" ({needed} more needed)" if needed != untrained else ""
    return f"{_people(untrained)} in scope {words}{more}."


def evaluate(rules: ProgramRules, figures: Figures) -> Evaluation:
    """Each requirement met or not, its figures, and what is missing in words."""
    training = figures.training
    in_scope = training.in_scope
    equivalents = rules.equivalents_count
    cit_name = "CIT or equivalent" if equivalents else "CIT"
    mhfa_name = "MHFA or equivalent" if equivalents else "MHFA for Public Safety"

    cit_count = training.cit_any if equivalents else training.cit_strict
    cit_required = share(in_scope, rules.cit_minimum_percent)
    if rules.coverage_mode == CoverageMode.CIT_OR_MHFA:
        covered = training.either_any if equivalents else training.either_strict
        either = " (or an equivalent)" if equivalents else ""
        coverage_title = f"Everyone in scope trained: CIT or MHFA{either}"
        untrained_words = f"have neither CIT nor MHFA{either}"
    else:
        covered = training.mhfa_any if equivalents else training.mhfa_strict
        coverage_title = f"{mhfa_name} for everyone in scope"
        untrained_words = f"still need {mhfa_name}"
    covered_required = share(in_scope, rules.coverage_target_percent)

    cit = _training_requirement(
        "cit",
        f"{cit_name} training for at least {rules.cit_minimum_percent}% in scope",
        cit_count,
        cit_required,
        in_scope,
        f"{_people(cit_required - cit_count)} more need {cit_name} training "
        f"({cit_required} of {in_scope} needed).",
    )
    coverage = _training_requirement(
        "coverage",
        coverage_title,
        covered,
        covered_required,
        in_scope,
        _untrained(in_scope - covered, covered_required - covered, untrained_words),
    )
    partnership = Requirement(
        key="partnership",
        title="A partnership with a mental-health organization",
        met=figures.partnership.met,
        missing=list(figures.partnership.reasons),
    )
    policy = Requirement(
        key="policy",
        title="A policy on responding to people in crisis",
        met=figures.policy.met,
        missing=list(figures.policy.reasons),
    )
    return Evaluation([partnership, policy, cit, coverage])
