"""The privacy page says exactly what is kept, and each statement matches what the app does."""

import pytest
from django.conf import settings
from django.urls import reverse

from wellness import answers
from wellness.security.limits import Rate


@pytest.fixture
def notice(client, db) -> str:
    return " ".join(client.get(reverse("privacy")).content.decode().split())


def test_it_says_how_long_saved_results_are_kept(client, db, settings):
    settings.SAVED_RESULT_DAYS = 12

    page = client.get(reverse("privacy")).content.decode()

    assert "for 12 days" in page


def test_the_answers_cookie_lasts_as_long_as_it_says(notice):
    assert answers.MAX_AGE_SECONDS == 60 * 60
    assert "stops working after one hour" in notice


def test_rate_limit_counts_last_no_longer_than_it_says(notice):
    longest = max(Rate.parse(rate).seconds for rate in settings.PUBLIC_FORM_RATES.values())

    assert longest <= 60 * 60
    assert "We keep the count for an hour at most" in notice


def test_it_says_what_a_failed_staff_login_leaves_and_for_how_long(notice):
    assert settings.AXES_SENSITIVE_PARAMETERS  # the password and code are never among them
    assert f"We delete it {settings.STAFF_LOCKOUT_MINUTES} minutes after the last" in notice
    for kept in ("username they tried", "internet address", "web browser", "the time"):
        assert kept in notice


def test_it_says_successful_staff_logins_are_not_recorded(notice):
    assert settings.AXES_DISABLE_ACCESS_LOG is True
    assert "We keep no record of staff logins that work" in notice


def test_it_says_saved_results_links_are_blanked_in_logs(notice):
    assert "We blank out the link in our logs" in notice
