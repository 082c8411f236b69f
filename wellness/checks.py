"""System checks for a public deployment (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


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
