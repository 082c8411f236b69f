"""The questionnaire and results, through the test client (tests/browser drives Chromium)."""

import re

import pytest
from django.core.signing import TimestampSigner
from django.urls import reverse
from django.utils import timezone

from tests.factories import ConditionFactory
from tests.wellness.walk import (
    answer_all,
    answer_screening,
    conditions_in_order,
    show_results,
    token_from,
)
from therapies.models import Condition
from wellness import answers as answer_store


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def test_start_page_says_what_is_kept_before_any_health_question(client, seeded):
    page = client.get(reverse("questions-start")).content.decode()

    assert "We do not keep them" in page
    assert "save your results" in page


def test_steps_follow_in_order_the_crisis_question_alone_then_the_health_page(client, seeded):
    steps = [
        client.post(reverse("questions-goals"), {"goals": ["sleep"]}),
        client.post(reverse("questions-condition", args=["crisis"]), {"answer": "no"}),
        answer_screening(client),
        client.post(reverse("questions-preferences"), {"format": "any", "pressure": "any"}),
        client.post(reverse("questions-values"), {}),
    ]

    assert [step.headers["Location"] for step in steps] == [
        reverse("questions-condition", args=["crisis"]),
        reverse("questions-health"),
        reverse("questions-preferences"),
        reverse("questions-values"),
        reverse("questions-check"),
    ]


def test_the_crisis_question_comes_first_and_alone_wherever_it_is_placed(client, seeded):
    Condition.objects.filter(is_crisis=True).update(position=999)

    first = client.post(reverse("questions-goals"), {"goals": ["sleep"]})
    health = client.get(reverse("questions-health")).content.decode()

    assert first.headers["Location"] == reverse("questions-condition", args=["crisis"])
    assert "harming yourself" not in health


def test_the_health_page_asks_every_other_question_with_nothing_ticked(client, seeded):
    client.post(reverse("questions-goals"), {"goals": ["sleep"]})
    page = client.get(reverse("questions-health")).content.decode()

    asked = [c for c in Condition.objects.active() if not c.is_crisis]
    assert len(asked) >= 10
    for condition in asked:
        assert f'<h2 class="label">{condition.question}</h2>' in page
        assert f'id="question-{condition.slug}"' in page
    assert "harming yourself" not in page
    assert "checked" not in page
    assert "Question 3 of 5" in page


def test_an_older_link_to_one_health_question_opens_the_health_page_there(client, seeded):
    url = reverse("questions-condition", args=["pregnancy"])

    response = client.get(url + "?change=1")

    assert (
        response.headers["Location"] == reverse("questions-health") + "?change=1#question-pregnancy"
    )


def test_a_condition_added_in_the_admin_is_asked_without_a_code_change(client, seeded):
    ConditionFactory(slug="hip-replacement", question="Have you had a hip replaced?", position=99)

    check = answer_all(client)

    assert "Have you had a hip replaced?" in check.content.decode()


def test_goals_error_is_summarised_and_shown_by_the_field(client, seeded):
    response = client.post(reverse("questions-goals"), {})
    page = response.content.decode()

    assert response.status_code == 200
    assert 'class="error-summary"' in page and "autofocus" in page
    assert 'href="#id_goals_0"' in page
    assert page.count("Select at least one thing you would like help with") == 2
    assert "<title>Error:" in page


def test_yes_no_error_and_unknown_choices_are_rejected(client, seeded):
    url = reverse("questions-condition", args=["crisis"])

    for data in ({}, {"answer": "maybe"}):
        page = client.post(url, data).content.decode()
        assert page.count("Select yes or no") == 2


def test_each_unanswered_health_question_is_an_error_by_it_and_nothing_is_kept(client, seeded):
    client.post(reverse("questions-goals"), {"goals": ["sleep"]})
    client.post(reverse("questions-condition", args=["crisis"]), {"answer": "no"})
    asked = [c for c in Condition.objects.active() if not c.is_crisis]
    answered = {c.slug: "no" for c in asked[1:]}
    answered[asked[2].slug] = "yes"
    answered[asked[3].slug] = "maybe"

    response = client.post(reverse("questions-health"), answered)
    page = response.content.decode()

    assert response.status_code == 200 and "<title>Error:" in page
    for missing in (asked[0], asked[3]):
        assert page.count(f"Select yes or no: {missing.question}") == 2
        assert f'href="#id_{missing.slug}_0"' in page
    assert page.count("Select yes or no") == 4
    # What was answered is shown again, so nothing has to be answered twice.
    assert re.search(rf'name="{asked[2].slug}" value="yes"[^>]*checked', page)
    assert answer_store.COOKIE not in response.cookies
    assert client.get(reverse("questions-check")).headers["Location"] == reverse("questions-health")


def test_back_keeps_answers(client, seeded):
    client.post(reverse("questions-goals"), {"goals": ["sleep", "pain-tension"]})

    page = client.get(reverse("questions-goals")).content.decode()

    assert re.search(r'value="sleep"[^>]*checked', page)
    assert re.search(r'value="pain-tension"[^>]*checked', page)
    assert not re.search(r'value="grief"[^>]*checked', page)


def test_change_from_the_check_page_returns_to_it(client, seeded):
    answer_all(client, goals=["sleep"])

    page = client.get(reverse("questions-goals") + "?change=1").content.decode()
    response = client.post(reverse("questions-goals"), {"goals": ["grief"], "return_to": "check"})

    assert 'name="return_to" value="check"' in page
    assert response.headers["Location"] == reverse("questions-check")
    assert "Cope with loss" in client.get(reverse("questions-check")).content.decode()


def test_check_page_sends_back_to_the_first_unanswered_question(client, seeded):
    client.post(reverse("questions-goals"), {"goals": ["sleep"]})

    response = client.get(reverse("questions-check"))

    assert response.headers["Location"] == reverse(
        "questions-condition", args=[conditions_in_order()[0]]
    )


def test_crisis_yes_stops_the_flow_with_help_and_forgets_the_answers(client, seeded):
    client.post(reverse("questions-goals"), {"goals": ["sleep"]})

    response = client.post(reverse("questions-condition", args=["crisis"]), {"answer": "yes"})
    page = response.content.decode()

    assert response.status_code == 200
    assert "116 123" in page and "999" in page
    # A text line opens the phone's messages with the word already typed.
    assert '<a class="phone" href="sms:85258?body=SHOUT">Text SHOUT to 85258</a>' in page
    assert "Therapies that may help you" not in page
    assert response.cookies[answer_store.COOKIE]["max-age"] == 0


def test_results_rank_safely_and_keep_the_answers_only_in_this_browser(client, seeded):
    check = answer_all(client, goals=["pain-tension"], yes=["blood-thinners"])

    posted = client.post(reverse("results"), {"answers": token_from(check)})
    response = client.get(posted.headers["Location"])
    page = response.content.decode()

    # The POST sends the browser on to a GET, so Back and refresh never resubmit a form.
    assert (posted.status_code, posted.headers["Location"]) == (303, reverse("results"))
    assert posted.cookies[answer_store.COOKIE]["max-age"] == 0
    kept = posted.cookies[answer_store.RESULTS_COOKIE]
    assert (kept["httponly"], kept["samesite"], kept["max-age"]) == (True, "Lax", "")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    shortlist, _, rest = page.partition("Not suitable for you")
    assert "Deep tissue massage" not in shortlist
    assert "Deep tissue massage" in rest
    assert "Swedish massage" in shortlist and "Take care" in shortlist
    assert "Talk to your GP" in page
    # The catalogue's version is shown to the public as the day it last changed.
    assert f"as it was on {timezone.localdate():%-d %B %Y}." in page


def test_back_and_refresh_show_the_same_results_until_the_answers_are_cleared(client, seeded):
    check = answer_all(client, goals=["pain-tension"], yes=["pregnancy"])
    first = show_results(client, check).content.decode()

    again = client.get(reverse("results")).content.decode()
    note = client.get(reverse("doctor-note"))
    cleared = client.post(reverse("results-clear"))
    after = client.get(reverse("results")).content.decode()

    assert 'data-therapy="prenatal-massage"' in first and 'data-therapy="prenatal-massage"' in again
    assert "Swedish massage" in note.content.decode()
    assert cleared.cookies[answer_store.RESULTS_COOKIE]["max-age"] == 0
    assert "Your answers have been cleared" in cleared.content.decode()
    assert "Your results are no longer here" in after
    assert (
        "<h1>Your results are no longer here</h1>"
        in client.get(reverse("doctor-note")).content.decode()
    )


def test_results_answers_older_than_an_hour_are_not_shown(client, seeded, monkeypatch):
    check = answer_all(client, goals=["sleep"])
    show_results(client, check)
    monkeypatch.setattr(answer_store, "MAX_AGE_SECONDS", -1)  # any age is too old

    page = client.get(reverse("results")).content.decode()

    assert "Your results are no longer here" in page


def test_pregnant_person_gets_prenatal_massage_first_and_a_clearance_note(client, seeded):
    check = answer_all(client, goals=["pain-tension"], yes=["pregnancy"])

    page = show_results(client, check).content.decode()
    first_card = page.split('class="card"')[1]

    assert "Prenatal massage" in first_card
    assert "Ask first" in page
    assert "Get a note for your doctor" in page


def test_doctor_note_lists_each_therapy_needing_a_yes(client, seeded):
    check = answer_all(client, goals=["pain-tension"], yes=["pregnancy", "recent-fracture"])
    results = show_results(client, check)

    note = client.post(reverse("doctor-note"), {"answers": token_from(results)}, follow=True)
    page = note.content.decode()

    assert note["Cache-Control"] == "no-store"
    assert f"Date: {timezone.localdate():%-d %B %Y}" in page
    assert "<li>Are you pregnant?</li>" in page
    assert "<li>Do you have a broken bone that is still healing?</li>" in page
    assert page.count("<tr><td>Swedish massage</td>") == 1  # once, with both reasons
    # Prenatal massage suits pregnancy: only the healing bone makes it one to ask about.
    assert (
        "<tr><td>Prenatal massage</td><td>Do you have a broken bone that is still healing?</td>"
        in page
    )
    advice = page.split("What the website told me")[1]
    items = re.findall(r"<li>(.*?)</li>", advice)
    assert len(items) == len(set(items))  # each piece of advice once
    assert "Print this note" in page


def test_a_goal_with_no_good_option_says_so(client, seeded):
    check = answer_all(client, goals=["cancer-pain"])

    page = show_results(client, check).content.decode()

    assert "We have no therapy to suggest" in page
    assert "This has been studied, but the results are unclear." in page
    assert "We do not know whether massage reduces cancer pain." in page


def test_mixed_evidence_is_shown_as_unclear(client, seeded):
    check = answer_all(client, goals=["cancer-pain"])

    page = show_results(client, check).content.decode()

    assert "Studies disagree" in page


def test_results_need_signed_answers(client, seeded):
    assert client.post(reverse("results"), {}).headers["Location"] == reverse("questions-start")
    response = client.post(reverse("results"), {"answers": "forged"})
    assert response.headers["Location"] == reverse("questions-start")


def test_results_opened_with_no_answers_say_why_and_where_to_start(client, seeded):
    response = client.get(reverse("results"))

    assert response.status_code == 200
    assert "Your results are no longer here" in response.content.decode()
    assert reverse("questions-start") in response.content.decode()


def test_a_tampered_cookie_is_ignored(client, seeded):
    client.cookies[answer_store.COOKIE] = TimestampSigner(salt="other").sign('{"goals":["sleep"]}')

    page = client.get(reverse("questions-goals")).content.decode()

    assert "checked" not in page


def test_no_answer_ever_travels_in_a_url(client, seeded):
    check = answer_all(client, goals=["sleep"], yes=["pregnancy"])
    results = show_results(client, check)

    for page in (check, results):
        html = page.content.decode()
        for form in re.findall(r"<form[^>]*>", html):
            assert 'method="post"' in form
        assert "pregnancy=" not in html and "goals=" not in html


def test_warning_signs_are_shown_for_the_yes_answers_alone_with_their_source(client, seeded):
    pregnant = show_results(client, answer_all(client, goals=["sleep"], yes=["pregnancy"]))
    page = pregnant.content.decode()
    nothing = show_results(client, answer_all(client, goals=["sleep"])).content.decode()

    assert 'id="warning-signs"' in page and 'href="#warning-signs"' in page
    assert 'data-sign="pre-eclampsia-signs"' in page
    assert "Call your midwife or GP straight away." in page
    assert "/sources/apec-what-is-pre-eclampsia/" in page
    assert 'data-sign="heart-failure-signs"' not in page
    assert "warning-signs" not in nothing
