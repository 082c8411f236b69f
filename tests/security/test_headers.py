"""Every response carries the security headers; pages with answers are never stored.

The strict Content-Security-Policy is checked directive by directive, on every kind of
response: pages, errors, the API, the admin, static files and the limit pages. The one
exception, the API docs page, is checked to relax exactly what its own inline blocks need.
"""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.wellness.walk import answer_screening, token_from
from wellness.models import SavedResult

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    """Return the response's CSP as {directive: set of sources}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def answers_token(client) -> str:
    client.post(reverse("questions-goals"), {"goals": ["sleep"]})
    answer_screening(client)
    client.post(reverse("questions-preferences"), {"format": "any", "pressure": "any"})
    return token_from(client.get(reverse("questions-check")))


RESPONSES = {
    "home": lambda c: c.get("/"),
    "question": lambda c: c.get(reverse("questions-goals")),
    "question error": lambda c: c.post(reverse("questions-goals"), {}),
    "results": lambda c: c.post(reverse("results"), {"answers": answers_token(c)}, follow=True),
    "not found": lambda c: c.get("/no-such-page/"),
    "redirect": lambda c: c.get(reverse("questions-check")),
    "api list": lambda c: c.get("/api/v1/goals/"),
    "api problem": lambda c: c.post(
        "/api/v1/recommendations/", {}, content_type="application/json"
    ),
    "api docs": lambda c: c.get("/api/v1/docs/"),
    "admin login": lambda c: c.get("/admin/login/"),
    "static file": lambda c: c.get("/static/css/site.css"),
    "health": lambda c: c.get("/healthz"),
    "body too large": lambda c: c.post(
        reverse("questions-goals"), "x=" + "a" * (600 * 1024), "application/x-www-form-urlencoded"
    ),
}


@pytest.mark.parametrize("kind", RESPONSES)
def test_every_response_carries_the_security_headers(client, seeded, kind):
    response = RESPONSES[kind](client)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    found = policy(response)
    if kind != "api docs":
        assert {name: found.get(name) for name in STRICT} == STRICT


@pytest.mark.parametrize("kind", [k for k in RESPONSES if k != "api docs"])
def test_the_policy_allows_no_inline_code_and_no_other_origin(client, seeded, kind):
    header = RESPONSES[kind](client)["Content-Security-Policy"]

    assert "unsafe" not in header
    assert "sha256-" not in header and "nonce-" not in header
    assert not re.search(r"https?:|\*|data:", header)


def test_the_api_docs_page_relaxes_only_data_images_and_has_no_inline_code(client, db):
    response = client.get("/api/v1/docs/")

    found = policy(response)
    assert found == {**STRICT, "img-src": {"'self'", "data:"}}
    assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>|<style\b", response.content)
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_api_docs_start_up_script_is_a_file_under_the_strict_policy(client, db):
    response = client.get("/api/v1/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in response.content
    assert policy(response) == STRICT


def test_no_template_has_inline_script_style_or_event_handlers():
    # What the policy would block in a browser, caught before one is started.
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
    )
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if inline.search(path.read_text())
    ]
    assert offenders == []


# --- Pages with answers are never stored -------------------------------------------------------


def saved_token(client) -> str:
    response = client.post(reverse("results-save"), {"answers": answers_token(client)})
    return SavedResult.objects.get().token if response.status_code == 302 else ""


ANSWER_PAGES = {
    "goals": lambda c: c.get(reverse("questions-goals")),
    "goals with an error": lambda c: c.post(reverse("questions-goals"), {}),
    "crisis question": lambda c: c.get(reverse("questions-condition", args=["crisis"])),
    "health questions": lambda c: c.get(reverse("questions-health")),
    "preferences": lambda c: (answers_token(c), c.get(reverse("questions-preferences")))[1],
    "check your answers": lambda c: (answers_token(c), c.get(reverse("questions-check")))[1],
    "results": lambda c: c.post(reverse("results"), {"answers": answers_token(c)}, follow=True),
    "doctor note": lambda c: c.post(
        reverse("doctor-note"), {"answers": answers_token(c)}, follow=True
    ),
    "crisis": lambda c: c.post(reverse("questions-condition", args=["crisis"]), {"answer": "yes"}),
    "saved result": lambda c: c.get(reverse("saved-result", args=[saved_token(c)])),
    "saved result deleted": lambda c: c.post(reverse("saved-result-delete", args=[saved_token(c)])),
}


@pytest.mark.parametrize("page", ANSWER_PAGES)
def test_pages_with_answers_are_never_stored(client, seeded, page):
    response = ANSWER_PAGES[page](client)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- HTTPS in production -----------------------------------------------------------------------


@pytest.fixture
def production_https(settings):
    """The HTTPS settings production gets (test_production_settings.py checks they do)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return Client()


def test_plain_http_is_redirected_to_https(production_https, db):
    response = production_https.get("/privacy/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/privacy/"


def test_health_probes_are_answered_over_plain_http(production_https, db):
    assert production_https.get("/healthz").status_code == 200


def test_https_answers_tell_browsers_to_use_nothing_else(production_https, db):
    response = production_https.get("/privacy/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
