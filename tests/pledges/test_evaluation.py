"""The evaluation: a pure function of rules and figures, in integer arithmetic, under every
combination of the rules' switches."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onemind.lib.findings import Finding
from pledges.engine.evaluation import Figures, Holders, TrainingFigures, evaluate, share, tally
from pledges.models import CitBase
from tests.factories import CURRENT_RULES, ORIGINAL_RULES, RULES_2019_2022
from tests.rules import EVERY_RULES, counts_judged, plain_counts
from training.models import CourseKind

MET, NOT_MET = Finding(met=True), Finding(met=False, reasons=["No partnership."])
COUNTING_KINDS = [
    CourseKind.CIT,
    CourseKind.CIT_EQUIVALENT,
    CourseKind.MHFA,
    CourseKind.MHFA_EQUIVALENT,
]
kinds = st.frozensets(st.sampled_from(COUNTING_KINDS))


@st.composite
def people_in_scope(draw):
    """People in scope as (sworn, kinds held current, kinds completed): a few kinds of
    person, each repeated, so that figures run into the hundreds. What is current was
    completed; a lapsed record is completed only."""
    groups = draw(st.lists(st.tuples(st.booleans(), kinds, kinds, st.integers(1, 40)), max_size=6))
    return [
        (sworn, current, current | lapsed)
        for sworn, current, lapsed, repeat in groups
        for _ in range(repeat)
    ]


def figures(training, partnership=MET, policy=MET):
    return Figures(training=training, partnership=partnership, policy=policy)


def every_rules(test):
    """A property, for each combination of the rules' switches."""
    return pytest.mark.parametrize("rules", EVERY_RULES, ids=[r.name for r in EVERY_RULES])(
        settings(max_examples=25)(test)
    )


def changed(rules, **switches):
    """The same rules with some switches turned."""
    turned = copy.copy(rules)
    for name, value in switches.items():
        setattr(turned, name, value)
    return turned


def sworn_only(rules):
    return changed(rules, cit_base=CitBase.SWORN)


def lapsed_counting(rules):
    return changed(rules, training_must_be_current=False)


def judged(rules, people) -> list[tuple]:
    """Each requirement's result and figures, without its words."""
    result = evaluate(rules, figures(tally(people)))
    return [(r.key, r.met, r.count, r.required, r.total) for r in result.requirements]


def test_twenty_percent_is_rounded_up_to_whole_people():
    assert [share(n, 20) for n in (0, 1, 4, 5, 6, 10, 11, 180)] == [0, 1, 1, 1, 2, 2, 3, 36]


def test_the_cit_threshold_is_exact_at_the_boundary():
    for in_scope, required in [(5, 1), (6, 2), (180, 36)]:
        below = TrainingFigures(in_scope, current=Holders(cit_any=required - 1))
        at = TrainingFigures(in_scope, current=Holders(cit_any=required))
        assert not evaluate(CURRENT_RULES, figures(below))["cit"].met
        assert evaluate(CURRENT_RULES, figures(at))["cit"].met


def test_over_sworn_officers_only_the_threshold_is_a_share_of_them():
    rules = sworn_only(CURRENT_RULES)
    for sworn, required in [(5, 1), (6, 2), (180, 36)]:
        # Twice as many in scope, and the selected non-sworn staff all hold CIT.
        everyone = Holders(cit_any=sworn + required - 1)
        below = TrainingFigures(2 * sworn, sworn, current=everyone,
                                sworn_current=Holders(cit_any=required - 1))  # fmt: skip
        at = TrainingFigures(2 * sworn, sworn, current=everyone,
                             sworn_current=Holders(cit_any=required))  # fmt: skip
        cit = evaluate(rules, figures(below))["cit"]
        assert (cit.met, cit.total, cit.required) == (False, sworn, required)
        assert evaluate(rules, figures(at))["cit"].met
        assert evaluate(CURRENT_RULES, figures(below))["cit"].met  # over everyone, it is met


def test_nobody_in_scope_means_training_is_not_met():
    for rules in EVERY_RULES:
        result = evaluate(rules, figures(TrainingFigures()))
        assert not result["cit"].met and not result["coverage"].met
        assert "No one is in scope" in result["cit"].missing[0]


def test_no_sworn_officer_in_scope_means_a_sworn_minimum_is_not_met():
    dispatchers = TrainingFigures(4, 0, current=Holders(cit_any=4, either_any=4))
    cit = evaluate(sworn_only(CURRENT_RULES), figures(dispatchers))["cit"]
    assert not cit.met and cit.missing == ["No sworn officer is in scope: add them to the roster."]
    assert evaluate(CURRENT_RULES, figures(dispatchers))["cit"].met


def test_the_shortfall_over_sworn_officers_names_them():
    training = TrainingFigures(10, 6, current=Holders(cit_any=3, either_any=10))
    cit = evaluate(sworn_only(CURRENT_RULES), figures(training))["cit"]
    assert cit.title == "CIT or equivalent training for at least 20% of sworn officers"
    assert cit.missing == [
        "2 more sworn officers need CIT or equivalent training (2 of 6 sworn officers needed)."
    ]
    assert cit.group_words == "sworn officers in scope" and cit.sworn_only


def test_a_lapsed_certificate_counts_only_when_the_rules_say_so():
    # 10 people: 8 hold MHFA, 2 of whom have let it lapse.
    training = TrainingFigures(
        10,
        completed=Holders(mhfa_strict=8, mhfa_any=8, either_strict=8, either_any=8),
        current=Holders(mhfa_strict=6, mhfa_any=6, either_strict=6, either_any=6),
    )
    assert evaluate(CURRENT_RULES, figures(training))["coverage"].count == 6
    assert evaluate(lapsed_counting(CURRENT_RULES), figures(training))["coverage"].count == 8


def test_the_rules_versions_read_different_figures():
    # 10 people: 2 with CIT (one of them through an approved equivalent), 8 with MHFA only
    # (one of them through an approved equivalent).
    training = TrainingFigures(
        in_scope=10,
        current=Holders(cit_strict=1, cit_any=2, mhfa_strict=7, mhfa_any=8,
                        either_strict=8, either_any=10),
    )  # fmt: skip
    current = evaluate(CURRENT_RULES, figures(training))
    between = evaluate(RULES_2019_2022, figures(training))
    original = evaluate(ORIGINAL_RULES, figures(training))
    assert current.all_met
    assert between["cit"].met  # CIT or equivalent for 20%
    assert not between["coverage"].met  # but MHFA or equivalent for everyone, CIT or not
    assert between["coverage"].missing == ["2 people in scope still need MHFA or equivalent."]
    assert not original["cit"].met  # the equivalent does not count under the original rules
    assert original["coverage"].missing == ["3 people in scope still need MHFA for Public Safety."]


def test_figures_read_as_the_dashboard_shows_them():
    training = TrainingFigures(180, current=Holders(37, 37, 100, 100, 120, 120))
    cit = evaluate(CURRENT_RULES, figures(training))["cit"]
    assert (cit.count, cit.required, cit.total, cit.percent_text, cit.met) == (
        37, 36, 180, "20.6%", True,
    )  # fmt: skip
    assert cit.group_words == "in scope" and not cit.sworn_only


@every_rules
@given(people=people_in_scope())
def test_each_figure_is_the_plain_count_of_what_the_rules_say(rules, people):
    """Whom the CIT minimum counts, how many of them hold CIT, and how many are trained:
    the figures the evaluation reads are those of the rules in words, person by person."""
    assert counts_judged(evaluate(rules, figures(tally(people)))) == plain_counts(rules, people)


@every_rules
@given(people=people_in_scope())
def test_a_requirement_is_met_exactly_when_its_count_reaches_the_required(rules, people):
    result = evaluate(rules, figures(tally(people)))
    for key in ("cit", "coverage"):
        requirement = result[key]
        assert requirement.met == (
            requirement.total > 0 and requirement.count >= requirement.required
        )
        assert requirement.met == (not requirement.missing)
    assert result.all_met == all(r.met for r in result.requirements)


@every_rules
@given(people=people_in_scope(), data=st.data())
def test_one_more_record_never_lowers_any_status(rules, people, data):
    """Someone in scope gains a record (a first one, another kind, or a renewal of a lapsed
    one): every count can only rise."""
    if not people:
        return
    who = data.draw(st.integers(0, len(people) - 1))
    kind = data.draw(st.sampled_from(COUNTING_KINDS))
    sworn, current, completed = people[who]
    after = [*people[:who], (sworn, current | {kind}, completed | {kind}), *people[who + 1 :]]
    before_result = evaluate(rules, figures(tally(people)))
    after_result = evaluate(rules, figures(tally(after)))
    for old, new in zip(before_result.requirements, after_result.requirements, strict=True):
        assert new.met >= old.met
        assert (new.count or 0) >= (old.count or 0)


@every_rules
@given(people=people_in_scope(), data=st.data())
def test_a_certificate_lapsing_lowers_nothing_where_lapsed_ones_count(rules, people, data):
    """Someone's current record lapses: no count rises, and none moves at all under rules
    that let a lapsed certificate count."""
    holding = [i for i, (_, current, _) in enumerate(people) if current]
    if not holding:
        return
    who = data.draw(st.sampled_from(holding))
    sworn, current, completed = people[who]
    kind = data.draw(st.sampled_from(sorted(current)))
    after = [*people[:who], (sworn, current - {kind}, completed), *people[who + 1 :]]
    before_result = evaluate(rules, figures(tally(people)))
    after_result = evaluate(rules, figures(tally(after)))
    for old, new in zip(before_result.requirements, after_result.requirements, strict=True):
        assert new.met <= old.met and (new.count or 0) <= (old.count or 0)
        if not rules.training_must_be_current:
            assert new == old


@every_rules
@given(people=people_in_scope())
def test_the_switches_change_nothing_where_they_do_not_apply(rules, people):
    """With everyone in scope sworn, the minimum's base makes no difference; with no record
    lapsed, whether lapsed ones count makes none either."""
    everyone_sworn = [(True, current, completed) for _, current, completed in people]
    assert judged(rules, everyone_sworn) == judged(sworn_only(rules), everyone_sworn)
    none_lapsed = [(sworn, current, current) for sworn, current, _ in people]
    assert judged(rules, none_lapsed) == judged(lapsed_counting(rules), none_lapsed)


@given(people_in_scope())
def test_partnership_and_policy_pass_through_with_their_reasons(people):
    result = evaluate(CURRENT_RULES, figures(tally(people), partnership=NOT_MET))
    assert not result["partnership"].met and result["partnership"].missing == ["No partnership."]
    assert not result.all_met


@every_rules
@given(people=people_in_scope(), partnership=st.booleans(), policy=st.booleans())
def test_the_figures_alone_are_those_of_the_evaluation_in_words(rules, people, partnership, policy):
    """The recompute judges without words: every result and figure is the same."""
    facts = Figures(tally(people), Finding(partnership), Finding(policy))
    worded, bare = evaluate(rules, facts), evaluate(rules, facts, words=False)
    shown = [
        (r.key, r.met, r.count, r.required, r.total, r.sworn_only) for r in worded.requirements
    ]
    assert [
        (r.key, r.met, r.count, r.required, r.total, r.sworn_only) for r in bare.requirements
    ] == shown
    assert bare.all_met == worded.all_met
    assert all(not r.missing and not r.title for r in bare.requirements)
