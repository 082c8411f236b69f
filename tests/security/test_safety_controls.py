"""Controls of the hazard log (SAFETY.md) that no other test module covers.

The crisis lines shown follow the configured region on every page that shows them, and every
page a person can land on, the limit pages included, leads to urgent help.
"""

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

UK_LINE, US_LINE = "116 123", "988"


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def crisis_answer(client):
    return client.post(reverse("questions-condition", args=["crisis"]), {"answer": "yes"})


PAGES_WITH_LINES = {
    "help now": lambda client: client.get(reverse("help-now")),
    "crisis answer": crisis_answer,
}


@pytest.mark.parametrize("page", PAGES_WITH_LINES)
@pytest.mark.parametrize(
    ("region", "shown", "not_shown"), [("GB", UK_LINE, US_LINE), ("US", US_LINE, UK_LINE)]
)
def test_crisis_lines_follow_the_configured_region(
    client, seeded, settings, page, region, shown, not_shown
):
    settings.CRISIS_REGION = region

    text = PAGES_WITH_LINES[page](client).content.decode()

    assert shown in text
    assert not_shown not in text


def test_the_rate_limit_page_shows_the_configured_regions_lines(client, seeded, settings):
    settings.CRISIS_REGION = "US"
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "questions": "1/minute"}
    crisis_answer(client)

    response = crisis_answer(client)

    assert response.status_code == 429
    assert US_LINE in response.content.decode()
    assert UK_LINE not in response.content.decode()


def test_the_rate_limit_page_still_says_to_get_help_when_the_database_is_down(
    client, seeded, settings
):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "questions": "1/minute"}
    crisis_answer(client)

    def down(*args):
        from django.db import OperationalError

        raise OperationalError("database down")

    with connection.execute_wrapper(down):
        response = crisis_answer(client)

    assert response.status_code == 429
    assert "Call your local emergency number now" in response.content.decode()


LANDING_PAGES = {
    "home": lambda c: c.get("/"),
    "not found": lambda c: c.get("/no-such-page/"),
    "privacy": lambda c: c.get(reverse("privacy")),
    "too large": lambda c: c.post(
        reverse("questions-goals"), "x=" + "a" * (600 * 1024), "application/x-www-form-urlencoded"
    ),
}


@pytest.mark.parametrize("page", LANDING_PAGES)
def test_every_page_leads_to_urgent_help(client, seeded, page):
    response = LANDING_PAGES[page](client)

    assert f'href="{reverse("help-now")}"' in response.content.decode()
