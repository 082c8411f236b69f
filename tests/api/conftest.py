"""Fixtures for the API tests: clients for each role (each with its own API token, issued as a
login would), the seed catalogue, no throttling."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from wellness import selectors
from wellness.api.views import recommendations
from wellness.models import ApiToken

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


def api_token(user, *, device=None) -> str:
    """Issue an API token for ``user`` as a login would, and return it.

    Verified by ``device``, or by the user's authenticator app if they have one (as a login with
    their code would be): the token then meets every role's two-step requirement.
    """
    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    _row, key = ApiToken.objects.create(user=user, verified_device=device)
    return key


def token_client(user, *, device=None) -> APIClient:
    """Return a client that authenticates as this user with a new API token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user, device=device)}")
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
