"""``POST /api/v1/recommendations/``: the contract of docs/architecture.md §7, on the real seed
catalogue."""

from __future__ import annotations

import json
import logging

import pytest

from therapies.models import CrisisContact, NextStep, Therapy
from wellness import services
from wellness.recommender import SHORTLIST_SIZE, Answers
from wellness.selectors import catalogue_snapshot

URL = "/api/v1/recommendations/"
FIRM_MASSAGES = {
    "deep-tissue-massage",
    "sports-massage",
    "trigger-point-therapy",
    "myofascial-release",
}

pytestmark = pytest.mark.django_db


def recommend(api, **body):
    response = api.post(URL, body, format="json")
    assert response.status_code == 200, response.content
    result = response.json()
    assert_section_7_shape(result)
    return result


def _source_ref(value) -> None:
    assert set(value) == {"slug", "title", "link"}
    assert all(isinstance(v, str) for v in value.values())


def _therapy_ref(value) -> None:
    assert set(value) == {"slug", "name", "kind"}
    assert value["kind"] in ("talking", "massage")


def assert_section_7_shape(result: dict) -> None:
    """Check every field docs/architecture.md §7 promises, with its type."""
    assert {
        "catalogue_version",
        "crisis",
        "recommendations",
        "more_recommendations",
        "excluded",
        "other_paths",
    } <= set(result)
    assert isinstance(result["more_recommendations"], int)
    assert isinstance(result["catalogue_version"], str) and result["catalogue_version"]
    if result["crisis"] is not None:
        assert isinstance(result["crisis"]["message"], str)
        assert isinstance(result["crisis"]["contacts"], list)
        assert result["recommendations"] == []
    scores = []
    for card in result["recommendations"]:
        _therapy_ref(card["therapy"])
        assert isinstance(card["score"], int)
        scores.append(card["score"])
        assert all(isinstance(goal, str) for goal in card["matched_goals"])
        for benefit in card["benefits"]:
            assert {"goal", "statement", "certainty", "sources"} <= set(benefit)
            assert benefit["certainty"] in ("high", "moderate", "low", "very-low")
            assert benefit["sources"], "never a number without its source"
            for source in benefit["sources"]:
                _source_ref(source)
        for warning in card["warnings"]:
            assert {"condition", "effect", "message"} <= set(warning)
            assert warning["effect"] in ("clearance", "caution")
    assert scores == sorted(scores, reverse=True), "ranked best first"
    for excluded in result["excluded"]:
        _therapy_ref(excluded["therapy"])
        assert excluded["reasons"]
        for reason in excluded["reasons"]:
            assert {"condition", "message"} <= set(reason)
    for path in result["other_paths"]:
        assert set(path) == {"key", "title", "text"}
        assert all(isinstance(value, str) and value for value in path.values())
    if result["crisis"] is None:
        assert "talk-to-gp" in [p["key"] for p in result["other_paths"]]
    else:
        assert result["other_paths"] == []


def by_slug(cards: list[dict]) -> dict[str, dict]:
    return {card["therapy"]["slug"]: card for card in cards}


@pytest.mark.parametrize("goal", ["pain-tension", "pregnancy-comfort"])
def test_pregnant_and_aching_puts_prenatal_massage_first(api, seeded, goal):
    result = recommend(api, goals=[goal], conditions=["pregnancy"])

    first = result["recommendations"][0]
    assert first["therapy"] == {
        "slug": "prenatal-massage",
        "name": "Prenatal massage",
        "kind": "massage",
    }
    assert [s["condition"] for s in first["suits"]] == ["pregnancy"]
    assert result["crisis"] is None


def test_pregnant_other_massages_need_clearance_first(api, seeded):
    result = recommend(api, goals=["pain-tension"], conditions=["pregnancy"])

    others = [
        card
        for card in result["recommendations"]
        if card["therapy"]["kind"] == "massage" and card["therapy"]["slug"] != "prenatal-massage"
    ]
    assert others
    for card in others:
        assert card["warnings"][0]["effect"] == "clearance"
        assert card["warnings"][0]["condition"] == "pregnancy"
        assert card["warnings"][0]["message"]


def test_blood_thinners_rule_out_firm_massage_with_reasons(api, seeded):
    result = recommend(api, goals=["pain-tension"], conditions=["blood-thinners"])

    excluded = by_slug(result["excluded"])
    assert set(excluded) >= FIRM_MASSAGES
    for slug in FIRM_MASSAGES:
        assert [r["condition"] for r in excluded[slug]["reasons"]] == ["blood-thinners"]
        assert excluded[slug]["reasons"][0]["message"]
    assert not FIRM_MASSAGES & set(by_slug(result["recommendations"]))


def test_blood_thinners_gentle_massages_carry_a_caution(api, seeded):
    result = recommend(api, goals=["pain-tension"], conditions=["blood-thinners"])

    gentle = Therapy.objects.filter(kind="massage", pressure="gentle").values_list(
        "slug", flat=True
    )
    cards = by_slug(result["recommendations"])
    shown = [slug for slug in gentle if slug in cards]
    assert shown
    for slug in shown:
        assert ("blood-thinners", "caution") in {
            (w["condition"], w["effect"]) for w in cards[slug]["warnings"]
        }


def test_crisis_answer_gives_urgent_help_and_no_shortlist(api, seeded):
    result = recommend(api, goals=["low-mood"], conditions=["crisis", "pregnancy"])

    assert result["recommendations"] == []
    assert result["excluded"] == []
    assert result["crisis"]["message"]
    gb = CrisisContact.objects.filter(region="GB")
    assert [c["name"] for c in result["crisis"]["contacts"]] == [c.name for c in gb]
    assert result["crisis"]["contacts"][0] == {
        "name": gb[0].name,
        "phone": gb[0].phone,
        "text": gb[0].text,
        "url": gb[0].url,
        "when_to_use": gb[0].when_to_use,
    }


def test_crisis_contacts_follow_the_configured_region(api, seeded, settings):
    settings.CRISIS_REGION = "US"

    result = recommend(api, goals=["sleep"], conditions=["crisis"])

    names = [c["name"] for c in result["crisis"]["contacts"]]
    assert names == list(CrisisContact.objects.filter(region="US").values_list("name", flat=True))


def test_result_carries_the_catalogue_version(api, seeded):
    result = recommend(api, goals=["sleep"])

    assert result["catalogue_version"] == catalogue_snapshot().version


def test_response_is_what_the_results_page_service_computes(api, seeded, monkeypatch):
    calls = []
    compute = services.recommendation_compute

    def spy(*, answers, limit):
        calls.append((answers, limit))
        return compute(answers=answers, limit=limit)

    monkeypatch.setattr("wellness.api.views.recommendations.recommendation_compute", spy)

    recommend(
        api,
        goals=["sleep", "stress-anxiety"],
        conditions=["pregnancy"],
        preferences={"format": "in-person", "pressure": "gentle"},
    )

    assert calls == [
        (
            Answers(
                goals=frozenset({"sleep", "stress-anxiety"}),
                conditions=frozenset({"pregnancy"}),
                format="in-person",
                pressure="gentle",
            ),
            SHORTLIST_SIZE,
        )
    ]


def test_conditions_and_preferences_are_optional(api, seeded):
    result = recommend(api, goals=["sleep"])

    assert result["recommendations"]


def test_a_preference_sets_aside_therapies_it_rules_out(api, seeded):
    result = recommend(api, goals=["stress-anxiety"], preferences={"format": "online"})

    set_aside = by_slug(result["set_aside"])
    assert "swedish-massage" in set_aside
    assert set_aside["swedish-massage"]["reason"] == "format"
    assert "swedish-massage" not in by_slug(result["recommendations"])


def test_warm_recommendation_reads_only_the_change_marker(api, seeded, django_assert_num_queries):
    recommend(api, goals=["pain-tension"], conditions=["pregnancy"])

    with django_assert_num_queries(1):
        recommend(api, goals=["pain-tension"], conditions=["blood-thinners"])


def test_a_new_goal_is_accepted_at_once(api, seeded):
    from tests.factories import FindingFactory, GoalFactory

    recommend(api, goals=["sleep"])
    FindingFactory(goal=GoalFactory(slug="brand-new"))

    assert recommend(api, goals=["brand-new"])["recommendations"]


def test_result_is_never_cached(api, seeded):
    response = api.post(URL, {"goals": ["sleep"]}, format="json")

    assert response["Cache-Control"] == "no-store"


# --- Bad input ---------------------------------------------------------------------------------


def problem(api, body, **kwargs) -> dict:
    response = api.post(URL, body, **kwargs)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def errors(api, body) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problem(api, body, format="json")["errors"]}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "goals", "This field is required."),
        ({"goals": []}, "goals", "Choose at least one goal."),
        ({"goals": "sleep"}, "goals", 'Expected a list of items but got type "str".'),
        ({"goals": ["sleep"], "conditions": {}}, "conditions", ""),
        ({"goals": ["sleep"], "preferences": []}, "preferences", ""),
        (
            {"goals": ["sleep"], "preferences": {"pressure": "hard"}},
            "preferences.pressure",
            "Choose one of: any, gentle, firm.",
        ),
        ([], "body", "Invalid data. Expected a dictionary, but got list."),
    ],
)
def test_bad_answers_name_the_field_and_what_is_allowed(api, seeded, body, field, message):
    found = errors(api, body)

    assert field in found
    assert message in found[field]


def test_unknown_goal_is_named_with_the_goals_allowed(api, seeded):
    found = errors(api, {"goals": ["sleep", "flying"]})

    assert list(found) == ["goals[1]"]
    assert "There is no goal 'flying'" in found["goals[1]"]
    assert "stress-anxiety" in found["goals[1]"]


def test_unknown_condition_is_not_repeated_back(api, seeded):
    response = api.post(
        URL, {"goals": ["sleep"], "conditions": ["pregnancy", "my-secret-diagnosis"]}, format="json"
    )

    assert response.status_code == 400
    assert b"my-secret-diagnosis" not in response.content
    [error] = response.json()["errors"]
    assert error["field"] == "conditions[1]"
    assert "blood-thinners" in error["message"]


def test_health_answers_are_never_echoed_in_an_error(api, seeded):
    response = api.post(URL, {"goals": ["nope"], "conditions": ["blood-thinners"]}, format="json")

    assert response.status_code == 400
    assert b"blood-thinners" not in response.content


def test_every_problem_is_reported_at_once(api, seeded):
    found = errors(
        api, {"goals": ["nope"], "conditions": ["nope"], "preferences": {"format": "post"}}
    )

    assert set(found) == {"goals[0]", "conditions[0]", "preferences.format"}


def test_body_that_is_not_json_is_a_400(api, seeded):
    body = problem(api, b"{goals:", content_type="application/json")

    assert body["detail"] == "The request body is not valid JSON."


def test_deeply_nested_json_is_a_400_not_a_crash(api, seeded):
    body = problem(api, b"[" * 5000 + b"]" * 5000, content_type="application/json")

    assert body["status"] == 400


def test_oversized_body_is_a_413_problem(api, seeded):
    body = json.dumps({"goals": ["sleep"], "padding": "x" * 17_000})

    response = api.post(URL, body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413


def test_form_encoded_body_is_a_415_problem(api, seeded):
    response = api.post(URL, "goals=sleep", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["title"] == "Unsupported Media Type"


def test_nothing_about_the_answers_is_logged(api, seeded, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "pregnancy"

    api.post(URL, {"goals": ["sleep"], "conditions": [secret]}, format="json")
    api.post(URL, {"goals": ["nope"], "conditions": [secret, "x"]}, format="json")
    api.post(URL, b'{"conditions": ["pregnancy"], ', content_type="application/json")

    logged = caplog.text + " ".join(str(r.args) + str(r.__dict__) for r in caplog.records)
    assert secret not in logged


def test_other_paths_are_the_catalogues_steps_for_these_answers(api, seeded):
    result = recommend(api, goals=["swelling"], conditions=["cancer-treatment"])

    steps = {s.slug: s for s in NextStep.objects.all()}
    keys = [path["key"] for path in result["other_paths"]]
    assert keys[:2] == ["talk-to-your-cancer-team", "ask-about-a-lymphoedema-service"]
    assert "wait-and-see" not in keys
    for path in result["other_paths"]:
        step = steps[path["key"]]
        assert path == {"key": step.slug, "title": step.title, "text": step.text}


def test_warning_signs_come_with_the_yes_answers_they_are_for(api, seeded):
    result = recommend(api, goals=["pain-tension"], conditions=["heart-failure", "blood-clots"])
    none = recommend(api, goals=["pain-tension"])

    signs = {sign["key"]: sign for sign in result["warning_signs"]}
    assert set(signs) == {"clot-in-the-lungs-signs", "heart-failure-signs"}
    assert signs["heart-failure-signs"]["action"] == "Call 999."
    assert signs["heart-failure-signs"]["source"]["slug"] == "bhf-heart-failure"
    assert none["warning_signs"] == []
