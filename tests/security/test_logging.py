"""Logs are structured (one JSON object a line) and carry no answers, e-mails or tokens.

Sentinel values ride through every public form and endpoint: as answers (a goal and a screening
question whose slugs are sentinels), as extra and invalid fields, as an e-mail-like username and
a password at the token endpoint and the admin login. Afterwards the records every logger
produced (caplog at DEBUG, the SQL logger with its debug cursor forced on, ``django.server``
through a live server) and the lines the configured console handler wrote are searched for
them, and for every token the journey made: the signed answers, the saved result's link and
the API token.
"""

from __future__ import annotations

import io
import json
import logging
import urllib.error
import urllib.request

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import (
    ConditionFactory,
    FindingFactory,
    GoalFactory,
    TherapyFactory,
    UserFactory,
)
from tests.wellness.walk import answer_screening, conditions_in_order, token_from
from wellness.models import SavedResult
from wellness.security.logs import JsonFormatter, redact

SENTINEL = "sentinel-q9zk"
EMAIL = "sentinel.person@example.org"
PASSWORD = "sentinel-password-q9zk"
STAFF_EMAIL = "sentinel.staff@example.org"
STAFF_PASSWORD = "sentinel-staff-password-q9zk"


@pytest.fixture
def seeded(db, seed_catalogue):
    seed_catalogue()
    goal = GoalFactory(slug=f"goal-{SENTINEL}", label="Private goal")
    FindingFactory(therapy=TherapyFactory(), goal=goal)
    ConditionFactory(slug=f"condition-{SENTINEL}", question="A private question?")


def console_handler() -> logging.Handler:
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    return handler


class Logs:
    """Everything logged while a test runs: records, and the console handler's lines."""

    def __init__(self, caplog) -> None:
        self.caplog = caplog
        self.console = io.StringIO()

    def text(self) -> str:
        records = [
            f"{r.name} {r.getMessage()} {r.exc_text or ''} {getattr(r, 'status_code', '')}"
            for r in self.caplog.records
        ]
        return "\n".join(records) + "\n" + self.console.getvalue()


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)
    server = logging.getLogger("django.server")  # does not propagate to the root logger
    server.addHandler(caplog.handler)
    handler = console_handler()
    collected = Logs(caplog)
    previous = handler.setStream(collected.console)
    try:
        yield collected
    finally:
        handler.setStream(previous)
        server.removeHandler(caplog.handler)


def assert_clean(text: str, *secrets: str) -> None:
    for secret in (SENTINEL, EMAIL, PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, *secrets):
        assert secret not in text, f"{secret!r} was logged"
    assert "example.org" not in text


def walk_the_public_journey(client) -> list[str]:
    """Send sentinels through every public form; return the tokens the journey made."""
    goal = f"goal-{SENTINEL}"
    extra = {"note": SENTINEL, "email": EMAIL}
    client.post(reverse("questions-goals"), {"goals": [f"bad-{SENTINEL}"], **extra})
    client.post(reverse("questions-goals"), {"goals": ["sleep", goal], **extra})
    crisis = reverse("questions-condition", args=["crisis"])
    client.post(crisis, {"answer": SENTINEL, **extra})  # invalid: the error page
    client.post(crisis, {"answer": "no", **extra})
    health = {slug: SENTINEL for slug in conditions_in_order() if slug != "crisis"}
    client.post(reverse("questions-health"), {**health, **extra})  # invalid: the error page
    answer_screening(client, yes={"pregnancy", f"condition-{SENTINEL}"}, **extra)
    client.post(reverse("questions-preferences"), {"format": SENTINEL, **extra})
    client.post(reverse("questions-preferences"), {"format": "any", "pressure": "any", **extra})
    answers = token_from(client.get(reverse("questions-check")))
    assert (
        client.post(reverse("results"), {"answers": answers, **extra}, follow=True).status_code
        == 200
    )
    assert client.post(reverse("results"), {"answers": answers + SENTINEL}).status_code == 302
    assert (
        client.post(reverse("doctor-note"), {"answers": answers, **extra}, follow=True).status_code
        == 200
    )
    assert client.post(reverse("questions-restore"), {"answers": answers}).status_code == 302
    assert client.post(reverse("results-save"), {"answers": answers, **extra}).status_code == 302
    saved = SavedResult.objects.get().token
    assert client.get(reverse("saved-result", args=[saved])).status_code == 200
    delete = reverse("saved-result-delete", args=[saved])
    assert client.post(delete, extra).status_code == 200
    assert client.get(reverse("saved-result", args=[saved])).status_code == 404  # logged
    assert client.get(f"/results/saved/{SENTINEL}/").status_code == 404  # logged
    return [answers, saved]


def call_the_api(client) -> list[str]:
    """Send sentinels through the recommendation and token endpoints; return the API token."""
    url = "/api/v1/recommendations/"
    good = {
        "goals": ["sleep", f"goal-{SENTINEL}"],
        "conditions": ["pregnancy", f"condition-{SENTINEL}"],
        "preferences": {"format": "any", "pressure": "any"},
        "note": SENTINEL,
    }
    assert client.post(url, good, "application/json").status_code == 200
    bad = {
        "goals": [f"unknown-{SENTINEL}", EMAIL],
        "conditions": [SENTINEL],
        "preferences": {"format": SENTINEL, SENTINEL: EMAIL},
        "email": EMAIL,
    }
    assert client.post(url, bad, "application/json").status_code == 400
    assert client.post(url, "{" + SENTINEL, "application/json").status_code == 400
    token_url = "/api/v1/auth/token/"
    refused = client.post(token_url, {"username": EMAIL, "password": PASSWORD}, "application/json")
    assert refused.status_code == 400
    UserFactory(username=STAFF_EMAIL, email=STAFF_EMAIL, password=STAFF_PASSWORD)
    issued = client.post(
        token_url, {"username": STAFF_EMAIL, "password": STAFF_PASSWORD}, "application/json"
    )
    assert issued.status_code == 200
    return [issued.json()["token"]]


def fail_a_staff_login(client) -> None:
    data = {"username": EMAIL, "password": PASSWORD, "otp_token": "123456"}
    assert client.post(reverse("admin:login"), data).status_code == 200


def test_no_answer_email_password_or_token_reaches_the_logs(client, seeded, logs):
    connection.force_debug_cursor = True  # as with DEBUG on: every SQL statement is logged
    try:
        tokens = walk_the_public_journey(client)
        tokens += call_the_api(client)
        fail_a_staff_login(client)
    finally:
        connection.force_debug_cursor = False

    text = logs.text()
    assert "Not Found: /results/saved/[redacted]/" in text  # the capture works
    assert "AXES: New login failure" in text
    assert_clean(text, *tokens, f"goal-{SENTINEL}", f"condition-{SENTINEL}")


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the live server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_web_servers_request_log_holds_no_saved_result_link(
    live_server, transactional_db, logs, monkeypatch
):
    from django.core.servers.basehttp import WSGIRequestHandler
    from django.test.testcases import QuietWSGIRequestHandler

    # The live server is quiet by default; make it log requests as runserver does.
    monkeypatch.setattr(QuietWSGIRequestHandler, "log_message", WSGIRequestHandler.log_message)
    saved = SavedResult.objects.create(
        answers={"goals": [f"goal-{SENTINEL}"], "conditions": {}, "format": "any"},
        catalogue_version="test",
    )
    statuses = [
        status_of(live_server.url + path)
        for path in (f"/results/saved/{saved.token}/", f"/results/saved/{SENTINEL}/")
    ]

    assert statuses == [200, 404]
    text = logs.text()
    assert '"GET /results/saved/[redacted]/ HTTP/1.1" 200' in text  # the capture works
    assert_clean(text, saved.token)


def test_every_console_line_is_one_json_object(client, seeded, logs):
    client.get("/no-such-page/")
    logging.getLogger("wellness").error("Boom", exc_info=ValueError("from test"))

    lines = [json.loads(line) for line in logs.console.getvalue().splitlines()]

    not_found = next(line for line in lines if line["message"] == "Not Found: /no-such-page/")
    assert set(not_found) == {"time", "level", "logger", "message", "status"}
    assert not_found["level"] == "WARNING" and not_found["status"] == 404
    boom = next(line for line in lines if line["message"] == "Boom")
    assert "ValueError: from test" in boom["error"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /results/saved/abc_DEF-123/ 200", "GET /results/saved/[redacted]/ 200"),
        ("POST /results/saved/abc/delete/", "POST /results/saved/[redacted]/delete/"),
        ("login by jo.bloggs+x@nhs.example.net", "login by [email]"),
        (
            "Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
            "Authorization: Token [redacted]",
        ),
        ("password=hunter2&otp_token=123456", "password=[redacted]&otp_token=[redacted]"),
        ("Not Found: /therapies/cbt/", "Not Found: /therapies/cbt/"),
    ],
)
def test_redact_blanks_links_emails_and_credentials_only(text, expected):
    assert redact(text) == expected
