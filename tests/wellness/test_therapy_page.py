"""A therapy's page: its facts, evidence by goal, downsides and safety rules."""

import pytest
from django.urls import reverse

from tests.factories import (
    FindingFactory,
    GoalFactory,
    SafetyRuleFactory,
    SourceFactory,
    TherapyFactory,
)
from tests.wellness.test_browse import JAMA, section, text


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def test_cbt_page_shows_the_talking_therapy_numbers_and_links_their_source(client, seeded):
    response = client.get(reverse("therapy-detail", args=["cbt"]))
    immune = section(response, "goal-immune-function")

    assert "Talking therapies probably raise signs of a healthy immune system" in immune
    assert "about 15%" in immune
    assert "between 6% and 24%" in immune
    assert "About all talking therapies" in immune
    assert "Moderate certainty." in immune
    assert "We are fairly confident in this evidence." in immune
    assert f'href="/sources/{JAMA}/"' in immune


def test_therapy_page_shows_its_own_findings_before_those_of_its_kind(client, seeded):
    response = client.get(reverse("therapy-detail", args=["cbt"]))
    evidence = {e.goal.slug: e for e in response.context["evidence"]}

    assert list(evidence) == ["stress-anxiety", "immune-function", "low-mood"]
    assert [fv.finding.slug for fv in evidence["immune-function"].findings] == [
        "cbt-immune-function",
        "talking-therapies-beneficial-immune-function",
        "talking-therapies-harmful-immune-function",
    ]


def test_therapy_page_shows_a_techniques_findings_after_its_own_and_before_its_kinds(
    client, seeded
):
    response = client.get(reverse("therapy-detail", args=["swedish-massage"]))
    evidence = {e.goal.slug: e for e in response.context["evidence"]}
    constipation = section(response, "goal-constipation")

    assert [fv.finding.slug for fv in evidence["constipation"].findings] == ["massage-constipation"]
    assert "About tummy massage" in constipation
    assert "We are very uncertain whether tummy massage improves being able to poo" in (
        constipation
    )
    assert "constipation" not in {
        e.goal.slug
        for e in client.get(reverse("therapy-detail", args=["sports-massage"])).context["evidence"]
    }


def test_therapy_page_shows_the_facts_and_review_dates(client, seeded):
    html = text(client.get(reverse("therapy-detail", args=["deep-tissue-massage"])))

    assert "<h1>Deep tissue massage</h1>" in html
    assert "Deep tissue massage uses firm pressure" in html
    assert "The therapist uses slow, firm pressure on tight areas." in html
    assert "60 to 90 minutes" in html
    assert ">In person<" in html.replace("> ", ">").replace(" <", "<")
    assert "Firm" in html
    assert "Last reviewed</dt>" in html
    assert "1 December 2026" in html
    assert "Next review due</dt>" in html
    assert "1 December 2027" in html


def test_deep_tissue_page_lists_blood_thinners_under_not_suitable(client, seeded):
    response = client.get(reverse("therapy-detail", args=["deep-tissue-massage"]))
    groups = {
        g.effect: [r.condition.slug for r in g.rules] for g in response.context["rule_groups"]
    }
    not_suitable = section(response, "rules-exclude")

    assert "blood-thinners" in groups["exclude"]
    assert [g.effect for g in response.context["rule_groups"]] == [
        "exclude",
        "clearance",
        "caution",
    ]
    assert "Not suitable if…" in not_suitable
    assert "Do you take blood thinners, or do you have a bleeding problem?" in not_suitable
    assert "Do not have this massage if you take blood thinners or bleed easily." in not_suitable
    assert 'href="/sources/nccih-massage/"' in not_suitable
    assert "Ask your doctor, midwife or cancer team first if…" in section(
        response, "rules-clearance"
    )
    assert "Take care if…" in section(response, "rules-caution")


def test_prenatal_page_says_it_is_made_for_pregnancy(client, seeded):
    response = client.get(reverse("therapy-detail", args=["prenatal-massage"]))
    made_for = section(response, "rules-suits")

    assert "Made for you if…" in made_for
    assert "Are you pregnant?" in made_for


def test_massage_page_says_the_cancer_pain_evidence_is_unclear(client, seeded):
    response = client.get(reverse("therapy-detail", args=["swedish-massage"]))
    cancer_pain = section(response, "goal-cancer-pain")

    assert "The evidence is unclear." in cancer_pain
    assert "No clear effect" in cancer_pain
    assert "About all types of massage" in cancer_pain
    assert "Studies disagree" in cancer_pain


def test_massage_page_says_weak_evidence_is_weak(client, seeded):
    response = client.get(reverse("therapy-detail", args=["swedish-massage"]))

    assert "The evidence is weak." in section(response, "goal-sleep")


def test_therapy_page_says_mixed_evidence_is_mixed(client, seeded):
    response = client.get(reverse("therapy-detail", args=["behaviour-therapy"]))
    immune = section(response, "goal-immune-function")

    assert "The evidence is mixed." in immune
    assert "No clear effect" in immune


def test_talking_therapy_page_says_there_are_no_safety_rules(client, seeded):
    response = client.get(reverse("therapy-detail", args=["cbt"]))

    assert response.context["rule_groups"] == []
    assert "We know of no health problems that mean you should not have this therapy" in text(
        response
    )


@pytest.mark.parametrize("published", [False, None])
def test_unknown_or_unpublished_therapy_is_not_found(client, db, published):
    if published is False:
        TherapyFactory(slug="hidden", published=False)

    response = client.get(reverse("therapy-detail", args=["hidden"]))

    assert response.status_code == 404


@pytest.mark.parametrize("status", ["draft", "in-review", "retracted"])
def test_therapy_page_never_shows_findings_of_unpublished_sources(client, db, status):
    therapy = TherapyFactory(slug="calm", kind="massage")
    goal = GoalFactory(slug="sleep", label="Sleep better")
    hidden = SourceFactory(title="Hidden source", status=status)
    FindingFactory(therapy=therapy, goal=goal, source=hidden, outcome="hidden own outcome")
    FindingFactory(
        therapy=None, therapy_kind="massage", goal=goal, source=hidden, outcome="hidden kind one"
    )
    FindingFactory(therapy=therapy, goal=goal, outcome="shown outcome")

    html = text(client.get(reverse("therapy-detail", args=["calm"])))

    assert "shown outcome" in html
    assert "hidden own outcome" not in html
    assert "hidden kind one" not in html
    assert "Hidden source" not in html


def test_therapy_page_shows_no_findings_of_other_therapies_or_kinds(client, db):
    therapy = TherapyFactory(slug="calm", kind="massage")
    goal = GoalFactory()
    FindingFactory(therapy=TherapyFactory(), goal=goal, outcome="other therapy outcome")
    FindingFactory(therapy=None, therapy_kind="talking", goal=goal, outcome="talking outcome")
    FindingFactory(therapy=therapy, goal=goal, outcome="own outcome")

    html = text(client.get(reverse("therapy-detail", args=["calm"])))

    assert "own outcome" in html
    assert "other therapy outcome" not in html
    assert "talking outcome" not in html


def test_therapy_page_says_when_an_offered_goal_has_no_evidence(client, db):
    therapy = TherapyFactory(slug="calm")
    therapy.goals.add(GoalFactory(slug="grief", label="Cope with loss"))

    response = client.get(reverse("therapy-detail", args=["calm"]))

    assert "We have no published evidence about this yet." in section(response, "goal-grief")


def test_safety_rule_stays_on_show_while_its_source_is_checked_again(client, db):
    therapy = TherapyFactory(slug="firm")
    SafetyRuleFactory(
        therapy=therapy,
        effect="exclude",
        message="Do not have it with this problem.",
        source=SourceFactory(slug="old-advice", status="in-review"),
    )

    response = client.get(reverse("therapy-detail", args=["firm"]))
    not_suitable = section(response, "rules-exclude")

    assert "Do not have it with this problem." in not_suitable
    assert "we are checking the source of this advice again" in not_suitable
    assert "/sources/old-advice/" not in not_suitable
