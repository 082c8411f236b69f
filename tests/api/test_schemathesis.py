"""Property-based tests over the whole OpenAPI schema: no 5xx, no response that breaks it.

Schemathesis reads the schema from the app and drives the Django WSGI app in-process, against the
seed catalogue in the test database, with a fixed seed and a bounded number of examples: once as
the public (every operation) and once as an admin with a token (every write). The catalogue is
loaded once for the module; each operation's test runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import api_token
from tests.conftest import enrol_totp_device
from tests.factories import UserFactory

SCHEMA_URL = "/api/v1/schema/?format=json"
EXAMPLES = 12
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
# A schema-valid request may still name a slug that does not exist or wrong credentials: a 400
# for those is right, so "valid data was rejected" is not a failure here. Every other check runs.
EXCLUDED_CHECKS = [positive_data_acceptance]

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi(
    SCHEMA_URL, app, config=schemathesis.Config.from_dict({"seed": 20261126})
)
writes = schema.include(method=["POST", "PUT", "PATCH", "DELETE"])


@pytest.fixture(scope="module")
def admin_token(seeded_module, django_db_blocker) -> str:
    """Return the token of an admin, made once for the module inside its transaction."""
    with django_db_blocker.unblock():
        admin = UserFactory(username="schemathesis-admin", is_superuser=True)
        return api_token(admin, device=enrol_totp_device(admin))


@pytest.fixture
def wsgi(admin_token, seeded):
    """Let the WSGI app share the test's database transaction; return the admin's token.

    Django closes "old" connections at the start and end of each request; inside a test's
    transaction that would throw the test's data away, so (as Django's test client does) those
    handlers are disconnected while the app is driven.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield admin_token
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@HYPOTHESIS
def test_public_api_honours_its_schema(case, wsgi):
    response = case.call_and_validate(excluded_checks=EXCLUDED_CHECKS)

    assert response.status_code < 500


@writes.parametrize()
@HYPOTHESIS
def test_staff_writes_honour_the_schema(case, wsgi):
    response = case.call_and_validate(
        headers={"Authorization": f"Token {wsgi}"}, excluded_checks=EXCLUDED_CHECKS
    )

    assert response.status_code < 500
