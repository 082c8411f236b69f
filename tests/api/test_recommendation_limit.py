"""The recommendation API answers a shortlist, ``limit`` long, and counts what it left out."""

from __future__ import annotations

import pytest

from tests.factories import FindingFactory, TherapyFactory
from therapies.models import Goal
from wellness.recommender import SHORTLIST_SIZE

URL = "/api/v1/recommendations/"
SEED_FOR_SLEEP = 7  # therapies the seed recommends for sleep, with no other answers

pytestmark = pytest.mark.django_db


def recommend(api, **body) -> dict:
    response = api.post(URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def many_for_sleep(seeded) -> int:
    """Give more therapies than a shortlist evidence for sleep; return how many suit it."""
    sleep = Goal.objects.get(slug="sleep")
    for n in range(SHORTLIST_SIZE):
        FindingFactory(therapy=TherapyFactory(slug=f"sleep-helper-{n}"), goal=sleep)
    return SEED_FOR_SLEEP + SHORTLIST_SIZE


def test_the_default_is_a_shortlist_with_the_rest_counted(api, many_for_sleep):
    result = recommend(api, goals=["sleep"])

    assert len(result["recommendations"]) == SHORTLIST_SIZE
    assert result["more_recommendations"] == many_for_sleep - SHORTLIST_SIZE


def test_a_larger_limit_shows_the_rest_after_the_same_shortlist(api, many_for_sleep):
    short = recommend(api, goals=["sleep"])
    everything = recommend(api, goals=["sleep"], limit=100)

    assert len(everything["recommendations"]) == many_for_sleep
    assert everything["more_recommendations"] == 0
    assert everything["recommendations"][:SHORTLIST_SIZE] == short["recommendations"]


def test_a_limit_of_one_gives_the_best_and_counts_the_rest(api, seeded):
    best = recommend(api, goals=["sleep"])["recommendations"][0]

    result = recommend(api, goals=["sleep"], limit=1)

    assert result["recommendations"] == [best]
    assert result["more_recommendations"] == SEED_FOR_SLEEP - 1


def test_fewer_than_the_limit_leave_nothing_more(api, seeded):
    result = recommend(api, goals=["sleep"])

    assert len(result["recommendations"]) == SEED_FOR_SLEEP
    assert result["more_recommendations"] == 0


def test_a_crisis_has_nothing_more(api, seeded):
    result = recommend(api, goals=["sleep"], conditions=["crisis"], limit=1)

    assert result["recommendations"] == []
    assert result["more_recommendations"] == 0


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (101, "Ensure this value is less than or equal to 100."),
        ("x", "A valid integer is required."),
        ("10", "A valid integer is required."),
        (10.5, "A valid integer is required."),
        (True, "A valid integer is required."),
        (None, "This field may not be null."),
    ],
)
def test_a_bad_limit_is_a_problem_naming_the_field(api, seeded, limit, message):
    response = api.post(URL, {"goals": ["sleep"], "limit": limit}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "limit", "message": message}]
