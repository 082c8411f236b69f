"""Signing in to write through the API: a token for a password (and, for everyone who may
change anything, an authenticator code), the CSRF token for a session write; a bad token, an
inactive account or one without a group is refused."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client
from django_otp.oath import totp

from tests.api.conftest import token_client
from tests.conftest import verified_login
from tests.factories import (
    TherapyFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def test_a_session_write_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, editor)

    refused = client.post(
        "/api/v1/goals/", {"slug": "new", "label": "New"}, content_type="application/json"
    )
    # What a page of the site gives the browser: the CSRF cookie and a token for the header.
    page = HttpRequest()
    token = get_token(page)
    client.cookies[settings.CSRF_COOKIE_NAME] = page.META["CSRF_COOKIE"]
    accepted = client.post(
        "/api/v1/goals/",
        {"slug": "new", "label": "New"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201


def test_staff_exchange_their_password_for_a_token(api, editor):
    response = api.post(
        "/api/v1/auth/token/",
        {
            "username": "editor",
            "password": "correct horse battery staple",
            "otp_token": f"{totp(editor.totpdevice_set.get().bin_key):06d}",
        },
        format="json",
    )

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.post("/api/v1/goals/", {"slug": "x", "label": "X"}).status_code == 201


def test_wrong_password_gets_no_token(api, editor):
    response = api.post(
        "/api/v1/auth/token/", {"username": "editor", "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "body", "message": "Unable to log in with provided credentials."}
    ]


def test_a_bad_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = api.get("/api/v1/therapies/")

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_a_curator_needs_the_authenticator_code_for_a_token(api, curator):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=curator)
    password = {"username": "curator", "password": "correct horse battery staple"}

    without = api.post("/api/v1/auth/token/", password, format="json")
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    right = api.post("/api/v1/auth/token/", {**password, "otp_token": code}, format="json")
    # A code is good once, and a wrong one never (the device then slows guessing down).
    wrong = api.post("/api/v1/auth/token/", {**password, "otp_token": code}, format="json")

    assert without.status_code == wrong.status_code == 400
    assert {
        "field": "otp_token",
        "message": "Enter the 6-digit code from your authenticator app.",
    } in (without.json()["errors"])
    assert right.status_code == 200 and right.json()["token"]


def test_an_inactive_user_cannot_write(editor):
    client = token_client(editor)
    editor.is_active = False
    editor.save()

    assert client.post("/api/v1/goals/", {"slug": "x", "label": "X"}).status_code == 401


def test_a_logged_in_user_without_a_group_reads_only_published_data(db):
    client = token_client(UserFactory(username="nobody"))
    TherapyFactory(slug="hidden", published=False)

    assert client.get("/api/v1/therapies/hidden/").status_code == 404
    assert client.post("/api/v1/goals/", {"slug": "x", "label": "X"}).status_code == 403
