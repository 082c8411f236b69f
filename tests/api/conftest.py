"""Fixtures for the API tests: clients for each role, the seed catalogue, no throttling."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from wellness import selectors
from wellness.api.views import recommendations

THROTTLE_SCOPES = ("recommendations", "writes", "token")


@pytest.fixture(autouse=True)
def no_throttling(settings):
    """Switch rate limits off: only the throttling tests turn them on, with their own rates."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(THROTTLE_SCOPES),
    }


@pytest.fixture(autouse=True)
def fresh_snapshot():
    """Forget cached snapshots: a rolled-back test database can repeat a change marker."""
    selectors._cached = None
    recommendations._known = None
    yield
    selectors._cached = None
    recommendations._known = None


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once per module."""


def field_errors(response) -> dict[str, str]:
    """Return each refused field of a 400 answer with its message."""
    assert response.status_code == 400, response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def token_client(user) -> APIClient:
    """Return a client that authenticates as this user with an API token."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def as_editor(editor) -> APIClient:
    return token_client(editor)


@pytest.fixture
def as_curator(curator) -> APIClient:
    return token_client(curator)


@pytest.fixture
def as_second_curator(second_curator) -> APIClient:
    return token_client(second_curator)


@pytest.fixture
def as_superuser(superuser) -> APIClient:
    return token_client(superuser)
