"""The engine's rules (wellness/recommender/engine.py), on hand-built snapshots: no database
needed."""

import ast
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings

from tests.wellness.engine_catalogues import (
    answer_sets,
    catalogues,
    finding,
    rule,
    slugs,
    snapshot,
    therapy,
)
from wellness.recommender import Answers, recommend

CATALOGUE = snapshot(
    [
        therapy("swedish"),
        therapy("deep", pressure="firm"),
        therapy("prenatal"),
        therapy("cbt", kind="talking", formats=("in-person", "online"), pressure="n/a"),
        therapy("supportive", kind="talking", formats=("group",), pressure="n/a"),
    ],
    findings=[
        finding("massage-pain", "pain", kind="massage", certainty="low"),
        finding("deep-pain", "pain", therapy="deep", certainty="very-low"),
        finding("talking-sleep", "sleep", kind="talking", certainty="moderate"),
        finding("cbt-sleep", "sleep", therapy="cbt", certainty="high"),
        finding("supportive-sleep", "sleep", therapy="supportive", direction="no-clear-effect"),
        finding(
            "massage-grief", "grief", kind="massage", direction="no-clear-effect", certainty="low"
        ),
    ],
    rules=[
        rule("swedish", "pregnancy", "clearance"),
        rule("deep", "pregnancy", "clearance"),
        rule("prenatal", "pregnancy", "suits"),
        rule("deep", "blood-thinners", "exclude", "No firm pressure on blood thinners."),
        rule("deep", "osteoporosis", "exclude", "Firm pressure can break weak bones."),
        rule("swedish", "blood-thinners", "caution"),
        rule("swedish", "osteoporosis", "caution"),
    ],
)


def test_crisis_stops_the_flow_with_help_and_no_shortlist():
    result = recommend(
        answers=Answers(goals=frozenset({"pain"}), conditions=frozenset({"crisis", "pregnancy"})),
        catalogue=CATALOGUE,
    )

    assert result.crisis is not None
    assert result.crisis.contacts[0].phone == "116 123"
    assert result.recommendations == result.excluded == ()
    assert result.catalogue_version == "v1"


def test_excluded_therapy_is_never_recommended_and_lists_every_reason():
    result = recommend(
        answers=Answers(
            goals=frozenset({"pain"}), conditions=frozenset({"blood-thinners", "osteoporosis"})
        ),
        catalogue=CATALOGUE,
    )

    assert "deep" not in slugs(result)
    [excluded] = result.excluded
    assert excluded.therapy.slug == "deep"
    assert [r.message for r in excluded.reasons] == [
        "No firm pressure on blood thinners.",
        "Firm pressure can break weak bones.",
    ]


def test_clearance_comes_before_caution_on_a_card():
    result = recommend(
        answers=Answers(
            goals=frozenset({"pain"}), conditions=frozenset({"osteoporosis", "pregnancy"})
        ),
        catalogue=CATALOGUE,
    )

    swedish = next(r for r in result.recommendations if r.therapy.slug == "swedish")
    assert [(w.effect, w.condition) for w in swedish.warnings] == [
        ("clearance", "pregnancy"),
        ("caution", "osteoporosis"),
    ]


def test_among_equal_evidence_fewer_gates_then_made_for_you_come_first():
    result = recommend(
        answers=Answers(goals=frozenset({"pain"}), conditions=frozenset({"pregnancy"})),
        catalogue=CATALOGUE,
    )

    # All three rest on the same low-certainty finding: prenatal suits pregnancy and asks no
    # one first; deep and Swedish each need a clearance, and are ordered by name.
    assert [(r.therapy.slug, r.score) for r in result.recommendations] == [
        ("prenatal", 2),
        ("deep", 2),
        ("swedish", 2),
    ]
    assert result.recommendations[0].suits[0].condition == "pregnancy"


def test_a_suits_rule_makes_no_candidate_and_never_lifts_weaker_evidence():
    catalogue = snapshot(
        [therapy("prenatal"), therapy("cbt", kind="talking", pressure="n/a")],
        findings=[
            finding("prenatal-pain", "pain", therapy="prenatal", certainty="very-low"),
            finding("cbt-pain", "pain", therapy="cbt", certainty="moderate"),
        ],
        rules=[rule("prenatal", "pregnancy", "suits")],
    )

    for_sleep = recommend(
        answers=Answers(goals=frozenset({"sleep"}), conditions=frozenset({"pregnancy"})),
        catalogue=catalogue,
    )
    for_pain = recommend(
        answers=Answers(goals=frozenset({"pain"}), conditions=frozenset({"pregnancy"})),
        catalogue=catalogue,
    )

    assert slugs(for_sleep) == []
    assert slugs(for_pain) == ["cbt", "prenatal"]
    assert [r.score for r in for_pain.recommendations] == [3, 1]


def test_a_clearance_weighs_more_than_a_caution_among_equals():
    catalogue = snapshot(
        [therapy("a-asks-first"), therapy("b-take-care"), therapy("c-no-gate")],
        findings=[finding("massage-pain", "pain", kind="massage")],
        rules=[
            rule("a-asks-first", "pregnancy", "clearance"),
            rule("b-take-care", "pregnancy", "caution"),
        ],
    )

    result = recommend(
        answers=Answers(goals=frozenset({"pain"}), conditions=frozenset({"pregnancy"})),
        catalogue=catalogue,
    )

    assert slugs(result) == ["c-no-gate", "b-take-care", "a-asks-first"]


def test_score_is_the_best_certainty_per_goal_and_equals_are_ordered_by_name():
    result = recommend(answers=Answers(goals=frozenset({"pain"})), catalogue=CATALOGUE)

    # deep: own very-low + massage low, best low (2), 2 findings; the others: low, 1 finding.
    assert [(r.therapy.slug, r.score, r.supporting_findings) for r in result.recommendations] == [
        ("deep", 2, 2),
        ("prenatal", 2, 1),
        ("swedish", 2, 1),
    ]


def test_specific_evidence_outranks_evidence_about_the_whole_kind():
    result = recommend(answers=Answers(goals=frozenset({"sleep"})), catalogue=CATALOGUE)

    # Talking therapies as a kind help sleep, but supportive therapy's own finding says no clear
    # effect, so it is not a candidate; CBT's own high-certainty finding leads.
    assert slugs(result) == ["cbt"]
    assert result.recommendations[0].score == 4
    assert [b.statement for b in result.recommendations[0].benefits] == [
        "cbt-sleep statement",
        "talking-sleep statement",
    ]


def test_a_goal_with_no_good_option_is_said_with_the_evidence_there_is():
    result = recommend(answers=Answers(goals=frozenset({"grief", "mood"})), catalogue=CATALOGUE)

    assert result.recommendations == ()
    assert [(g.goal, [n.statement for n in g.notes]) for g in result.goal_gaps] == [
        ("grief", ["massage-grief statement"]),
        ("mood", []),
    ]
    assert [g.status for g in result.goal_gaps] == ["unclear", "none"]
    assert "talk-to-gp" in [p.slug for p in result.other_paths]


@pytest.mark.parametrize(
    ("answers", "set_aside"),
    [
        (Answers(goals=frozenset({"sleep"}), format="group"), ["cbt"]),
        (Answers(goals=frozenset({"pain"}), pressure="firm"), ["prenatal", "swedish"]),
    ],
)
def test_preferences_set_a_therapy_aside_and_say_so(answers, set_aside):
    result = recommend(answers=answers, catalogue=CATALOGUE)

    assert [s.therapy.slug for s in result.set_aside] == set_aside
    assert not set(set_aside) & set(slugs(result))


def test_unknown_answers_are_ignored():
    result = recommend(
        answers=Answers(goals=frozenset({"pain", "flying"}), conditions=frozenset({"dragons"})),
        catalogue=CATALOGUE,
    )

    assert slugs(result) == ["deep", "prenatal", "swedish"]


# --- Properties that hold for every input ----------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(catalogue=catalogues(), answers=answer_sets)
def test_property_an_excluded_therapy_is_never_recommended(catalogue, answers):
    result = recommend(answers=answers, catalogue=catalogue)
    excluded_for_person = {
        r.therapy
        for c in answers.conditions
        for r in catalogue.rules_by_condition.get(c, ())
        if r.effect == "exclude"
    }

    assert not excluded_for_person & set(slugs(result))


@settings(max_examples=300, deadline=None)
@given(catalogue=catalogues(), answers=answer_sets)
def test_property_the_result_is_deterministic(catalogue, answers):
    first = recommend(answers=answers, catalogue=catalogue)
    again = recommend(
        answers=Answers(
            goals=frozenset(sorted(answers.goals, reverse=True)),
            conditions=frozenset(sorted(answers.conditions, reverse=True)),
            format=answers.format,
            pressure=answers.pressure,
        ),
        catalogue=catalogue,
    )

    assert first == again


@settings(max_examples=300, deadline=None)
@given(catalogue=catalogues(), answers=answer_sets)
def test_property_crisis_yields_no_shortlist(catalogue, answers):
    result = recommend(answers=answers, catalogue=catalogue)

    assert (result.crisis is not None) == ("crisis" in answers.conditions)
    if result.crisis is not None:
        assert result.recommendations == ()


@settings(max_examples=300, deadline=None)
@given(catalogue=catalogues(), answers=answer_sets)
def test_property_every_benefit_shown_has_a_source_and_is_a_benefit(catalogue, answers):
    result = recommend(answers=answers, catalogue=catalogue)

    for recommendation in result.recommendations:
        assert recommendation.matched_goals
        for benefit in recommendation.benefits:
            assert benefit.sources and all(s.link for s in benefit.sources)
            assert benefit.direction == "benefit"
            assert benefit.goal in answers.goals


@settings(max_examples=200, deadline=None)
@given(catalogue=catalogues(), answers=answer_sets)
def test_property_recommendations_are_ranked_best_first(catalogue, answers):
    result = recommend(answers=answers, catalogue=catalogue)
    keys = [
        (
            -r.score,
            sum(w.effect == "clearance" for w in r.warnings),
            sum(w.effect == "caution" for w in r.warnings),
            0 if r.suits else 1,
            r.therapy.name,
            r.therapy.slug,
        )
        for r in result.recommendations
    ]

    assert keys == sorted(keys)


def test_engine_imports_only_the_standard_library_and_itself():
    import wellness.recommender as engine

    imported = set()
    for path in Path(engine.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported |= {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
    outside = {m for m in imported if not m.startswith("wellness.recommender")}

    assert {m.split(".")[0] for m in outside} <= set(sys.stdlib_module_names) | {"__future__"}, (
        outside
    )
