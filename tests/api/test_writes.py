"""The staff write API for the catalogue: editors create, change and delete its records, and a
refused write names the field or says why."""

from __future__ import annotations

import pytest

from tests.api.conftest import field_errors
from tests.factories import (
    ConditionFactory,
    FindingFactory,
    GoalFactory,
    SafetyRuleFactory,
    TherapyFactory,
)
from therapies.models import Therapy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def therapy_data(**changes) -> dict:
    return {
        "slug": "hot-stone",
        "name": "Hot stone massage",
        "kind": "massage",
        "summary": "Warm stones ease tight muscles.",
        "what_to_expect": "You lie down and warm stones are placed on your back.",
        "session_minutes_min": 45,
        "session_minutes_max": 90,
        "formats": ["in-person"],
        "pressure": "gentle",
        "goals": [],
        "published": True,
        "reviewed_on": "2026-11-01",
        "next_review_on": "2027-11-01",
        **changes,
    }


def test_editor_creates_a_therapy(as_editor):
    GoalFactory(slug="pain-tension")

    response = as_editor.post(
        "/api/v1/therapies/", therapy_data(goals=["pain-tension"]), format="json"
    )

    assert response.status_code == 201
    assert response["Location"].endswith("/api/v1/therapies/hot-stone/")
    assert response.json()["goals"] == ["pain-tension"]
    assert response.json()["formats"] == ["in-person"]
    assert Therapy.objects.get(slug="hot-stone").goals.get().slug == "pain-tension"


def test_editor_changes_and_deletes_a_therapy(as_editor):
    TherapyFactory(slug="swedish")

    changed = as_editor.patch(
        "/api/v1/therapies/swedish/", {"formats": ["online", "group"]}, format="json"
    )
    deleted = as_editor.delete("/api/v1/therapies/swedish/")

    assert changed.json()["formats"] == ["online", "group"]
    assert deleted.status_code == 204
    assert not Therapy.objects.exists()


def test_the_history_names_who_changed_a_record_through_the_api(as_editor, editor):
    TherapyFactory(slug="swedish")

    as_editor.patch("/api/v1/therapies/swedish/", {"name": "Swedish"}, format="json")

    assert Therapy.objects.get().history.first().history_user == editor


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"session_minutes_min": 90, "session_minutes_max": 30},
            "session_minutes_min",
            "no longer than the longest",
        ),
        ({"formats": []}, "formats", "This list may not be empty."),
        ({"formats": ["telepathy"]}, "formats[0]", "Choose one of: in-person, online, group."),
        ({"kind": "reiki"}, "kind", "Choose one of: talking, massage."),
        ({"goals": ["flying"]}, "goals", "flying"),
        ({"next_review_on": "2020-01-01"}, "next_review_on", "on or after the last review"),
        ({"published": 1}, "published", "Must be a valid boolean."),
        ({"name": 7}, "name", "Not a valid string."),
    ],
)
def test_invalid_therapy_names_the_field(as_editor, changes, field, message):
    response = as_editor.post("/api/v1/therapies/", therapy_data(**changes), format="json")

    errors = field_errors(response)
    assert message in errors[field]
    assert not Therapy.objects.exists()


def test_duplicate_slug_is_named(as_editor):
    TherapyFactory(slug="hot-stone")

    errors = field_errors(as_editor.post("/api/v1/therapies/", therapy_data(), format="json"))

    assert "slug" in errors


def test_second_crisis_question_is_refused(as_editor):
    ConditionFactory(slug="crisis", is_crisis=True)

    response = as_editor.post(
        "/api/v1/conditions/",
        {
            "slug": "danger",
            "question": "Are you in danger?",
            "is_crisis": True,
            "reason": "A second way in.",
        },
        format="json",
    )

    assert field_errors(response)["is_crisis"] == "Only one condition can be the crisis question."


def test_a_crisis_contact_needs_a_way_to_reach_it(as_editor):
    response = as_editor.post(
        "/api/v1/crisis-contacts/",
        {"region": "GB", "name": "Nobody", "when_to_use": "Never."},
        format="json",
    )

    assert "Give a phone number" in field_errors(response)["phone"]


def test_a_second_rule_for_the_same_question_and_therapy_is_refused(as_editor):
    rule = SafetyRuleFactory()

    response = as_editor.post(
        "/api/v1/safety-rules/",
        {
            "therapy": rule.therapy.slug,
            "condition": rule.condition.slug,
            "effect": "exclude",
            "message": "No.",
            "source": rule.source.slug,
            "reason": "A second rule, by mistake.",
        },
        format="json",
    )

    assert (
        field_errors(response)["therapy"] == "This therapy already has a rule for this condition."
    )


def test_deleting_a_goal_that_findings_use_is_a_conflict(as_editor):
    finding = FindingFactory()

    response = as_editor.delete(f"/api/v1/goals/{finding.goal.slug}/")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "This record is still used by 1 findings. Change or remove those first."
    )


def test_a_slug_no_record_could_have_is_refused_before_the_database(as_editor):
    response = as_editor.post(
        "/api/v1/safety-rules/",
        {"therapy": "a\x00b", "condition": 7, "effect": "caution", "message": "M", "source": "x"},
        format="json",
    )

    errors = field_errors(response)
    assert errors["therapy"] == "There is no therapy 'a\\x00b'."
    assert errors["condition"] == "Give the slug of a condition, as a string."
    assert errors["source"] == "There is no source 'x'."
