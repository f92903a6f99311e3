"""Counts in sentences read right for one and for many ("1 person needs", "2 people need"):
the evaluation's missing sentences, staff pages, emails, the progress report and messages."""

from datetime import date, timedelta

import pytest

from pledges.evaluation import Figures, TrainingFigures, evaluate
from pledges.models import CoverageMode, ProgramRules
from pledges.pace import project
from tests.pledges.test_evaluation import CURRENT, MET, ORIGINAL

STRICT_EITHER = ProgramRules(
    name="Either, strictly",
    cit_minimum_percent=20,
    coverage_target_percent=100,
    coverage_mode=CoverageMode.CIT_OR_MHFA,
    equivalents_count=False,
)
NINETY_PERCENT = ProgramRules(
    name="Ninety percent",
    cit_minimum_percent=20,
    coverage_target_percent=90,
    coverage_mode=CoverageMode.MHFA_FOR_ALL,
    equivalents_count=False,
)


def missing(rules, key, **training):
    figures = Figures(training=TrainingFigures(**training), partnership=MET, policy=MET)
    return evaluate(rules, figures)[key].missing


@pytest.mark.parametrize(
    ("in_scope", "sentence"),
    [
        (5, "1 more person needs CIT or equivalent training (1 of 5 needed)."),
        (10, "2 more people need CIT or equivalent training (2 of 10 needed)."),
    ],
)
def test_the_cit_shortfall_names_one_person_or_more_people(in_scope, sentence):
    assert missing(CURRENT, "cit", in_scope=in_scope) == [sentence]


@pytest.mark.parametrize(
    ("rules", "untrained", "sentence"),
    [
        (CURRENT, 1, "1 person in scope has neither CIT nor MHFA (or an equivalent)."),
        (CURRENT, 2, "2 people in scope have neither CIT nor MHFA (or an equivalent)."),
        (STRICT_EITHER, 1, "1 person in scope has neither CIT nor MHFA."),
        (STRICT_EITHER, 3, "3 people in scope have neither CIT nor MHFA."),
        (ORIGINAL, 1, "1 person in scope still needs MHFA for Public Safety."),
        (ORIGINAL, 4, "4 people in scope still need MHFA for Public Safety."),
    ],
)
def test_the_untrained_are_one_person_or_several_people(rules, untrained, sentence):
    trained = 10 - untrained
    figures = {"in_scope": 10, "either_any": trained, "either_strict": trained}
    figures |= {"mhfa_any": trained, "mhfa_strict": trained}
    assert missing(rules, "coverage", **figures) == [sentence]


def test_under_a_target_below_everyone_the_people_still_needed_are_counted_too():
    # 90% of 10 is 9: with 7 trained, 3 are untrained and 2 more are needed.
    assert missing(NINETY_PERCENT, "coverage", in_scope=10, mhfa_strict=7) == [
        "3 people in scope still need MHFA for Public Safety (2 more needed)."
    ]
    assert missing(NINETY_PERCENT, "coverage", in_scope=10, mhfa_strict=8) == [
        "2 people in scope still need MHFA for Public Safety (1 more needed)."
    ]


@pytest.mark.parametrize(("span", "words"), [(1, "last 1 day:"), (90, "last 90 days:")])
def test_no_progress_is_said_over_one_day_or_many(span, words):
    today = date(2026, 6, 1)
    pace = project((today - timedelta(days=span), 3), 3, 10, today, today + timedelta(days=99))
    assert (
        pace.words == f"No one newly trained in the {words} at this pace the target is not reached."
    )
