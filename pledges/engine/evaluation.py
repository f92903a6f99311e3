"""The pledge's four requirements judged from figures: a pure function, integer arithmetic.

`evaluate(rules, figures)` needs no database: the figures come from `pledges.progress`
(training counts in SQL) and the partnership and policy findings of their apps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from onemind.lib.findings import Finding
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


def _training_requirement(
    key: str, title: str, count: int, required: int, in_scope: int, shortfall: str
) -> Requirement:
    """A share of the people in scope: met when some are in scope and enough are trained."""
    met = in_scope > 0 and count >= required
    missing = [] if met else [str(NOBODY) if not in_scope else shortfall]
    return Requirement(key, title, met, count, required, in_scope, missing)


def _cit_shortfall(more: int, required: int, in_scope: int, cit_name: str) -> str:
    return ngettext(
        "%(count)d more person needs %(course)s training (%(required)d of %(in_scope)d needed).",
        "%(count)d more people need %(course)s training (%(required)d of %(in_scope)d needed).",
        more,
    ) % {"count": more, "course": cit_name, "required": required, "in_scope": in_scope}


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


def evaluate(rules: ProgramRules, figures: Figures) -> Evaluation:
    """Each requirement met or not, its figures, and what is missing in words."""
    training = figures.training
    in_scope = training.in_scope
    equivalents = rules.equivalents_count
    cit_name = _("CIT or equivalent") if equivalents else _("CIT")
    mhfa_name = _("MHFA or equivalent") if equivalents else _("MHFA for Public Safety")

    cit_count = training.cit_any if equivalents else training.cit_strict
    cit_required = share(in_scope, rules.cit_minimum_percent)
    if rules.coverage_mode == CoverageMode.CIT_OR_MHFA:
        covered = training.either_any if equivalents else training.either_strict
        coverage_title = (
            _("Everyone in scope trained: CIT or MHFA (or an equivalent)")
            if equivalents
            else _("Everyone in scope trained: CIT or MHFA")
        )
    else:
        covered = training.mhfa_any if equivalents else training.mhfa_strict
        coverage_title = _("%(course)s for everyone in scope") % {"course": mhfa_name}
    covered_required = share(in_scope, rules.coverage_target_percent)

    cit = _training_requirement(
        "cit",
        _("%(course)s training for at least %(percent)d%% in scope")
        % {"course": cit_name, "percent": rules.cit_minimum_percent},
        cit_count,
        cit_required,
        in_scope,
        _cit_shortfall(cit_required - cit_count, cit_required, in_scope, cit_name),
    )
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
    return Evaluation([partnership, policy, cit, coverage])
