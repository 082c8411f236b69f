"""The recommendation answer built by hand is byte for byte what ``ResultSerializer`` renders."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from wellness.api.serializers.recommendations import ResultSerializer
from wellness.api.serializers.result_dicts import result_dict
from wellness.content import GAP_WORDS, PREFERENCE_REASONS
from wellness.recommender import (
    CERTAINTY_WEIGHT,
    Answers,
    Benefit,
    Crisis,
    CrisisContactFacts,
    Excluded,
    GoalGap,
    HarmFacts,
    NextStepFacts,
    Reason,
    Recommendation,
    Result,
    SetAside,
    SourceRef,
    TherapyRef,
    recommend,
)
from wellness.recommender import Warning as CardWarning
from wellness.selectors import catalogue_snapshot


def assert_same_json(result: Result) -> None:
    render = JSONRenderer().render
    assert render(result_dict(result)) == render(ResultSerializer(result).data)


# --- On the seed catalogue, through the engine -----------------------------------------------

SEED_ANSWERS = [
    Answers(goals=frozenset({"sleep"})),
    # Warnings (clearance before caution) and a therapy that suits the condition.
    Answers(
        goals=frozenset({"pain-tension", "pregnancy-comfort"}), conditions=frozenset({"pregnancy"})
    ),
    # Excluded therapies, several goals, and a goal no therapy has good evidence for.
    Answers(
        goals=frozenset({"pain-tension", "stress-anxiety", "low-mood"}),
        conditions=frozenset({"blood-thinners", "osteoporosis"}),
    ),
    # Therapies set aside for the format or the pressure.
    Answers(goals=frozenset({"stress-anxiety", "sleep"}), format="online"),
    Answers(goals=frozenset({"pain-tension", "grief"}), pressure="firm"),
    Answers(goals=frozenset({"low-mood"}), conditions=frozenset({"crisis", "pregnancy"})),
    # The strictest advice where two rules meet, and other paths chosen for the answers.
    Answers(
        goals=frozenset({"swelling"}),
        conditions=frozenset({"cancer-treatment", "unexplained-swelling"}),
    ),
    # A goal with unclear evidence only.
    Answers(goals=frozenset({"cancer-pain"})),
]


def seed_results(limit: int | None) -> list[Result]:
    catalogue = catalogue_snapshot()
    return [recommend(answers=a, catalogue=catalogue, limit=limit) for a in SEED_ANSWERS]


@pytest.mark.parametrize("limit", [None, 1, 3, 10])
def test_plain_json_is_the_serializers_on_the_seed(seeded, limit):
    for result in seed_results(limit):
        assert_same_json(result)


def test_the_seed_answers_cover_every_part_of_a_result(seeded):
    results = seed_results(limit=1)
    cards = [card for result in results for card in result.recommendations]

    assert any(result.crisis for result in results)
    assert any(result.excluded for result in results)
    assert any(result.set_aside for result in results)
    assert any(result.goal_gaps for result in results)
    assert any(result.more_recommendations for result in results)
    assert any(len(card.matched_goals) > 1 for card in cards)
    assert any(card.warnings for card in cards)
    assert any(card.suits for card in cards)
    assert any(card.harms for card in cards)
    assert any(card.gate for card in cards)
    assert any(result.other_paths for result in results)


# --- Any result the dataclasses can hold -----------------------------------------------------

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)


def tuples(elements: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(elements, max_size=3).map(tuple)


sources = st.builds(SourceRef, slug=texts, title=texts, link=texts)
therapies = st.builds(
    TherapyRef, slug=texts, name=texts, kind=st.sampled_from(["talking", "massage"])
)
benefits = st.builds(
    Benefit,
    goal=texts,
    statement=texts,
    certainty=st.sampled_from(sorted(CERTAINTY_WEIGHT)),
    direction=st.sampled_from(["benefit", "no-clear-effect", "no-effect", "harm"]),
    sources=tuples(sources),
    finding=texts,
    rated_by=st.sampled_from(["source", "team"]),
    clinician_checked=st.booleans(),
)
harms = st.builds(
    HarmFacts,
    slug=texts,
    therapy=st.none() | texts,
    kind=st.none() | st.sampled_from(["talking", "massage"]),
    technique=st.none() | texts,
    category=st.sampled_from(["side-effect", "serious-risk", "time", "cost"]),
    statement=texts,
    certainty=st.sampled_from(["", *sorted(CERTAINTY_WEIGHT)]),
    source=st.none() | sources,
)
reasons = st.builds(Reason, condition=texts, message=texts, source=st.none() | sources)
warnings = st.builds(
    CardWarning,
    condition=texts,
    effect=st.sampled_from(["clearance", "caution"]),
    message=texts,
    source=st.none() | sources,
)
recommendations = st.builds(
    Recommendation,
    therapy=therapies,
    score=st.integers(0, 100),
    matched_goals=tuples(texts),
    benefits=tuples(benefits),
    warnings=tuples(warnings),
    suits=tuples(reasons),
    supporting_findings=st.integers(0, 100),
    harms=tuples(harms),
    what_to_expect=texts,
    gate=st.sampled_from(["", "clearance", "caution"]),
)
contacts = st.builds(
    CrisisContactFacts, name=texts, phone=texts, text=texts, url=texts, when_to_use=texts
)
results = st.builds(
    Result,
    catalogue_version=texts,
    crisis=st.none() | st.builds(Crisis, message=texts, contacts=tuples(contacts)),
    recommendations=tuples(recommendations),
    excluded=tuples(st.builds(Excluded, therapy=therapies, reasons=tuples(reasons))),
    set_aside=tuples(
        st.builds(SetAside, therapy=therapies, reason=st.sampled_from(sorted(PREFERENCE_REASONS)))
    ),
    goal_gaps=tuples(
        st.builds(
            GoalGap, goal=texts, notes=tuples(benefits), status=st.sampled_from(sorted(GAP_WORDS))
        )
    ),
    other_paths=tuples(st.builds(NextStepFacts, slug=texts, title=texts, text=texts)),
    more_recommendations=st.integers(0, 10_000),
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(result=results)
def test_plain_json_is_the_serializers_for_any_result(result):
    assert_same_json(result)
