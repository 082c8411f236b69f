"""Once the results are shown, nothing on the server holds the answers, unless the person saves.

A sentinel value rides along in every form the person submits, and a sentinel goal is chosen.
Afterwards every table, the cache and the captured logs are searched for both.
"""

import logging

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from tests.factories import FindingFactory, GoalFactory, TherapyFactory
from tests.wellness.walk import answer_screening, token_from
from therapies.models import Condition
from wellness.models import SavedResult

SENTINEL = "sentinel-zq7x-private"
ANSWERS = ('"pregnancy":"yes"', "'pregnancy': 'yes'")


@pytest.fixture
def seeded(db, seed_catalogue):
    seed_catalogue()
    # A goal whose slug is the sentinel: choosing it is a private answer like any other.
    goal = GoalFactory(slug=f"goal-{SENTINEL}", label="Private goal")
    FindingFactory(therapy=TherapyFactory(), goal=goal)


def everything_stored() -> str:
    """Return the text of every row of every table the app can reach."""
    chunks = []
    for model in apps.get_models():
        for row in model._base_manager.values_list():
            chunks.append(repr(row))
    return "\n".join(chunks)


def cache_contents() -> str:
    return repr(getattr(cache, "_cache", {}))


def walk(client) -> object:
    goal = f"goal-{SENTINEL}"
    client.post(reverse("questions-goals"), {"goals": ["sleep", goal], "note": SENTINEL})
    answer_screening(client, yes={"pregnancy"}, x=SENTINEL)
    client.post(
        reverse("questions-preferences"), {"format": "any", "pressure": "any", "x": SENTINEL}
    )
    check = client.get(reverse("questions-check"))
    results = client.post(
        reverse("results"), {"answers": token_from(check), "x": SENTINEL}, follow=True
    )
    assert results.status_code == 200
    assert "private goal" in results.content.decode().lower()
    return results


def test_nothing_on_the_server_holds_the_answers_after_the_results(client, seeded, caplog):
    caplog.set_level(logging.DEBUG)
    stored_before = everything_stored()

    results = walk(client)

    stored = everything_stored()
    assert stored == stored_before, "the journey wrote to the database"
    assert SENTINEL not in stored.replace(f"goal-{SENTINEL}", "")  # the catalogue's own goal row
    assert not any(answer in stored for answer in ANSWERS)
    assert not Session.objects.exists()
    assert SENTINEL not in cache_contents() and "pregnancy" not in cache_contents()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SENTINEL not in logged and "pregnancy" not in logged
    assert results["Cache-Control"] == "no-store"


def test_saving_is_the_one_act_that_keeps_answers(client, seeded):
    results = walk(client)

    client.post(reverse("results-save"), {"answers": token_from(results)})

    stored = everything_stored()
    assert any(answer in stored for answer in ANSWERS), "the scan finds answers once saved"
    assert SavedResult.objects.get().answers["goals"] == ["sleep", f"goal-{SENTINEL}"]


def test_a_crisis_answer_leaves_nothing_behind(client, seeded, caplog):
    caplog.set_level(logging.DEBUG)
    stored_before = everything_stored()
    client.post(reverse("questions-goals"), {"goals": ["sleep"], "x": SENTINEL})
    crisis = Condition.objects.get(is_crisis=True)

    response = client.post(reverse("questions-condition", args=[crisis.slug]), {"answer": "yes"})

    assert response.status_code == 200
    assert everything_stored() == stored_before
    assert SENTINEL not in "\n".join(r.getMessage() for r in caplog.records)
