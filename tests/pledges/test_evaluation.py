"""The evaluation: a pure function of rules and figures, in integer arithmetic."""

from hypothesis import given
from hypothesis import strategies as st

from onemind.lib.findings import Finding
from pledges.engine.evaluation import Figures, TrainingFigures, evaluate, share
from tests.factories import CURRENT_RULES, ORIGINAL_RULES

MET, NOT_MET = Finding(met=True), Finding(met=False, reasons=["No partnership."])


@st.composite
def training_figures(draw):
    """Consistent figures: strict ⊆ any, each kind ⊆ either, everything ⊆ in scope."""
    in_scope = draw(st.integers(0, 400))
    cit_any = draw(st.integers(0, in_scope))
    cit_strict = draw(st.integers(0, cit_any))
    mhfa_any = draw(st.integers(0, in_scope))
    mhfa_strict = draw(st.integers(0, mhfa_any))
    either_any = draw(st.integers(max(cit_any, mhfa_any), min(in_scope, cit_any + mhfa_any)))
    low = max(cit_strict, mhfa_strict)
    either_strict = draw(st.integers(low, max(low, min(either_any, cit_strict + mhfa_strict))))
    return TrainingFigures(
        in_scope, cit_strict, cit_any, mhfa_strict, mhfa_any, either_strict, either_any
    )


def figures(training, partnership=MET, policy=MET):
    return Figures(training=training, partnership=partnership, policy=policy)


def test_twenty_percent_is_rounded_up_to_whole_people():
    assert [share(n, 20) for n in (0, 1, 4, 5, 6, 10, 11, 180)] == [0, 1, 1, 1, 2, 2, 3, 36]


def test_the_cit_threshold_is_exact_at_the_boundary():
    for in_scope, required in [(5, 1), (6, 2), (180, 36)]:
        below = TrainingFigures(in_scope, 0, required - 1, 0, 0, 0, in_scope)
        at = TrainingFigures(in_scope, 0, required, 0, 0, 0, in_scope)
        assert not evaluate(CURRENT_RULES, figures(below))["cit"].met
        assert evaluate(CURRENT_RULES, figures(at))["cit"].met


def test_nobody_in_scope_means_training_is_not_met():
    result = evaluate(CURRENT_RULES, figures(TrainingFigures()))
    assert not result["cit"].met and not result["coverage"].met
    assert "No one is in scope" in result["cit"].missing[0]


def test_the_two_rules_versions_read_different_figures():
    # 10 people: 2 with CIT (one of them through an approved equivalent), 8 with MHFA only.
    training = TrainingFigures(
        in_scope=10, cit_strict=1, cit_any=2, mhfa_strict=8, mhfa_any=8,
        either_strict=9, either_any=10,
    )  # fmt: skip
    current = evaluate(CURRENT_RULES, figures(training))
    original = evaluate(ORIGINAL_RULES, figures(training))
    assert current.all_met
    assert not original["cit"].met  # the equivalent does not count under the original rules
    assert not original["coverage"].met  # and MHFA was for everyone, CIT holders included
    assert original["coverage"].missing == ["2 people in scope still need MHFA for Public Safety."]


def test_figures_read_as_the_dashboard_shows_them():
    training = TrainingFigures(180, 37, 37, 100, 100, 120, 120)
    cit = evaluate(CURRENT_RULES, figures(training))["cit"]
    assert (cit.count, cit.required, cit.total, cit.percent_text, cit.met) == (
        37, 36, 180, "20.6%", True,
    )  # fmt: skip


@given(training_figures(), st.sampled_from([ORIGINAL_RULES, CURRENT_RULES]))
def test_a_requirement_is_met_exactly_when_its_count_reaches_the_required(training, rules):
    result = evaluate(rules, figures(training))
    for key in ("cit", "coverage"):
        requirement = result[key]
        assert requirement.met == (
            training.in_scope > 0 and requirement.count >= requirement.required
        )
        assert requirement.met == (not requirement.missing)
    assert result.all_met == all(r.met for r in result.requirements)


@given(
    training_figures(),
    st.sampled_from([ORIGINAL_RULES, CURRENT_RULES]),
    st.sampled_from(["cit_strict", "cit_any", "mhfa_strict", "mhfa_any"]),
)
def test_one_more_valid_record_never_lowers_any_status(training, rules, kind):
    """Someone untrained in scope gains a record of `kind`: every count can only rise."""
    untrained = training.in_scope - training.either_any
    if not untrained:
        return
    bump = {
        "cit_strict": ["cit_strict", "cit_any", "either_strict", "either_any"],
        "cit_any": ["cit_any", "either_any"],
        "mhfa_strict": ["mhfa_strict", "mhfa_any", "either_strict", "either_any"],
        "mhfa_any": ["mhfa_any", "either_any"],
    }[kind]
    after = TrainingFigures(
        **{
            name: getattr(training, name) + (1 if name in bump else 0)
            for name in TrainingFigures.__dataclass_fields__
        }
    )
    before_result, after_result = (
        evaluate(rules, figures(training)),
        evaluate(rules, figures(after)),
    )
    for old, new in zip(before_result.requirements, after_result.requirements, strict=True):
        assert new.met >= old.met
        assert (new.count or 0) >= (old.count or 0)


@given(training_figures())
def test_partnership_and_policy_pass_through_with_their_reasons(training):
    result = evaluate(CURRENT_RULES, figures(training, partnership=NOT_MET))
    assert not result["partnership"].met and result["partnership"].missing == ["No partnership."]
    assert not result.all_met
