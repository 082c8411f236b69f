"""Health endpoints, and the plain 503 page while the database cannot be reached."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection

from wellness import health

BASE_DIR = Path(__file__).resolve().parents[2]


def database_down(execute, sql, params, many, context):
    raise OperationalError('connection to server at "db" (10.0.0.5), port 5432 failed')


def test_healthz_answers_while_the_process_runs(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


def test_readyz_answers_200_when_everything_answers(db, client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


def test_readyz_names_a_database_that_is_down(db, client):
    with connection.execute_wrapper(database_down):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503
    assert body["detail"] == "Not ready: database is down."
    assert body["checks"] == {"database": "down", "cache": "ok", "broker": "ok"}
    assert "10.0.0.5" not in response.text


def test_readyz_names_a_cache_that_is_down(db, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(health.cache, "set", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "down"


def test_readyz_names_a_broker_that_is_down(db, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["detail"] == "Not ready: broker is down."


def test_readyz_names_everything_that_is_down(db, client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(health.cache, "get", lambda key: None)

    with connection.execute_wrapper(database_down):
        response = client.get("/readyz")

    assert response.json()["detail"] == "Not ready: database, cache, broker are down."


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_public_page_answers_a_plain_503_when_the_database_is_down(db, client, error):
    def down(*args):
        raise error("server closed the connection unexpectedly")

    with connection.execute_wrapper(down):
        response = client.get("/help-now/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "Sorry, the service is not available right now" in response.text
    assert "Samaritans" in response.text
    assert "server closed" not in response.text


def test_an_api_error_left_unhandled_answers_problem_json(db, client, settings):
    # The API's own exception handler may pass database errors on; the middleware answers them.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "EXCEPTION_HANDLER": "rest_framework.views.exception_handler",
    }
    with connection.execute_wrapper(database_down):
        response = client.get("/api/v1/goals/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Service unavailable"


def test_other_errors_are_left_to_the_usual_error_page(db, client):
    def bug(*args):
        raise ValueError("a bug")

    with connection.execute_wrapper(bug), pytest.raises(ValueError, match="a bug"):
        client.get("/help-now/")


def test_an_unreachable_postgresql_gets_the_503_page_and_not_ready(tmp_path):
    # A real lost database: another process configured with a PostgreSQL nobody listens on.
    script = """
import django
django.setup()
from django.test import Client
client = Client()
for path in ("/readyz", "/help-now/", "/healthz"):
    response = client.get(path)
    print(path, response.status_code, response["Content-Type"], response.content[:2000])
"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wellness.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "REDIS_URL": "",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = {line.split(" ", 1)[0]: line for line in result.stdout.splitlines()}

    assert lines["/readyz"].startswith("/readyz 503 application/problem+json")
    assert "database" in json.loads(eval(lines["/readyz"].split(" ", 3)[3]))["detail"]  # noqa: S307
    assert lines["/help-now/"].startswith("/help-now/ 503 text/html")
    assert "not available right now" in lines["/help-now/"]
    assert lines["/healthz"].startswith("/healthz 200")
