"""With production settings (DEBUG off), Django's deployment checks pass and HTTPS is enforced.

Each test starts a fresh Python with the environment production would have: settings are read
once, at start-up, so this is the only honest way to see them.
"""

import json
import os
import subprocess
import sys

from tests.wellness.test_settings import ROOT, START_WSGI, manage, run_python

# Django's check wants 50+ characters with some variety; this one is for tests only.
KEY = "test-only-0f5b8e1c9a7d4e2f8b6a3c1d9e7f5a3b1c8d6e4f2a0b"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": KEY,
    "ALLOWED_HOSTS": "wellness.example.org",
    # What the About page says about who pays and where to report a mistake (IPDAS).
    "PUBLISHER_FUNDING": "The clinic pays for this service from its own funds.",
    "CONTENT_CONTACT_EMAIL": "content@wellness.example.org",
}

PRINT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "names = ['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
    "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_PROXY_SSL_HEADER', 'SECURE_REFERRER_POLICY', 'X_FRAME_OPTIONS', "
    "'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY']; "
    "found = {n: getattr(settings, n) for n in names}; "
    "found['upgrade'] = settings.CONTENT_SECURITY_POLICY['DIRECTIVES']"
    "['upgrade-insecure-requests']; print(json.dumps(found))"
)


def settings_with(**env: str) -> dict:
    result = run_python(PRINT, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    # As a server would have it: no test-only switches (the browser tests set the async one).
    dropped = {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **PRODUCTION, **overrides},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deployment_checks_pass_with_production_settings():
    result = deploy_check()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deployment_checks_ask_who_funds_it_and_where_to_report_a_mistake():
    result = deploy_check(PUBLISHER_FUNDING="", CONTENT_CONTACT_EMAIL="")

    assert result.returncode != 0
    assert "wellness.W001" in result.stderr + result.stdout
    assert "wellness.W002" in result.stderr + result.stdout


def test_production_enforces_https_secure_cookies_and_hsts():
    found = settings_with(**PRODUCTION)

    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_HSTS_PRELOAD"] is True
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_HTTPONLY"] is True
    assert found["CSRF_COOKIE_HTTPONLY"] is True
    assert found["SECURE_REFERRER_POLICY"] == "same-origin"
    assert found["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert found["X_FRAME_OPTIONS"] == "DENY"
    assert found["upgrade"] is True


def test_the_redirect_can_be_switched_off_where_the_proxy_does_it():
    found = settings_with(**PRODUCTION, SECURE_SSL_REDIRECT="false")

    assert found["SECURE_SSL_REDIRECT"] is False


def test_the_proxys_https_header_comes_from_the_environment():
    found = settings_with(**PRODUCTION, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")

    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_malformed_proxy_header_stops_start_up_with_one_line():
    result = run_python(START_WSGI, **PRODUCTION, SECURE_PROXY_SSL_HEADER="https")

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Refusing to start with DEBUG off. wellness.E004: SECURE_PROXY_SSL_HEADER must be a "
        "header and a value. e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https"
    ]


def test_a_malformed_proxy_header_fails_the_checks_in_development_too():
    result = manage("check", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https,extra")

    assert result.returncode != 0
    assert "wellness.E004" in result.stderr


def test_development_neither_redirects_nor_sends_hsts():
    found = settings_with()

    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0
    assert found["SESSION_COOKIE_SECURE"] is False
    assert found["upgrade"] is False
