"""Every request body past its limit, or unreadable, is refused before anything reads it.

The faults these hold shut: a JSON body over Django's form limit answered 500 (DRF reads the
whole body, and Django's ``RequestDataTooBig`` reached no handler); a chunked body, which has no
``Content-Length``, read as empty; a form's file part not counted and written to a temporary
file. The answer is a 413 (or a 400 for what cannot be read), in problem+json under ``/api/``
and as the 413 page elsewhere, and it comes at once. The same requests through nginx and
gunicorn: tests/integration/test_proxy.py.
"""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from wellness.security.limits import REFUSED_BY_PROXY_HEADER

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"
MB = 1024 * 1024


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


def chunked(client, path: str, body: bytes, content_type: str, **extra):
    """Post ``body`` as a server hands on a chunked request: no Content-Length, the chunks
    already joined in ``wsgi.input`` (gunicorn's reader gives back at most what is asked)."""
    return client.generic(
        "POST",
        path,
        b"",
        CONTENT_TYPE=content_type,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
        **extra,
    )


def padded_json(size: int) -> bytes:
    return json.dumps({"goals": ["sleep"], "padding": "x" * size}).encode()


@pytest.mark.parametrize("size", [1 * MB, 2 * MB, 20 * MB], ids=["1MB", "2MB", "20MB"])
def test_a_json_body_past_the_form_limit_is_a_413_problem_not_a_500(client, size):
    body = padded_json(size)

    started = time.monotonic()
    response = client.post(URL, body, content_type="application/json")

    assert time.monotonic() - started < 1
    detail = assert_problem(response, 413)["detail"]
    assert detail == "The request body is larger than 65,536 bytes."


def test_a_hundred_thousand_goals_are_a_413(client):
    body = json.dumps({"goals": ["sleep"] * 100_000})

    assert_problem(client.post(URL, body, content_type="application/json"), 413)


def test_a_body_between_the_api_and_the_form_limit_is_still_a_413(client, settings):
    body = padded_json((settings.API_MAX_BODY_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE) // 2)

    assert_problem(client.post(URL, body, content_type="application/json"), 413)


def test_a_body_the_api_reads_past_djangos_limit_is_a_413_problem(client, settings):
    # If the API's limit were ever above Django's, Django's RequestDataTooBig would reach the
    # API's exception handler: still a 413, never a 500.
    settings.API_MAX_BODY_BYTES = 4 * MB

    response = client.post(URL, padded_json(1 * MB), content_type="application/json")

    assert_problem(response, 413)


def test_a_chunked_json_body_past_the_limit_is_a_413_problem(client, settings):
    body = padded_json(settings.API_MAX_BODY_BYTES)

    started = time.monotonic()
    response = chunked(client, URL, body, "application/json")

    assert time.monotonic() - started < 1
    assert_problem(response, 413)


def test_a_chunked_body_past_the_limit_is_read_no_further_than_the_limit(client, settings):
    stream = io.BytesIO(padded_json(20 * MB))

    response = client.generic(
        "POST",
        URL,
        b"",
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
    )

    assert response.status_code == 413
    assert stream.tell() == settings.API_MAX_BODY_BYTES + 1


def test_a_chunked_body_within_the_limit_is_read_as_sent(client, seeded):
    response = chunked(client, URL, json.dumps({"goals": ["sleep"]}).encode(), "application/json")

    assert response.status_code == 200, response.content[:300]
    assert response.json()["recommendations"]


def test_a_chunked_form_past_the_limit_gets_the_413_page(client, settings):
    body = b"goals=sleep&note=" + b"a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = chunked(
        client, reverse("questions-goals"), body, "application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert b"The form sent too much" in response.content
    assert response["Cache-Control"] == "no-store"


def test_a_chunked_form_within_the_limit_is_read_as_sent(client, seeded):
    response = chunked(
        client, reverse("questions-goals"), b"goals=sleep", "application/x-www-form-urlencoded"
    )

    # An empty body would show the page again, asking for a goal.
    assert response.status_code == 302, response.content[:300]


@pytest.fixture
def no_temporary_files(monkeypatch):
    """Fail the test if any upload is written to a temporary file."""
    written = []

    def refuse(self, *args, **kwargs):
        written.append(args)
        raise AssertionError("An upload was written to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", refuse)
    return written


def test_a_20_mb_file_to_a_public_form_is_a_413_and_never_written(client, no_temporary_files):
    upload = SimpleUploadedFile("big.bin", b"x" * (20 * MB))

    started = time.monotonic()
    response = client.post(reverse("questions-goals"), {"goals": "sleep", "file": upload})

    assert time.monotonic() - started < 1
    assert response.status_code == 413
    assert b"The form sent too much" in response.content
    assert no_temporary_files == []


def test_a_chunked_20_mb_file_is_a_413_and_never_written(client, no_temporary_files):
    boundary = "limitsboundary"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"x" * (20 * MB)
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = chunked(
        client, reverse("questions-goals"), body, f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 413
    assert no_temporary_files == []


def test_a_small_file_part_to_a_public_form_gets_a_clear_400_page(client, seeded):
    upload = SimpleUploadedFile("note.txt", b"hello")

    response = client.post(reverse("questions-goals"), {"goals": "sleep", "file": upload})

    assert response.status_code == 400
    assert b"The form sent a file" in response.content
    assert response["Cache-Control"] == "no-store"


def test_a_file_part_to_the_admin_is_refused_too(client, editor):
    # No admin form takes a file either (no model has a file field).
    client.force_login(editor)
    upload = SimpleUploadedFile("note.txt", b"hello")

    response = client.post(reverse("admin:therapies_therapy_add"), {"name": "x", "file": upload})

    assert response.status_code == 400
    assert b"The form sent a file" in response.content


def test_no_model_has_a_file_field():
    from django.apps import apps
    from django.db.models import FileField

    assert not [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    ]


@pytest.mark.parametrize("length", ["12x", "-5", "1e3"])
def test_a_length_that_is_not_a_number_is_a_400(client, length):
    api = client.generic("POST", URL, b"{}", content_type="application/json", CONTENT_LENGTH=length)
    page = client.generic(
        "POST",
        reverse("questions-goals"),
        b"goals=sleep",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=length,
    )

    assert_problem(api, 400)
    assert page.status_code == 400
    assert b"The form could not be read" in page.content


def test_a_length_and_chunks_at_once_are_a_400(client):
    response = client.generic(
        "POST", URL, b"{}", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked"
    )

    assert_problem(response, 400)


def test_a_coding_other_than_chunked_is_a_400(client):
    response = client.generic(
        "POST",
        URL,
        b"",
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="gzip, chunked",
        **{"wsgi.input": io.BytesIO(b"{}")},
    )

    assert_problem(response, 400)


def test_a_body_refused_by_nginx_gets_the_apps_own_answer(client):
    # nginx refuses an oversized body itself, then asks for the answer to show with a GET
    # carrying this header (deploy/nginx/wellness.conf.template, @body_too_large).
    header = {REFUSED_BY_PROXY_HEADER: "too-large"}

    api = client.get(URL, **header)
    page = client.get(reverse("questions-goals"), **header)

    assert_problem(api, 413)
    assert page.status_code == 413
    assert b"The form sent too much" in page.content


def test_bodies_are_measured_before_any_middleware_that_reads_them(settings):
    order = settings.MIDDLEWARE
    limit = order.index("wellness.security.limits.RequestBodyLimitMiddleware")
    assert order.index("wellness.security.headers.SecurityHeadersMiddleware") < limit
    assert limit < order.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert limit < order.index("wellness.security.limits.PublicRequestLimitsMiddleware")
