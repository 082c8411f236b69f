"""Settings come from the environment, and production mode fails fast with one line.

Whether production is configured is decided by system checks (wellness/checks.py): every
command that checks refuses on their errors, and so does the web server's start-up (the WSGI and
ASGI applications), which is tested in a fresh Python as a server would start it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

from wellness.checks import (
    DEVELOPMENT_SECRET_KEY,
    production_is_configured,
    proxy_ssl_header_is_well_formed,
)

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 50

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'cache': settings.CACHES['default']['BACKEND'], 'eager': settings.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': settings.CELERY_BROKER_URL, 'debug': settings.DEBUG, "
    "'name': str(settings.DATABASES['default']['NAME'])}))"
)

# A server's start-up: it imports the application and never runs `manage.py check`.
START_WSGI = "import wellness.wsgi"
START_ASGI = "import wellness.asgi"

# With DEBUG off, each of these stops start-up; the error's id, and the setting it names.
MISCONFIGURED = {
    "no-secret-key": ({"ALLOWED_HOSTS": "example.org"}, "wellness.E001", "SECRET_KEY"),
    "weak-secret-key": (
        {"SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"},
        "wellness.E001",
        "SECRET_KEY",
    ),
    "development-secret-key": (
        {"SECRET_KEY": DEVELOPMENT_SECRET_KEY, "ALLOWED_HOSTS": "example.org"},
        "wellness.E001",
        "SECRET_KEY",
    ),
    "no-allowed-hosts": ({"SECRET_KEY": GOOD_KEY}, "wellness.E002", "ALLOWED_HOSTS"),
    "loopback-link-checks": (
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "example.org", "LINK_CHECK_ALLOW_LOOPBACK": "1"},
        "wellness.E003",
        "LINK_CHECK_ALLOW_LOOPBACK",
    ),
}


def run_python(code: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "LINK_CHECK_ALLOW_LOOPBACK",
            "READ_DOT_ENV_FILE",
        }
    }
    clean["DJANGO_SETTINGS_MODULE"] = "wellness.settings"
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python("", "manage.py", *args, **env)


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


@pytest.mark.parametrize(("env", "error_id", "named"), MISCONFIGURED.values(), ids=MISCONFIGURED)
def test_production_server_refuses_to_start_with_one_line_naming_the_setting(env, error_id, named):
    result = run_python(START_WSGI, DEBUG="false", **env)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Refusing to start with DEBUG off.")
    assert error_id in lines[0] and named in lines[0]
    assert "Traceback" not in result.stderr


def test_manage_py_commands_refuse_a_misconfigured_production():
    # Not only `check --deploy`: plain `check`, and so migrate and runserver, which check first.
    result = manage("check", DEBUG="false", LINK_CHECK_ALLOW_LOOPBACK="1")

    assert result.returncode != 0
    for error_id, named in [
        ("wellness.E001", "SECRET_KEY"),
        ("wellness.E002", "ALLOWED_HOSTS"),
        ("wellness.E003", "LINK_CHECK_ALLOW_LOOPBACK"),
    ]:
        assert f"{error_id}) {named}" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_asgi_application_refuses_to_start_too():
    result = run_python(START_ASGI, DEBUG="false", SECRET_KEY=GOOD_KEY)

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "wellness.E002" in result.stderr and "ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_configured():
    configured = {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "example.org"}
    found = settings_with(**configured)

    assert found["debug"] is False
    for start in (START_WSGI, START_ASGI):
        started = run_python(start, **configured)
        assert started.returncode == 0, started.stderr
        assert started.stderr == ""


def test_development_starts_with_no_configuration():
    started = run_python(START_WSGI)

    assert started.returncode == 0, started.stderr


def test_the_dot_env_file_is_read_only_when_asked_for():
    # The file itself is not touched: the test records what the settings ask django-environ for.
    code = (
        "import environ; read = []; "
        "environ.Env.read_env = classmethod(lambda cls, path=None, **kw: read.append(str(path))); "
        "import django; django.setup(); print(read)"
    )
    unasked = run_python(code)
    asked = run_python(code, READ_DOT_ENV_FILE="1")

    assert unasked.returncode == 0 and asked.returncode == 0, unasked.stderr + asked.stderr
    assert unasked.stdout.strip() == "[]"
    assert asked.stdout.strip() == repr([str(ROOT / ".env")])


# The checks themselves, in this process: each condition, and that development is left alone.


def error_ids(check) -> list[str]:
    return [message.id for message in check(None) if message.level >= checks.ERROR]


@pytest.mark.parametrize(
    "key",
    ["", "short", DEVELOPMENT_SECRET_KEY, "k" * 49],
    ids=["empty", "short", "development", "one-too-short"],
)
def test_a_missing_or_weak_key_is_an_error_with_debug_off(settings, key):
    settings.DEBUG = False
    settings.SECRET_KEY = key

    assert error_ids(production_is_configured) == ["wellness.E001"]


def test_a_production_configuration_has_no_error(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.ALLOWED_HOSTS = ["example.org"]
    settings.LINK_CHECK_ALLOW_LOOPBACK = False

    assert error_ids(production_is_configured) == []


def test_no_hosts_and_loopback_link_checks_are_errors_with_debug_off(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.ALLOWED_HOSTS = []
    settings.LINK_CHECK_ALLOW_LOOPBACK = True

    assert error_ids(production_is_configured) == ["wellness.E002", "wellness.E003"]


def test_development_needs_none_of_it(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = DEVELOPMENT_SECRET_KEY
    settings.ALLOWED_HOSTS = []
    settings.LINK_CHECK_ALLOW_LOOPBACK = True

    assert error_ids(production_is_configured) == []


@pytest.mark.parametrize(
    ("header", "errors"),
    [
        (None, []),
        (("HTTP_X_FORWARDED_PROTO", "https"), []),
        (("https",), ["wellness.E004"]),
        (("HTTP_X_FORWARDED_PROTO", "https", "extra"), ["wellness.E004"]),
        (("HTTP_X_FORWARDED_PROTO", ""), ["wellness.E004"]),
        ("HTTP_X_FORWARDED_PROTO", ["wellness.E004"]),
    ],
    ids=["unset", "header-and-value", "one-part", "three-parts", "empty-value", "a-string"],
)
def test_the_proxy_https_header_must_be_a_header_and_a_value(settings, header, errors):
    settings.SECURE_PROXY_SSL_HEADER = header

    assert error_ids(proxy_ssl_header_is_well_formed) == errors
