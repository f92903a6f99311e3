"""What an import would do to the pledge's training requirements, for training's import
preview: training works out who is in scope after it and which kinds of course each holds,
and the rules engine judges those figures here. Registered with training when the app loads
(`PledgesConfig.ready`), so training imports nothing of the pledge."""

from collections.abc import Collection
from datetime import date

from agencies.models import Agency
from onemind.lib.findings import Finding
from pledges.engine.evaluation import Figures, TrainingFigures, evaluate
from pledges.engine.progress import KINDS
from pledges.models import CoverageMode
from pledges.queries import pledge_and_rules


def requirements_after_import(
    agency: Agency, today: date, in_scope: int, kinds_held: Collection[set[str]]
) -> dict:
    """CIT and coverage as they would stand, by the rules the agency's pledge is judged by:
    `kinds_held` has, for each person in scope holding a counting course, the kinds held."""
    _, rules = pledge_and_rules(agency, today)
    held = TrainingFigures(
        in_scope=in_scope,
        **{
            name: sum(1 for kinds in kinds_held if kinds & set(wanted))
            for name, wanted in KINDS.items()
        },  # fmt: skip
    )
    # Only the training requirements are read; the others are not the import's to judge.
    judged = evaluate(rules, Figures(training=held, partnership=Finding(False),
                                     policy=Finding(False)))  # fmt: skip
    cit, coverage = judged["cit"], judged["coverage"]
    return {
        "cit": {"count": cit.count, "required": cit.required},
        "coverage": {
            "count": coverage.count,
            "required": coverage.required,
            "either": rules.coverage_mode == CoverageMode.CIT_OR_MHFA,
        },
    }
