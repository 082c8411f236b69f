"""The shortlist for one goal read in rank order (``wellness/recommender/shortlist.py``) is the
engine's whole ranking cut at the limit: the same cards, counts, exclusions and gaps.

With one goal, no preference and nothing that matters to the person stated, ``recommend`` with a
``limit`` reads the goal's ranking from the snapshot and weighs one by one only the therapies
the answers concern; without a limit it ranks every match. Both must agree exactly.
"""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.wellness.engine_catalogues import CONDITION_NAMES, GOAL_NAMES, catalogues
from wellness.recommender import Answers, recommend

one_goal_answers = st.builds(
    Answers,
    goals=st.sampled_from([*GOAL_NAMES, "unknown"]).map(lambda g: frozenset({g})),
    conditions=st.frozensets(st.sampled_from([*CONDITION_NAMES[:3], "unknown"])),
)


@settings(max_examples=500, deadline=None)
@given(catalogue=catalogues(), answers=one_goal_answers, limit=st.integers(0, 6))
def test_property_one_goal_in_rank_order_is_the_whole_ranking_cut(catalogue, answers, limit):
    whole = recommend(answers=answers, catalogue=catalogue)

    short = recommend(answers=answers, catalogue=catalogue, limit=limit)

    assert short.recommendations == whole.recommendations[:limit]
    assert short.more_recommendations == len(whole.recommendations) - len(short.recommendations)
    rest = dataclasses.replace(short, recommendations=whole.recommendations, more_recommendations=0)
    assert rest == whole


@settings(max_examples=100, deadline=None)
@given(catalogue=catalogues(), answers=one_goal_answers)
def test_property_a_ranking_made_once_serves_every_answer(catalogue, answers):
    # The ranking is kept in the snapshot when first asked for: another person's answers,
    # read from the same ranking, get what a fresh snapshot gives them.
    for goal in GOAL_NAMES:
        recommend(answers=Answers(goals=frozenset({goal})), catalogue=catalogue, limit=3)
    fresh = dataclasses.replace(catalogue)

    assert recommend(answers=answers, catalogue=catalogue, limit=3) == recommend(
        answers=answers, catalogue=fresh, limit=3
    )
