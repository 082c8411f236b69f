"""Staff writes of the clinical content: harms, techniques, limits and other paths."""

from __future__ import annotations

import pytest

from evidence.models import Finding, Harm
from tests.api.conftest import field_errors
from tests.factories import (
    ConditionFactory,
    FindingFactory,
    GoalFactory,
    HarmFactory,
    SourceFactory,
    TechniqueFactory,
    TherapyFactory,
)
from therapies.models import NextStep, Therapy

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_burden_without_a_number_and_no_source(as_editor):
    therapy = TherapyFactory()

    response = as_editor.post(
        "/api/v1/harms/",
        {
            "slug": "its-cost",
            "therapy": therapy.slug,
            "category": "cost",
            "description": "You usually pay for it yourself.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["statement"] == "You usually pay for it yourself."
    assert Harm.objects.get(slug="its-cost").source is None


@pytest.mark.parametrize(
    "data",
    [
        {"category": "side-effect", "description": "Soreness."},
        {"category": "time", "description": "About 6 sessions."},
        {"category": "cost", "description": "Costly.", "affected_percent": 10},
    ],
    ids=["a side effect", "a number in the words", "a figure"],
)
def test_a_harm_without_its_source_is_refused_naming_the_field(as_editor, data):
    response = as_editor.post(
        "/api/v1/harms/",
        {"slug": "unsourced", "therapy_kind": "massage", **data},
        format="json",
    )

    assert "source" in field_errors(response)
    assert not Harm.objects.filter(slug="unsourced").exists()


def test_a_harm_cannot_count_more_people_than_were_studied(as_curator):
    response = as_curator.post(
        "/api/v1/harms/",
        {
            "slug": "too-many",
            "therapy_kind": "talking",
            "category": "side-effect",
            "description": "Tired after a session.",
            "affected_count": 20,
            "people_count": 10,
            "source": SourceFactory().slug,
        },
        format="json",
    )

    assert field_errors(response) == {
        "affected_count": "More people cannot be affected than were studied."
    }


def test_a_finding_limited_to_a_technique_is_written_and_read_back(as_curator, api):
    technique = TechniqueFactory(slug="tummy", name="Tummy massage")

    response = as_curator.post(
        "/api/v1/findings/",
        {
            "slug": "tummy-finding",
            "source": SourceFactory().slug,
            "technique": technique.slug,
            "goal": GoalFactory().slug,
            "outcome": "constipation",
            "better_when": "lower",
            "population": "adults after surgery",
            "comparator": "no tummy massage",
            "direction": "benefit",
            "effect_measure": "mean-difference",
            "effect_unit": "days",
            "effect_value": "1.5",
            "certainty": "very-low",
            "certainty_rated_by": "team",
            "certainty_reason": "One small trial.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    read = api.get("/api/v1/findings/tummy-finding/").json()
    assert (read["technique"], read["therapy"], read["therapy_kind"]) == ("tummy", None, "")
    assert read["statement"].startswith(
        "We are very uncertain whether tummy massage reduces constipation"
    )
    assert read["figures"] == "mean difference 1.5 days (no 95% confidence interval given)"
    assert read["needs_clinical_review"] is True
    assert "certainty_reason" not in read  # for curators and clinicians, not the public


def test_a_difference_without_its_unit_is_refused(as_curator):
    finding = FindingFactory()

    response = as_curator.patch(
        f"/api/v1/findings/{finding.slug}/",
        {"effect_measure": "mean-difference", "effect_unit": ""},
        format="json",
    )

    assert "effect_unit" in field_errors(response)
    finding.refresh_from_db()
    assert finding.effect_measure == Finding.Measure.PERCENT_INCREASE


def test_an_editor_limits_a_therapy_to_a_condition_but_not_to_the_crisis_question(as_editor):
    therapy = TherapyFactory()
    pregnancy = ConditionFactory(slug="pregnancy")
    crisis = ConditionFactory(slug="crisis", is_crisis=True)

    limited = as_editor.patch(
        f"/api/v1/therapies/{therapy.slug}/", {"only_for_condition": pregnancy.slug}, format="json"
    )
    refused = as_editor.patch(
        f"/api/v1/therapies/{therapy.slug}/", {"only_for_condition": crisis.slug}, format="json"
    )

    assert limited.status_code == 200, limited.content
    assert limited.json()["only_for_condition"] == "pregnancy"
    assert field_errors(refused) == {
        "only_for_condition": "A therapy cannot be limited to the crisis question."
    }
    assert Therapy.objects.get(pk=therapy.pk).only_for_condition == pregnancy


def test_wait_and_see_cannot_also_need_a_clinician(as_editor):
    response = as_editor.post(
        "/api/v1/other-paths/",
        {
            "slug": "wait",
            "title": "Wait and see",
            "text": "Some problems pass.",
            "needs_clinician": True,
            "is_waiting": True,
            "position": 1,
        },
        format="json",
    )

    assert "is_waiting" in field_errors(response)
    assert not NextStep.objects.filter(slug="wait").exists()


def test_a_harm_whose_rating_changes_through_the_api_waits_again(as_curator):
    harm = HarmFactory(certainty="low", clinician_checked=True)

    response = as_curator.patch(
        f"/api/v1/harms/{harm.slug}/", {"certainty": "very-low"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["clinician_checked"] is False
    assert response.json()["needs_clinical_review"] is True


def test_a_technique_is_kept_from_the_conditions_it_is_not_for(as_editor, api):
    pregnancy = ConditionFactory(slug="pregnancy")
    technique = TechniqueFactory(slug="tummy", name="Tummy massage")

    response = as_editor.patch(
        f"/api/v1/techniques/{technique.slug}/", {"not_for": [pregnancy.slug]}, format="json"
    )
    unknown = as_editor.patch(
        f"/api/v1/techniques/{technique.slug}/", {"not_for": ["no-such-thing"]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert api.get("/api/v1/techniques/tummy/").json()["not_for"] == ["pregnancy"]
    assert "not_for" in field_errors(unknown)
    assert list(technique.not_for.values_list("slug", flat=True)) == ["pregnancy"]
