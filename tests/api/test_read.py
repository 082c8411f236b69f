"""The public read API: published records only, with their statements, filters and pages."""

from __future__ import annotations

import pytest

from evidence.models import Finding, Source
from evidence.statements import statement_for
from tests.factories import (
    ConditionFactory,
    CrisisContactFactory,
    FindingFactory,
    GoalFactory,
    HarmFactory,
    SafetyRuleFactory,
    SourceFactory,
    TherapyFactory,
)
from therapies.models import Therapy

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def test_therapy_list_shows_only_published_therapies(api):
    TherapyFactory(slug="shown")
    TherapyFactory(slug="hidden", published=False)

    assert slugs(api.get("/api/v1/therapies/")) == ["shown"]


def test_unpublished_therapy_is_not_found_for_the_public(api):
    TherapyFactory(slug="hidden", published=False)

    response = api.get("/api/v1/therapies/hidden/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_staff_who_may_view_therapies_also_see_unpublished_ones(as_editor):
    TherapyFactory(slug="hidden", published=False)

    assert as_editor.get("/api/v1/therapies/hidden/").json()["published"] is False


def test_therapy_list_filters_by_kind(api):
    TherapyFactory(slug="cbt", kind=Therapy.Kind.TALKING, pressure=Therapy.Pressure.NOT_APPLICABLE)
    TherapyFactory(slug="swedish", kind=Therapy.Kind.MASSAGE)

    assert slugs(api.get("/api/v1/therapies/?kind=talking")) == ["cbt"]


def test_therapy_list_filters_by_goal(api):
    sleep = GoalFactory(slug="sleep")
    TherapyFactory(slug="for-sleep").goals.add(sleep)
    TherapyFactory(slug="other")

    assert slugs(api.get("/api/v1/therapies/?goal=sleep")) == ["for-sleep"]


def test_unknown_filter_values_are_named_with_what_is_allowed(api):
    response = api.get("/api/v1/therapies/?kind=reiki&goal=flying")

    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["kind"] == "Choose one of: talking, massage. You sent 'reiki'."
    assert "'flying'" in errors["goal"]


def test_therapy_detail_has_goals_rules_and_findings_with_their_statements(api):
    therapy = TherapyFactory(slug="swedish", name="Swedish massage")
    therapy.goals.add(GoalFactory(slug="sleep"))
    rule = SafetyRuleFactory(therapy=therapy, condition=ConditionFactory(slug="pregnancy"))
    finding = FindingFactory(therapy=therapy, goal=therapy.goals.get())

    body = api.get("/api/v1/therapies/swedish/").json()

    assert body["goals"] == ["sleep"]
    assert body["formats"] == ["in-person"]
    assert body["safety_rules"] == [
        {
            "id": rule.pk,
            "therapy": "swedish",
            "condition": "pregnancy",
            "effect": "caution",
            "message": rule.message,
            "source": {
                "slug": rule.source.slug,
                "title": str(rule.source),
                "link": rule.source.link,
            },
        }
    ]
    [shown] = body["findings"]
    assert shown["slug"] == finding.slug
    assert shown["statement"] == statement_for(finding)
    assert shown["statement"].startswith("Swedish massage probably raises")
    assert shown["source"]["slug"] == finding.source.slug


@pytest.mark.parametrize("status", [Source.Status.DRAFT, Source.Status.RETRACTED])
def test_findings_of_unpublished_sources_never_appear(api, status):
    therapy = TherapyFactory(slug="swedish")
    FindingFactory(slug="hidden", therapy=therapy, source=SourceFactory(status=status))

    assert api.get("/api/v1/therapies/swedish/").json()["findings"] == []
    assert api.get("/api/v1/findings/").json()["count"] == 0
    assert api.get("/api/v1/findings/hidden/").status_code == 404
    assert api.get("/api/v1/sources/").json()["count"] == 0


def test_a_rule_shows_no_source_until_its_source_is_published(api):
    rule = SafetyRuleFactory(source=SourceFactory(status=Source.Status.DRAFT))

    assert api.get(f"/api/v1/safety-rules/{rule.pk}/").json()["source"] is None


def test_rules_of_unpublished_therapies_and_unasked_questions_are_hidden(api):
    SafetyRuleFactory(therapy=TherapyFactory(published=False))
    SafetyRuleFactory(condition=ConditionFactory(active=False))

    assert api.get("/api/v1/safety-rules/").json()["count"] == 0


def test_source_list_shows_published_sources_with_their_findings(api):
    source = SourceFactory(slug="trial")
    FindingFactory(slug="finding", source=source)
    SourceFactory(slug="draft", status=Source.Status.DRAFT)
    SourceFactory(slug="retracted", status=Source.Status.RETRACTED)

    [shown] = api.get("/api/v1/sources/").json()["results"]

    assert shown["slug"] == "trial"
    assert shown["type"] == "rct"
    assert shown["link"] == source.link
    assert [f["slug"] for f in shown["findings"]] == ["finding"]
    assert shown["findings"][0]["statement"] == statement_for(Finding.objects.get())


def test_findings_and_harms_of_an_unpublished_therapy_are_hidden_from_the_public(api, as_curator):
    source = SourceFactory(slug="trial")
    hidden = TherapyFactory(published=False)
    FindingFactory(slug="shown", source=source)
    FindingFactory(slug="hidden", source=source, therapy=hidden)
    HarmFactory(slug="hidden-harm", source=source, therapy=hidden)

    [shown] = api.get("/api/v1/sources/").json()["results"]
    [for_staff] = as_curator.get("/api/v1/sources/").json()["results"]

    assert [f["slug"] for f in shown["findings"]] == ["shown"]
    assert shown["harms"] == []
    assert slugs(api.get("/api/v1/findings/")) == ["shown"]
    assert api.get("/api/v1/findings/hidden/").status_code == 404
    assert api.get("/api/v1/harms/").json()["count"] == 0
    assert {f["slug"] for f in for_staff["findings"]} == {"shown", "hidden"}


def test_review_details_of_a_source_are_for_staff_only(api, as_curator):
    SourceFactory(slug="trial", note="Weak sourcing.")

    assert api.get("/api/v1/sources/trial/").json()["staff"] is None
    assert as_curator.get("/api/v1/sources/trial/").json()["staff"]["note"] == "Weak sourcing."


def test_curators_see_draft_sources_and_the_public_does_not(api, as_curator):
    SourceFactory(slug="draft", status=Source.Status.DRAFT)

    assert api.get("/api/v1/sources/draft/").status_code == 404
    assert as_curator.get("/api/v1/sources/draft/").json()["status"] == "draft"


def test_inactive_questions_are_hidden_from_the_public(api):
    ConditionFactory(slug="asked")
    ConditionFactory(slug="retired", active=False)

    assert slugs(api.get("/api/v1/conditions/")) == ["asked"]


def test_crisis_contacts_filter_by_region(api):
    CrisisContactFactory(region="GB", name="Samaritans")
    CrisisContactFactory(region="US", name="988 Lifeline", phone="988")

    body = api.get("/api/v1/crisis-contacts/?region=US").json()

    assert [c["name"] for c in body["results"]] == ["988 Lifeline"]


def test_goals_are_listed_in_questionnaire_order(api):
    GoalFactory(slug="second", position=2)
    GoalFactory(slug="first", position=1)

    assert slugs(api.get("/api/v1/goals/")) == ["first", "second"]


def test_lists_are_paginated(api):
    for n in range(3):
        GoalFactory(slug=f"goal-{n}", position=n)

    body = api.get("/api/v1/goals/?page_size=2").json()

    assert body["count"] == 3
    assert [g["slug"] for g in body["results"]] == ["goal-0", "goal-1"]
    assert body["next"].endswith("/api/v1/goals/?page=2&page_size=2")
    assert slugs(api.get("/api/v1/goals/?page=2&page_size=2")) == ["goal-2"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("page_size=0", "page_size"), ("page_size=101", "page_size"), ("page=abc", "page")],
)
def test_bad_page_parameters_are_named(api, query, field):
    response = api.get(f"/api/v1/goals/?{query}")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_page_past_the_end_is_not_found(api):
    response = api.get("/api/v1/goals/?page=9")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_filter_value_no_address_could_hold_is_a_404(api):
    # NUL: no database stores it, so no address has it (tests/wellness/test_refused_characters.py).
    response = api.get("/api/v1/therapies/?goal=%00")

    assert response.status_code == 404
