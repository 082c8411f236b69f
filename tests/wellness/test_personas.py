"""The clinical personas on the real seed catalogue: the shortlist, the warnings, the exclusions.

Each is a person as they would answer the questionnaire. The engine runs on the snapshot built
from the seed file, as the results page and the API do; the last tests read the rendered page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.evidence.seed import GOALS, MASSAGE
from wellness import answers as answer_store
from wellness.recommender import Answers, Result, recommend
from wellness.selectors import catalogue_snapshot_build

pytestmark = pytest.mark.django_db

MASSAGES = set(MASSAGE)
FIRM = {"deep-tissue-massage", "sports-massage", "trigger-point-therapy", "myofascial-release"}


@pytest.fixture
def catalogue(seeded_module, db):
    return catalogue_snapshot_build()


def ask(catalogue, goals, conditions=(), **preferences) -> Result:
    answers = Answers(goals=frozenset(goals), conditions=frozenset(conditions), **preferences)
    return recommend(answers=answers, catalogue=catalogue)


def shortlist(result: Result) -> list[str]:
    return [r.therapy.slug for r in result.recommendations]


def card(result: Result, slug: str):
    return next(r for r in result.recommendations if r.therapy.slug == slug)


def everything_listed(result: Result) -> set[str]:
    return (
        set(shortlist(result))
        | {e.therapy.slug for e in result.excluded}
        | {s.therapy.slug for s in result.set_aside}
    )


def paths(result: Result) -> list[str]:
    return [step.slug for step in result.other_paths]


def test_stress_and_poor_sleep_puts_cbt_and_cbt_for_insomnia_in_the_top_three(catalogue):
    result = ask(catalogue, {"stress-anxiety", "sleep"})

    top = shortlist(result)[:3]
    assert {"cbt", "cbt-insomnia"} <= set(top)
    # Each rests on moderate evidence; the massages on an article that names no study.
    assert card(result, "cbt").score > card(result, "swedish-massage").score
    assert result.goal_gaps == ()
    assert "self-referral" in paths(result)


def test_low_mood_is_offered_talking_therapies_with_evidence(catalogue):
    result = ask(catalogue, {"low-mood"})

    assert shortlist(result)[0] == "cbt"
    assert {"behaviour-therapy", "supportive-therapy", "psychoeducation"} <= set(shortlist(result))
    assert result.goal_gaps == ()
    statements = " ".join(b.statement for b in card(result, "cbt").benefits)
    assert "effect size 0.79" in statements
    assert "usual care or a waiting list" in statements


def test_grief_is_offered_grief_therapy_and_told_that_most_grief_eases(catalogue):
    result = ask(catalogue, {"grief"})

    assert shortlist(result) == ["grief-therapy"]
    assert result.goal_gaps == ()
    assert "lean-on-people-close-to-you" in paths(result)
    # Support offered to everyone after a loss did not help: it is not recommended for grief.
    assert "supportive-therapy" not in shortlist(result)


def test_heart_failure_wanting_a_relaxing_massage_gets_a_warning_on_every_massage(catalogue):
    result = ask(catalogue, {"stress-anxiety"}, {"heart-failure"})

    massages = [r for r in result.recommendations if r.therapy.kind == "massage"]
    assert {r.therapy.slug for r in massages} == MASSAGES - {"prenatal-massage"}
    for recommendation in massages:
        assert [w.condition for w in recommendation.warnings] == ["heart-failure"]
    drainage = card(result, "lymphatic-drainage")
    assert drainage.gate == "clearance"
    assert "not for heart failure that is not well controlled" in drainage.warnings[0].message
    assert card(result, "cbt").warnings == ()
    assert "talk-to-your-heart-team" in paths(result)


def test_kidney_disease_with_firm_pressure_asks_the_kidney_team_first(catalogue):
    result = ask(catalogue, {"pain-tension"}, {"kidney-disease"}, pressure="firm")

    assert set(shortlist(result)) == FIRM
    for slug in FIRM:
        assert card(result, slug).gate == "clearance"
        assert "kidney team" in card(result, slug).warnings[0].message
    assert {s.therapy.slug: s.reason for s in result.set_aside} == {
        "swedish-massage": "pressure",
        "lymphatic-drainage": "pressure",
    }
    assert "talk-to-your-kidney-team" in paths(result)


@pytest.mark.parametrize("goal", GOALS)
def test_prenatal_massage_is_never_listed_for_someone_not_pregnant(catalogue, goal):
    for conditions in ((), ("blood-thinners",), ("cancer-treatment", "recent-surgery")):
        result = ask(catalogue, {goal}, conditions)

        assert "prenatal-massage" not in everything_listed(result)
    # Asked for comfort in pregnancy without being pregnant, the person is told why nothing fits.
    [gap] = ask(catalogue, {"pregnancy-comfort"}).goal_gaps
    assert gap.status == "made-for-others"


def test_arm_swelling_after_breast_cancer_puts_the_cancer_team_and_lymphoedema_service_first(
    catalogue,
):
    for conditions in ({"cancer-treatment"}, {"cancer-treatment", "unexplained-swelling"}):
        result = ask(catalogue, {"swelling"}, conditions)

        assert shortlist(result) == ["lymphatic-drainage"]
        drainage = card(result, "lymphatic-drainage")
        assert drainage.gate == "clearance"
        assert "cancer-treatment" in {w.condition for w in drainage.gate_warnings}
        assert paths(result)[:2] == ["talk-to-your-cancer-team", "ask-about-a-lymphoedema-service"]
        assert "wait-and-see" not in paths(result)
        statements = " ".join(b.statement for b in drainage.benefits)
        assert "after breast cancer treatment" in statements
        assert "compression bandaging alone" in statements


def test_a_recent_fracture_asks_first_for_every_massage(catalogue):
    result = ask(catalogue, {"pain-tension", "stress-anxiety"}, {"recent-fracture"})

    massages = [r for r in result.recommendations if r.therapy.kind == "massage"]
    assert massages
    for recommendation in massages:
        assert recommendation.gate == "clearance"
        assert "broken bone" in recommendation.warnings[0].message
    assert "ask-about-your-broken-bone" in paths(result)


def test_on_blood_thinners_wanting_deep_tissue_it_is_excluded_with_its_reason(catalogue):
    result = ask(catalogue, {"pain-tension"}, {"blood-thinners"}, pressure="firm")

    excluded = {e.therapy.slug: e.reasons for e in result.excluded}
    assert set(excluded) == FIRM
    assert "blood thinners" in excluded["deep-tissue-massage"][0].message
    assert shortlist(result) == []
    assert [(g.goal, g.status) for g in result.goal_gaps] == [("pain-tension", "ruled-out")]
    # With no pressure asked for, Swedish massage opens, with care.
    gentle = ask(catalogue, {"pain-tension"}, {"blood-thinners"})
    assert card(gentle, "swedish-massage").gate == "caution"


def test_constipation_is_offered_only_massages_that_include_tummy_massage(catalogue):
    result = ask(catalogue, {"constipation"})

    assert shortlist(result) == ["swedish-massage"]
    assert "tummy massage" in card(result, "swedish-massage").benefits[0].statement


def test_someone_pregnant_is_not_offered_tummy_massage_for_constipation(catalogue):
    result = ask(catalogue, {"constipation"}, {"pregnancy"})

    assert "swedish-massage" not in shortlist(result)
    assert all(
        "tummy massage" not in b.statement for r in result.recommendations for b in r.benefits
    )
    [gap] = result.goal_gaps
    assert (gap.goal, gap.status) == ("constipation", "not-given")


def test_where_two_rules_meet_the_strictest_wins(catalogue):
    result = ask(catalogue, {"stress-anxiety"}, {"pregnancy", "osteoporosis"})

    swedish = card(result, "swedish-massage")
    assert [w.effect for w in swedish.warnings] == ["clearance", "caution"]
    assert swedish.gate == "clearance"
    assert [w.condition for w in swedish.gate_warnings] == ["pregnancy"]
    # Exclusion beats everything: deep tissue is not suitable with weak bones, pregnant or not.
    assert "deep-tissue-massage" in {e.therapy.slug for e in result.excluded}


def test_every_option_shown_carries_its_harms_and_burdens(catalogue):
    for goal in GOALS:
        for recommendation in ask(catalogue, {goal}).recommendations:
            categories = {h.category for h in recommendation.harms}
            assert {"side-effect", "time", "cost"} <= categories, recommendation.therapy.slug
            assert recommendation.what_to_expect  # what a session is like


def test_every_goal_without_a_good_option_says_why(catalogue):
    result = ask(catalogue, {"cancer-pain"})

    [gap] = result.goal_gaps
    assert gap.status == "unclear"
    assert gap.notes[0].statement.startswith("We do not know whether massage reduces cancer pain")
    assert "wait-and-see" not in paths(result)


# --- On the rendered results page -----------------------------------------------------------


def results_page(client, goals, conditions=(), **preferences):
    answers = {
        "goals": sorted(goals),
        "conditions": dict.fromkeys(conditions, "yes"),
        "format": preferences.get("format", "any"),
        "pressure": preferences.get("pressure", "any"),
        **{name: preferences.get(name) for name in answer_store.VALUES},
    }
    response = client.post(
        reverse("results"), {"answers": answer_store.to_token(answers)}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_results_page_says_which_answers_set_the_strictest_advice(client, seeded_module):
    page = results_page(client, {"stress-anxiety"}, {"pregnancy", "osteoporosis"})

    assert "More than one of your answers applies here. We follow the strictest advice." in page
    assert "“Are you pregnant?”" in page


def test_the_results_page_shows_downsides_as_prominently_as_benefits(client, seeded_module):
    page = results_page(client, {"low-mood"})

    cards = page.split('<li class="card" ')[1:]
    assert len(cards) == 4
    for card in cards:
        assert "<h4>What it may do for you</h4>" in card
        assert "<h4>Downsides and what it asks of you</h4>" in card
    # The lasting bad effects of any talking therapy are said once, for all four, not on each.
    assert page.count("about 1 in 20") == 1
    assert 'id="kind-talking"' in page
    assert "Rated by our team, not yet checked by a clinician." in page


def summary_of(page: str) -> str:
    start = page.index('<section class="summary"')
    return page[start : page.index("</section>", start)]


def test_stress_and_sleep_results_open_with_a_summary_of_the_top_three(client, seeded_module):
    page = results_page(client, {"stress-anxiety", "sleep"})

    summary = summary_of(page)
    assert page.index('id="summary"') < page.index('id="shortlist"')
    assert summary.count('class="summary-option"') == 3
    assert 'data-therapy="cbt-insomnia"' in summary and 'data-therapy="cbt"' in summary
    assert "Moderate evidence for “Sleep better”" in summary
    assert "as strong as the one above" in summary
    assert "Main downside:" in summary
    assert "Other paths, including doing nothing for now" in summary
    # The six massages rest on the same evidence about massage: said in words, and said once.
    assert "Options 3 to 8 have equally strong evidence." in page
    assert page.count('id="kind-massage"') == 1
    assert page.count("We are very uncertain whether massage reduces stress and anxiety") == 1


def test_blood_thinners_and_firm_pressure_say_why_and_offer_gentle_pressure(client, seeded_module):
    page = results_page(client, {"pain-tension"}, {"blood-thinners"}, pressure="firm")

    assert "We have no therapy to suggest" in page
    assert "are not safe for you" in page
    assert "do not match how you would like to have therapy" in page
    start = page.index('id="openings"')
    opening = page[start : page.index("</div>", start)]
    assert "With gentle pressure:" in opening
    assert "Swedish massage, with care" in opening
    token = opening.split('name="answers" value="')[1].split('"')[0]

    gentle = client.post(reverse("results"), {"answers": token}, follow=True).content.decode()

    # One click away, with every other answer kept: Swedish massage, with its warning.
    assert 'data-therapy="swedish-massage"' in summary_of(gentle)
    assert "Take care:" in summary_of(gentle)
    assert answer_store.from_token(token)["conditions"] == {"blood-thinners": "yes"}


def test_heart_failure_summary_says_which_options_need_care_or_a_yes_first(client, seeded_module):
    page = results_page(client, {"stress-anxiety"}, {"heart-failure"}, pressure="gentle")

    summary = summary_of(page)
    assert "Take care:" in summary
    assert "Ask your doctor, midwife or cancer team first." in summary
    # One goal chosen: the evidence is not labelled with it again.
    assert "evidence for “" not in summary
