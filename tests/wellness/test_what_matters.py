"""What matters to you: an optional page whose answers order only options of equal evidence.

The engine runs on the seed catalogue's snapshot; the page tests walk the questionnaire with
the test client.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.models import Harm
from tests.wellness.test_personas import results_page, summary_of
from tests.wellness.walk import answer_all, show_results, token_from
from wellness import answers as answer_store
from wellness.recommender import Answers, Result, recommend
from wellness.selectors import catalogue_snapshot_build

pytestmark = pytest.mark.django_db

STRESS_AND_SLEEP = {"stress-anxiety", "sleep"}
MASSAGES_BY_NAME = [
    "deep-tissue-massage",
    "lymphatic-drainage",
    "myofascial-release",
    "sports-massage",
    "swedish-massage",
    "trigger-point-therapy",
]


@pytest.fixture
def catalogue(seeded_module, db):
    return catalogue_snapshot_build()


def ask(catalogue, goals, **values) -> Result:
    return recommend(answers=Answers(goals=frozenset(goals), **values), catalogue=catalogue)


def order(result: Result) -> list[str]:
    return [r.therapy.slug for r in result.recommendations]


def scores(result: Result) -> list[int]:
    return [r.score for r in result.recommendations]


# --- The engine ---------------------------------------------------------------------------------


def test_without_values_the_order_is_evidence_then_gates_then_name(catalogue):
    result = ask(catalogue, STRESS_AND_SLEEP)

    assert order(result) == ["cbt-insomnia", "cbt", *MASSAGES_BY_NAME]
    assert all(r.value_misses == () for r in result.recommendations)


@pytest.mark.parametrize(
    "values",
    [
        {"approach": "touch"},
        {"approach": "touch", "time": "sessions", "cost": "free", "evidence": "strong"},
        {"approach": "talk", "cost": "free"},
    ],
)
def test_what_matters_never_puts_weaker_evidence_above_stronger(catalogue, values):
    plain = ask(catalogue, STRESS_AND_SLEEP)
    valued = ask(catalogue, STRESS_AND_SLEEP, **values)

    assert scores(valued) == sorted(scores(valued), reverse=True)
    assert scores(valued) == scores(plain)
    assert set(order(valued)) == set(order(plain)), "it hides no option"
    # The two talking therapies have stronger evidence than every massage: they stay first.
    assert order(valued)[:2] == ["cbt-insomnia", "cbt"]


def test_hands_on_marks_the_talking_therapies_as_less_of_a_fit(catalogue):
    result = ask(catalogue, STRESS_AND_SLEEP, approach="touch")

    misses = {r.therapy.slug: r.value_misses for r in result.recommendations}
    assert misses["cbt"] == misses["cbt-insomnia"] == ("approach",)
    assert all(misses[slug] == () for slug in MASSAGES_BY_NAME)


def test_needing_it_free_puts_a_massage_free_for_some_before_those_you_pay_for(catalogue):
    result = ask(catalogue, STRESS_AND_SLEEP, cost="free")

    assert order(result) == [
        "cbt-insomnia",
        "cbt",
        "lymphatic-drainage",  # free on the NHS for some people (lymphoedema services)
        *(slug for slug in MASSAGES_BY_NAME if slug != "lymphatic-drainage"),
    ]
    misses = {r.therapy.slug: r.value_misses for r in result.recommendations}
    assert misses["cbt"] == ()  # NHS Talking Therapies are free
    assert misses["lymphatic-drainage"] == ("cost-some",)
    assert misses["swedish-massage"] == ("cost",)


def test_time_for_the_sessions_only_puts_lymphatic_drainage_last_of_the_equal_massages(catalogue):
    result = ask(catalogue, STRESS_AND_SLEEP, time="sessions")

    assert order(result)[2:] == [
        *(slug for slug in MASSAGES_BY_NAME if slug != "lymphatic-drainage"),
        "lymphatic-drainage",  # its bandages or sleeve are worn between sessions
    ]
    cbt = next(r for r in result.recommendations if r.therapy.slug == "cbt")
    assert cbt.value_misses == ("time",)


def test_safety_gates_still_come_before_what_matters(catalogue):
    # Heart failure: Swedish massage "take care", lymphatic drainage "ask first".
    answers = Answers(
        goals=frozenset({"stress-anxiety"}),
        conditions=frozenset({"heart-failure"}),
        pressure="gentle",
        cost="free",
    )
    result = recommend(answers=answers, catalogue=catalogue)

    massages = [r for r in result.recommendations if r.therapy.kind == "massage"]
    assert [(r.therapy.slug, r.gate) for r in massages] == [
        ("swedish-massage", "caution"),
        ("lymphatic-drainage", "clearance"),  # free for some, but it needs a yes first
    ]


def test_the_evidence_bar_reorders_nothing(catalogue):
    assert order(ask(catalogue, STRESS_AND_SLEEP, evidence="strong")) == order(
        ask(catalogue, STRESS_AND_SLEEP)
    )


def test_every_time_and_cost_record_of_the_seed_says_its_level(seeded_module):
    burdens = Harm.objects.filter(category__in=["time", "cost"])

    assert burdens.count() == 9
    assert not burdens.filter(level="").exists()
    assert not Harm.objects.filter(category__in=["side-effect", "serious-risk"]).exclude(level="")


@pytest.mark.parametrize(
    ("category", "level"),
    [("time", "free"), ("cost", "practice"), ("side-effect", "paid")],
)
def test_a_level_must_fit_its_category(seeded_module, category, level):
    harm = Harm.objects.filter(therapy_kind="massage", category="time").first()
    harm.category, harm.level = category, level

    with pytest.raises(ValidationError) as raised:
        harm.full_clean()

    assert "Choose a time word for the time it asks, a cost word for its cost" in str(raised.value)


# --- The page -----------------------------------------------------------------------------------


def test_the_page_is_optional_and_skipping_it_keeps_every_answer(client, seeded_module):
    check = answer_all(client, goals=("sleep",))

    page = check.content.decode()
    assert "<h2>What matters to you</h2>" in page
    assert page.count("Not answered") == 4
    assert answer_store.from_token(token_from(check))["approach"] is None
    assert show_results(client, check).status_code == 200


def test_the_page_asks_four_questions_with_nothing_chosen_and_a_skip_link(client, seeded_module):
    answer_all(client, goals=("sleep",))

    page = client.get(reverse("questions-values")).content.decode()

    assert "Question 5 of 5" in page
    for question in (
        "Would you rather talk, or have a hands-on therapy?",
        "How much time can you give?",
        "Does it need to be free?",
        "How strong must the evidence be?",
    ):
        assert f'<h2 class="label">{question}</h2>' in page
    assert "checked" not in page
    assert f'href="{reverse("questions-check")}">Skip these questions</a>' in page
    assert client.get(reverse("questions-values"))["Cache-Control"] == "no-store"


def test_answers_are_kept_in_the_signed_answers_and_shown_on_the_check_page(client, seeded_module):
    check = answer_all(
        client, goals=("sleep",), values={"approach": "talk", "cost": "free", "time": ""}
    )

    page = check.content.decode()
    assert "Talk with someone" in page
    assert "Yes, it needs to be free" in page
    assert page.count("Not answered") == 2  # time, left out, and evidence
    answers = answer_store.from_token(token_from(check))
    assert (answers["approach"], answers["cost"], answers["time"]) == ("talk", "free", None)
    assert f"{reverse('questions-values')}?change=1" in page


def test_a_changed_answer_returns_to_the_check_page(client, seeded_module):
    answer_all(client, goals=("sleep",), values={"approach": "talk"})

    response = client.post(reverse("questions-values"), {"approach": "touch", "return_to": "check"})

    assert response.headers["Location"] == reverse("questions-check")
    assert "Hands-on, such as massage" in client.get(reverse("questions-check")).content.decode()


def test_an_answer_not_offered_re_renders_with_the_message_and_loses_nothing(client, seeded_module):
    answer_all(client, goals=("sleep",), values={"approach": "talk"})

    response = client.post(reverse("questions-values"), {"approach": "teleport", "cost": "free"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select one of the answers, or leave this question out" in page
    assert 'href="#id_approach_0"' in page  # the error summary links to the question
    assert 'value="free" id="id_cost_0"\n          checked' in page
    check = client.get(reverse("questions-check")).content.decode()
    assert "Talk with someone" in check, "the answer before the error is kept"


def test_answers_to_it_are_never_written_to_the_server_logs(client, seeded_module, caplog):
    answer_all(client, goals=("sleep",), values={"approach": "touch", "cost": "free"})

    assert "touch" not in caplog.text and '"cost"' not in caplog.text


# --- The results page ---------------------------------------------------------------------------


def test_the_summary_repeats_what_matters_and_says_which_options_fit_less(client, seeded_module):
    page = results_page(
        client, STRESS_AND_SLEEP, approach="touch", cost="free", evidence="strong", time="sessions"
    )

    summary = summary_of(page)
    assert "You chose: hands-on, sessions only, free, good evidence." in summary
    assert "<strong>Less of a fit:</strong> talking, homework." in summary
    # Of the equal massages, the one that asks only for the sessions and fits best is third.
    assert 'data-therapy="deep-tissue-massage"' in summary
    assert "<strong>Less of a fit:</strong> you pay, weaker evidence." in summary
    words = " ".join(page.split())
    assert "then the ones that fit what matters to you (hands-on, sessions only" in words
    assert "What matters to you never puts weaker evidence above stronger" in words


def test_the_summary_says_nothing_of_values_not_given(client, seeded_module):
    page = results_page(client, STRESS_AND_SLEEP)

    assert "You chose:" not in page and "Less of a fit" not in page
    assert "what matters to you" not in page.lower().split('id="shortlist"')[1][:600]
