"""What matters to the person, through the API: it orders only recommendations of equal
evidence, and each card says what of it the option does not meet."""

from __future__ import annotations

import pytest

from tests.api.test_recommendations import URL, recommend

pytestmark = pytest.mark.django_db


def test_what_matters_orders_equal_evidence_and_says_what_an_option_misses(api, seeded):
    plain = recommend(api, goals=["stress-anxiety", "sleep"])
    valued = recommend(
        api,
        goals=["stress-anxiety", "sleep"],
        what_matters={"approach": "touch", "cost": "free"},
    )

    slugs = [card["therapy"]["slug"] for card in valued["recommendations"]]
    assert [c["score"] for c in valued["recommendations"]] == [
        c["score"] for c in plain["recommendations"]
    ]
    assert slugs[:3] == ["cbt-insomnia", "cbt", "lymphatic-drainage"]
    misses = {c["therapy"]["slug"]: c["value_misses"] for c in valued["recommendations"]}
    assert misses["cbt"] == ["approach"]
    assert misses["lymphatic-drainage"] == ["cost-some"]
    assert misses["swedish-massage"] == ["cost"]
    assert all(c["value_misses"] == [] for c in plain["recommendations"])
    cost = next(h for h in valued["recommendations"][2]["harms"] if h["category"] == "cost")
    assert cost["level"] == "sometimes-free"


def test_an_unknown_value_of_what_matters_is_a_400_naming_the_field(api, seeded):
    response = api.post(URL, {"goals": ["sleep"], "what_matters": {"cost": "cheap"}}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "what_matters.cost", "message": "Choose one of: any, free. You sent 'cheap'."}
    ]
