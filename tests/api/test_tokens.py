"""API tokens: every request checks the owner as they are now, tokens expire, and their owner
or a superuser revokes them (docs/architecture.md §5)."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import TOTP
from rest_framework.test import APIClient

from evidence.models import Source
from outbox.jobs import job_run
from tests.conftest import enrol_totp_device
from tests.factories import JobRequestFactory, SourceFactory, UserFactory
from wellness import jobs
from wellness.api import tokens
from wellness.api.views import auth
from wellness.jobs import SAVED_RESULTS_PURGE_TASK
from wellness.models import ApiToken

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PASSWORD = "correct horse battery staple"
TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
WRITE = "/api/v1/goals/"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@contextmanager
def at(moment: datetime.datetime):
    """Run the block as if it were ``moment`` (tokens read the time through timezone.now)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def code(device) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def log_in(username: str, *, otp: str | None = None) -> APIClient:
    """Ask for a token as a client would, and return a client that sends it."""
    body = {"username": username, "password": PASSWORD, **({"otp_token": otp} if otp else {})}
    response = APIClient().post(TOKEN, body, format="json")
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def refusal(response) -> str:
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"
    return response.json()["detail"]


def reads(client) -> int:
    return client.get("/api/v1/therapies/").status_code


def in_review_source() -> Source:
    source = SourceFactory(status=Source.Status.IN_REVIEW)
    source.submitted_by = UserFactory(username="submitter", groups=["Evidence curators"])
    source.submitted_at = timezone.now()
    source.save()
    return source


# --- The owner as they are now -----------------------------------------------------------------


def test_an_editor_gets_no_token_without_a_code_from_their_app(editor):
    body = {"username": "editor", "password": PASSWORD}

    refused = APIClient().post(TOKEN, body, format="json")
    with_code = log_in("editor", otp=code(editor.totpdevice_set.get()))

    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "otp_token", "message": auth.MISSING_CODE}]
    assert with_code.post(WRITE, {"slug": "x", "label": "X"}).status_code == 201


def test_an_editor_without_an_app_is_told_to_set_one_up_in_the_admin():
    UserFactory(username="new-editor", groups=["Catalogue editors"])
    body = {"username": "new-editor", "password": PASSWORD, "otp_token": "123456"}

    response = APIClient().post(TOKEN, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "otp_token", "message": auth.NO_APP}]


def test_an_editor_token_issued_without_a_code_is_refused(editor):
    # E.g. issued while editors needed no code: every request checks the owner as they are now.
    _row, key = ApiToken.objects.create(user=editor, verified_device=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert refusal(client.post(WRITE, {"slug": "x", "label": "X"})) == tokens.NEEDS_CODE


def test_a_reader_who_joins_the_curators_needs_a_token_issued_with_a_code(reader):
    source = in_review_source()
    publish = f"/api/v1/sources/{source.slug}/publish/"
    before = log_in("reader")

    reader.groups.add(Group.objects.get(name="Evidence curators"))
    refused = before.post(publish)
    device = enrol_totp_device(reader)
    still_refused = before.post(publish)
    after = log_in("reader", otp=code(device))

    assert "needs two-step verification" in refusal(refused)
    assert "otp_token" in refusal(still_refused)
    assert after.post(publish).status_code == 200
    source.refresh_from_db()
    assert source.status == Source.Status.PUBLISHED


def test_a_reader_who_joins_the_editors_needs_a_token_issued_with_a_code(reader):
    before = log_in("reader")

    reader.groups.add(Group.objects.get(name="Catalogue editors"))

    assert refusal(before.post(WRITE, {"slug": "x", "label": "X"})) == tokens.NEEDS_CODE


def test_a_reader_who_enrols_an_app_needs_a_token_issued_with_a_code(reader):
    client = log_in("reader")

    enrol_totp_device(reader)

    assert "needs two-step verification" in refusal(client.get("/api/v1/auth/tokens/"))


def test_a_switched_off_account_is_refused(reader):
    client = log_in("reader")
    reader.is_active = False
    reader.save()

    assert refusal(client.get("/api/v1/therapies/")) == tokens.INACTIVE


def test_an_account_no_longer_staff_is_refused_and_gets_no_new_token(reader):
    client = log_in("reader")
    reader.is_staff = False
    reader.save()

    assert refusal(client.post(WRITE, {"slug": "x"})) == tokens.NOT_STAFF
    body = {"username": "reader", "password": PASSWORD}
    assert APIClient().post(TOKEN, body, format="json").status_code == 400


def test_changing_the_password_ends_every_token(reader):
    client = log_in("reader")
    reader.set_password("a new and different passphrase")
    reader.save()

    assert refusal(client.get("/api/v1/therapies/")) == tokens.PASSWORD_CHANGED


def test_deleting_the_app_a_token_was_issued_with_revokes_it(curator):
    device = curator.totpdevice_set.get()
    client = log_in("curator", otp=code(device))
    assert reads(client) == 200

    device.delete()

    assert refusal(client.get("/api/v1/therapies/")) == tokens.INVALID
    assert not ApiToken.objects.filter(user=curator).exists()


def test_replacing_a_lost_app_revokes_the_tokens_issued_with_it(curator):
    from io import StringIO

    from django.core.management import call_command

    client = log_in("curator", otp=code(curator.totpdevice_set.get()))
    out = StringIO()

    call_command("add_totp_device", "curator", "--replace", stdout=out)

    assert "Removed 1 earlier authenticator app(s) and revoked the 1 API token(s)" in out.getvalue()
    assert refusal(client.get("/api/v1/therapies/")) == tokens.INVALID


def test_an_app_no_longer_confirmed_no_longer_verifies_the_token(curator):
    device = curator.totpdevice_set.get()
    client = log_in("curator", otp=code(device))

    device.confirmed = False
    device.save()

    assert refusal(client.get("/api/v1/therapies/")) == tokens.NEEDS_CODE


def test_a_reader_session_from_before_joining_the_editors_is_refused(reader):
    from django.test import Client

    session = Client()
    session.force_login(reader)  # password only: readers need no code
    reader.groups.add(Group.objects.get(name="Catalogue editors"))

    response = session.post(WRITE, {"slug": "x", "label": "X"}, content_type="application/json")

    assert refusal(response) == tokens.SESSION_NEEDS_CODE


# --- Expiry --------------------------------------------------------------------------------------


def test_a_new_token_says_when_it_expires(reader, settings):
    settings.API_TOKEN_IDLE_HOURS = 8
    with at(START):
        response = APIClient().post(
            TOKEN, {"username": "reader", "password": PASSWORD}, format="json"
        )

    assert response.json()["expiry"] == "2026-11-02T17:00:00Z"


def test_a_token_left_unused_for_the_idle_limit_expires(reader, settings):
    settings.API_TOKEN_IDLE_HOURS = 8
    with at(START):
        client = log_in("reader")
    with at(START + timedelta(hours=7)):
        used = reads(client)
    # Counted from the last use, not from the login.
    with at(START + timedelta(hours=14)):
        still = reads(client)
    with at(START + timedelta(hours=22, seconds=1)):
        expired = client.get("/api/v1/therapies/")

    assert used == still == 200
    assert refusal(expired) == tokens.EXPIRED


def test_a_token_in_use_expires_at_its_maximum_age(reader, settings):
    settings.API_TOKEN_IDLE_HOURS, settings.API_TOKEN_MAX_AGE_DAYS = 8, 2
    with at(START):
        client = log_in("reader")
    for hours in range(6, 48, 6):
        with at(START + timedelta(hours=hours)):
            assert reads(client) == 200
    with at(START + timedelta(days=2)):
        expired = client.get("/api/v1/therapies/")

    assert refusal(expired) == tokens.EXPIRED


def test_shortening_the_idle_limit_applies_to_tokens_already_issued(reader, settings):
    with at(START):
        client = log_in("reader")
    settings.API_TOKEN_IDLE_HOURS = 1

    with at(START + timedelta(hours=2)):
        assert refusal(client.get("/api/v1/therapies/")) == tokens.EXPIRED


def test_last_used_is_written_at_most_once_a_minute(reader):
    with at(START):
        client = log_in("reader")
    token = ApiToken.objects.get(user=reader)

    def updates(moment) -> int:
        with at(moment), CaptureQueriesContext(connection) as queries:
            assert reads(client) == 200
        return sum('UPDATE "wellness_apitoken"' in q["sql"] for q in queries.captured_queries)

    first = updates(START + timedelta(seconds=5))
    soon = updates(START + timedelta(seconds=50))
    later = updates(START + timedelta(seconds=66))

    assert (first, soon, later) == (1, 0, 1)
    token.refresh_from_db()
    assert token.last_used == START + timedelta(seconds=66)


def test_the_purge_job_deletes_expired_tokens(reader, settings):
    settings.API_TOKEN_IDLE_HOURS = 8
    with at(START - timedelta(hours=9)):
        log_in("reader")
    log_in("reader")
    job = JobRequestFactory(task=SAVED_RESULTS_PURGE_TASK, source=None)

    job_run(job_id=job.pk, work=jobs.saved_results_purge)

    assert ApiToken.objects.filter(user=reader).count() == 1
    job.refresh_from_db()
    assert job.message.endswith(", 1 expired API token and 0 unfinished authenticator app set-ups.")


# --- Revoking ------------------------------------------------------------------------------------


def test_the_owner_revokes_the_token_they_send(reader):
    laptop, phone = log_in("reader"), log_in("reader")

    assert laptop.delete(TOKEN).status_code == 204

    assert refusal(laptop.get("/api/v1/therapies/")) == tokens.INVALID
    assert reads(phone) == 200


def test_the_owner_revokes_all_their_tokens(reader, curator):
    laptop, phone = log_in("reader"), log_in("reader")
    other = log_in("curator", otp=code(curator.totpdevice_set.get()))

    assert phone.delete(TOKENS).status_code == 204

    assert refusal(laptop.get("/api/v1/therapies/")) == tokens.INVALID
    assert refusal(phone.get("/api/v1/therapies/")) == tokens.INVALID
    assert reads(other) == 200


def test_a_stale_token_does_not_stop_a_new_login(reader):
    client = log_in("reader")
    client.delete(TOKEN)

    body = {"username": "reader", "password": PASSWORD}
    assert client.post(TOKEN, body, format="json").status_code == 200


def test_revoking_needs_a_token(api):
    assert refusal(api.delete(TOKEN))
    assert refusal(api.delete(TOKENS))


# --- The header --------------------------------------------------------------------------------


def test_the_header_is_still_authorization_token(reader):
    key = APIClient().post(TOKEN, {"username": "reader", "password": PASSWORD}, format="json")
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {key.json()['token']}")
    # A key of the tokens before (rest_framework.authtoken, 40 hex digits) is no longer known.
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION="Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b")

    assert bearer.post(WRITE, {"slug": "x", "label": "X"}).status_code == 401
    assert refusal(old.get("/api/v1/therapies/")) == tokens.INVALID
    assert len(key.json()["token"]) == 64
    assert not ApiToken.objects.filter(digest__contains=key.json()["token"]).exists()
