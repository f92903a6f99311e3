"""What an import would do to the pledge's training requirements, for training's import
preview: training works out who is in scope after it, whether sworn, and which kinds of
course each holds, and the rules engine judges those figures here. Registered with training
when the app loads (`PledgesConfig.ready`), so training imports nothing of the pledge."""

from datetime import date

from agencies.models import Agency
from onemind.lib.findings import Finding
from pledges.engine.evaluation import Figures, evaluate, tally
from pledges.models import CoverageMode
from pledges.queries import pledge_and_rules
from training.imports.effect import Holding


def requirements_after_import(agency: Agency, today: date, people: list[Holding]) -> dict:
    """CIT and coverage as they would stand, by the rules the agency's pledge is judged by:
    `people` holds everyone in scope after the import, with the kinds of course they hold."""
    _, rules = pledge_and_rules(agency, today)
    held = tally(people)
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
