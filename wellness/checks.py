"""System checks: whether the settings are fit to run, and fit for a public deployment.

The errors (``wellness.E…``) run with every command that checks (``manage.py check``, ``migrate``,
``runserver``), so a misconfigured production refuses to start. gunicorn and other servers run
no checks, so the WSGI and ASGI applications call ``refuse_to_start_on_errors`` first. The
warnings tagged ``deploy`` (``wellness.W…``) run with ``check --deploy`` only.

This module reads the settings through ``django.conf.settings`` and imports nothing of
``wellness.settings``, which imports the development key from here.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# Only for the embedded default (DEBUG on): it signs nothing that outlives a local run.
DEVELOPMENT_SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105  # nosec B105
# As long as Django's own deployment check asks for (security.W009).
SECRET_KEY_MIN_LENGTH = 50


def _secret_key() -> str:
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to read an empty key
        return ""


@checks.register(checks.Tags.security)
def production_is_configured(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """With DEBUG off, refuse a missing, development or short key, no host names, and loopback.

    Production must be configured explicitly: these fail every command that checks, not only
    ``check --deploy``, because a server started without them is broken or unsafe.
    """
    if settings.DEBUG:
        return []
    problems: list[checks.CheckMessage] = []
    key = _secret_key()
    if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < SECRET_KEY_MIN_LENGTH:
        problems.append(
            checks.Error(
                "SECRET_KEY is missing, too short or the development key, and DEBUG is off.",
                hint=(
                    f"Set SECRET_KEY to a random value of at least {SECRET_KEY_MIN_LENGTH} "
                    "characters (as manage.py check --deploy expects)."
                ),
                id="wellness.E001",
            )
        )
    if not settings.ALLOWED_HOSTS:
        problems.append(
            checks.Error(
                "ALLOWED_HOSTS is empty, and DEBUG is off.",
                hint="Set ALLOWED_HOSTS to the host names the site is served on (comma-separated).",
                id="wellness.E002",
            )
        )
    if settings.LINK_CHECK_ALLOW_LOOPBACK:
        problems.append(
            checks.Error(
                "LINK_CHECK_ALLOW_LOOPBACK is on, and DEBUG is off: it is for tests only.",
                hint="Unset LINK_CHECK_ALLOW_LOOPBACK: the link checker must not reach this host.",
                id="wellness.E003",
            )
        )
    return problems


@checks.register(checks.Tags.security)
def proxy_ssl_header_is_well_formed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Refuse a ``SECURE_PROXY_SSL_HEADER`` that is not a header and a value.

    Django would otherwise fail on the first request that asks whether it came over https.
    """
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header is None:
        return []
    if isinstance(header, tuple | list) and len(header) == 2 and all(header):
        return []
    return [
        checks.Error(
            "SECURE_PROXY_SSL_HEADER must be a header and a value.",
            hint="e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https",
            id="wellness.E004",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def about_page_is_complete(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Warn when the About page cannot say who funds the service or where to report a mistake.

    A decision aid states its funding and how to report an error (IPDAS certification criteria).
    """
    problems: list[checks.CheckMessage] = []
    if not settings.PUBLISHER_FUNDING.strip():
        problems.append(
            checks.Warning(
                "PUBLISHER_FUNDING is not set: the About page cannot say who pays for the service.",
                hint="Set PUBLISHER_FUNDING to one or two plain sentences.",
                id="wellness.W001",
            )
        )
    if not settings.CONTENT_CONTACT_EMAIL.strip():
        problems.append(
            checks.Warning(
                "CONTENT_CONTACT_EMAIL is not set: people cannot report a mistake in the content.",
                hint="Set CONTENT_CONTACT_EMAIL to an address the catalogue team reads.",
                id="wellness.W002",
            )
        )
    return problems


def refuse_to_start_on_errors() -> None:
    """With DEBUG off, stop the server with one line if a system check finds an error.

    For the WSGI and ASGI applications, which servers load without running the checks. Warnings
    do not stop it (``check --deploy`` reports them). With DEBUG on, ``runserver`` checks itself.
    """
    if settings.DEBUG:
        return
    errors = [
        message
        for message in checks.run_checks(include_deployment_checks=False)
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        found = " ".join(f"{error.id}: {error.msg} {error.hint or ''}".strip() for error in errors)
        raise SystemExit(f"Refusing to start with DEBUG off. {found}")
