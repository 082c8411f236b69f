"""Saved results (share, reopen, expire, delete) and "show more" on the results page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import Finding
from tests.factories import FindingFactory, SafetyRuleFactory, TherapyFactory
from tests.wellness.walk import answer_all, show_results, token_from
from therapies.models import Condition
from wellness.models import SavedResult


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def test_save_share_and_delete(client, seeded):
    check = answer_all(client, goals=["pain-tension"], yes=["pregnancy"])
    results = show_results(client, check)
    assert not SavedResult.objects.exists(), "nothing is kept unless the person asks"

    saved_response = client.post(reverse("results-save"), {"answers": token_from(results)})
    saved = SavedResult.objects.get()
    link = saved_response.headers["Location"]
    reopened = client.get(link)

    assert link == saved.get_absolute_url() and saved.token in link
    assert "?" not in link
    assert reopened.status_code == 200 and reopened["Cache-Control"] == "no-store"
    assert "Prenatal massage" in reopened.content.decode()
    assert "has changed since you saved this" not in reopened.content.decode()
    assert set(saved.answers) == {
        *("goals", "conditions", "format", "pressure"),
        *("approach", "time", "cost", "evidence"),
    }

    deleted = client.post(reverse("saved-result-delete", args=[saved.token]))
    assert deleted.status_code == 200
    assert not SavedResult.objects.exists()
    assert client.get(link).status_code == 404


def test_reopened_result_says_when_the_catalogue_has_changed(client, seeded):
    check = answer_all(client, goals=["pain-tension"])
    results = show_results(client, check)
    link = client.post(reverse("results-save"), {"answers": token_from(results)}).headers[
        "Location"
    ]

    finding = Finding.objects.get(slug="massage-pain-tension")
    finding.context = "Relief may only last a short time."
    finding.save()
    page = client.get(link).content.decode()

    assert "has changed since you saved this" in page
    assert "Relief may only last a short time." in page


def test_an_expired_saved_result_is_gone(client, seeded):
    saved = SavedResult.objects.create(
        answers={"goals": ["sleep"], "conditions": {}, "format": "any", "pressure": "any"},
        catalogue_version="x",
    )
    SavedResult.objects.filter(pk=saved.pk).update(
        created_at=timezone.now() - timedelta(days=40),
        expires_at=timezone.now() - timedelta(days=1),
    )

    response = client.get(saved.get_absolute_url())

    assert response.status_code == 404
    assert "the results may have been deleted or may have run out" in response.content.decode()


def test_a_deleted_saved_link_shows_our_page_even_with_debug_on(client, seeded, settings):
    settings.DEBUG = True

    response = client.get(reverse("saved-result", args=["no-such-token"]))

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()
    assert "Django" not in response.content.decode()


def grow_catalogue(extra: int) -> None:
    condition = Condition.objects.get(slug="pregnancy")
    for _ in range(extra):
        therapy = TherapyFactory()
        FindingFactory(therapy=therapy, goal_id=Finding.objects.first().goal_id)
        SafetyRuleFactory(therapy=therapy, condition=condition, effect="caution")


@pytest.mark.parametrize("extra", [0, 25])
def test_results_page_runs_a_fixed_number_of_queries(
    client, seeded, extra, django_assert_num_queries
):
    grow_catalogue(extra)
    check = answer_all(client, goals=["pain-tension", "immune-function"], yes=["pregnancy"])
    token = token_from(check)
    client.post(reverse("results"), {"answers": token}, follow=True)  # warm the catalogue snapshot

    # the snapshot's change marker; goal labels come from the snapshot too
    with django_assert_num_queries(1):
        response = client.post(reverse("results"), {"answers": token}, follow=True)
    assert response.status_code == 200


# --- A shortlist, with more on request -------------------------------------------------------


def cards(response) -> list[str]:
    return re.findall(
        r'class="card" id="card-\d+"[^>]*data-therapy="([^"]+)"', response.content.decode()
    )


@pytest.fixture
def many_matches(seeded):
    """Add 25 therapies with evidence for one goal, so it matches more than a shortlist."""
    grow_catalogue(25)
    return Finding.objects.first().goal.slug


def test_results_show_the_best_ten_and_count_the_rest(client, many_matches):
    check = answer_all(client, goals=[many_matches])
    token = token_from(check)

    first = client.post(reverse("results"), {"answers": token}, follow=True)
    more = client.post(reverse("results"), {"answers": token, "show": "20"}, follow=True)

    shown = cards(first)
    page = first.content.decode()
    assert len(shown) == 10
    total = 10 + int(re.search(r"We found (\d+) more therapies", page).group(1))
    assert 'name="show" value="20"' in page and "Show 10 more" in page
    assert cards(more)[:10] == shown and len(cards(more)) == min(total, 20)
    assert 'action="/results/#card-11"' in page  # the next page opens at the first new card


@pytest.mark.parametrize("show", ["", "abc", "-5", "3", "1e9"])
def test_a_bad_or_small_show_count_gives_the_shortlist(client, many_matches, show):
    token = token_from(answer_all(client, goals=[many_matches]))

    response = client.post(reverse("results"), {"answers": token, "show": show}, follow=True)

    assert response.status_code == 200
    assert len(cards(response)) == 10


def test_asking_for_everything_shows_every_suitable_therapy_and_no_more_button(
    client, many_matches
):
    token = token_from(answer_all(client, goals=[many_matches]))

    response = client.post(reverse("results"), {"answers": token, "show": "100000"}, follow=True)

    assert len(cards(response)) > 10
    assert "more therapies that may help" not in response.content.decode()


def test_a_saved_result_shows_more_by_a_link(client, many_matches):
    token = token_from(answer_all(client, goals=[many_matches]))
    link = client.post(reverse("results-save"), {"answers": token}).headers["Location"]

    first = client.get(link)
    more = client.get(link, {"show": "20"})

    assert len(cards(first)) == 10
    assert 'href="?show=20#card-11"' in first.content.decode()
    assert len(cards(more)) > 10 and cards(more)[:10] == cards(first)
