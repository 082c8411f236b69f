"""Settings come from the environment, and production mode fails fast with one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 50

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'cache': settings.CACHES['default']['BACKEND'], 'eager': settings.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': settings.CELERY_BROKER_URL, 'debug': settings.DEBUG, "
    "'name': str(settings.DATABASES['default']['NAME'])}))"
)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean["DJANGO_SETTINGS_MODULE"] = "wellness.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_with(**env: str) -> dict:
    result = run_python(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_needs_no_configuration():
    found = settings_with()

    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].endswith("var/wellness.sqlite3")
    assert found["cache"].endswith("LocMemCache")
    assert found["eager"] is True
    assert found["debug"] is True


def test_database_url_switches_to_postgresql():
    found = settings_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/wellness")

    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "wellness"


def test_redis_url_switches_cache_and_broker_to_redis():
    found = settings_with(REDIS_URL="redis://127.0.0.1:6379/3")

    assert found["cache"].endswith("RedisCache")
    assert found["broker"] == "redis://127.0.0.1:6379/3"
    assert found["eager"] is False


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
    ],
    ids=["no-secret-key", "weak-secret-key", "no-allowed-hosts"],
)
def test_production_refuses_to_start_with_one_line_naming_the_setting(env, named):
    result = run_python("import django; django.setup()", **env)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_production_starts_when_configured():
    found = settings_with(DEBUG="false", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="example.org")

    assert found["debug"] is False
