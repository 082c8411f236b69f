"""Rate limits on recommendations, writes and token requests: 429 with Retry-After."""

from __future__ import annotations

import pytest

from tests.api.conftest import THROTTLE_SCOPES

pytestmark = pytest.mark.django_db

# A documentation address (RFC 5737) that no other test uses, so counts never mix.
CLIENT_ADDRESS = "192.0.2.44"


@pytest.fixture
def low_rates(settings):
    """Allow two requests a minute in every scope, starting from zero (each test starts with an
    empty local-memory cache: tests/conftest.py)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(THROTTLE_SCOPES, "2/minute"),
    }


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    assert response.json()["title"] == "Too Many Requests"


def test_recommendations_are_limited_per_client(api, low_rates):
    post = lambda: api.post(  # noqa: E731
        "/api/v1/recommendations/", {"goals": []}, format="json", REMOTE_ADDR=CLIENT_ADDRESS
    )

    assert [post().status_code, post().status_code] == [400, 400]
    assert_throttled(post())
    other = api.post("/api/v1/recommendations/", {"goals": []}, format="json")
    assert other.status_code == 400  # another address has its own count


def test_a_forwarded_for_header_does_not_reset_the_count(api, low_rates):
    for n in range(2):
        api.post(
            "/api/v1/recommendations/",
            {},
            format="json",
            REMOTE_ADDR=CLIENT_ADDRESS,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    response = api.post(
        "/api/v1/recommendations/",
        {},
        format="json",
        REMOTE_ADDR=CLIENT_ADDRESS,
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )

    assert_throttled(response)


def test_writes_are_limited_per_user_and_reads_are_not(as_editor, low_rates):
    for n in range(2):
        as_editor.post("/api/v1/goals/", {"slug": f"g{n}", "label": "G"}, format="json")

    assert_throttled(as_editor.post("/api/v1/goals/", {"slug": "g9", "label": "G"}, format="json"))
    assert as_editor.get("/api/v1/goals/").status_code == 200


def test_token_requests_are_limited(api, low_rates):
    post = lambda: api.post(  # noqa: E731
        "/api/v1/auth/token/", {"username": "x", "password": "y"}, REMOTE_ADDR=CLIENT_ADDRESS
    )

    assert [post().status_code, post().status_code] == [400, 400]
    assert_throttled(post())


def test_without_rates_nothing_is_limited(api):
    statuses = {
        api.post("/api/v1/recommendations/", {}, format="json").status_code for _ in range(50)
    }

    assert statuses == {400}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5/s", 1), ("30/minute", 60), ("2/m", 60), ("10/hours", 3600), ("1/day", 86400)],
)
def test_rates_are_read_as_drf_reads_them(text, seconds):
    from wellness.security.limits import Rate

    assert Rate.parse(text).seconds == seconds
