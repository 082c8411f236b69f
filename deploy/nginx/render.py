#!/usr/bin/env python3
"""Write the nginx site file from ``wellness.conf.template``, filled in from the environment.

    WELLNESS_SERVER_NAME=wellness.example.org \\
    WELLNESS_TLS_CERTIFICATE=/etc/letsencrypt/live/wellness.example.org/fullchain.pem \\
    WELLNESS_TLS_CERTIFICATE_KEY=/etc/letsencrypt/live/wellness.example.org/privkey.pem \\
    WELLNESS_STATIC_ROOT=/srv/wellness/var/staticfiles \\
    python3 deploy/nginx/render.py > /etc/nginx/sites-available/wellness

Only ``${WELLNESS_...}`` names are filled in (nginx's own ``$variables`` are left alone); a name
with no value and no default stops it, naming what is missing. Plain Python, nothing to install.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("wellness.conf.template")

# None: must be given. The rest are what one machine with nginx and gunicorn on it needs.
DEFAULTS: dict[str, str | None] = {
    "WELLNESS_SERVER_NAME": None,
    "WELLNESS_TLS_CERTIFICATE": None,
    "WELLNESS_TLS_CERTIFICATE_KEY": None,
    "WELLNESS_STATIC_ROOT": None,  # the app's STATIC_ROOT, after `manage.py collectstatic`
    "WELLNESS_UPSTREAM": "127.0.0.1:8000",  # GUNICORN_BIND
    "WELLNESS_HTTP_PORT": "80",
    "WELLNESS_HTTPS_PORT": "443",
    "WELLNESS_CLIENT_TIMEOUT": "10s",
    "WELLNESS_LOG_DIR": "/var/log/nginx",
}
PLACEHOLDER = re.compile(r"\$\{(WELLNESS_[A-Z_]+)\}")


def render(values: dict[str, str]) -> str:
    """Return the template with every placeholder filled in; ValueError names any missing."""
    text = TEMPLATE.read_text()
    names = set(PLACEHOLDER.findall(text))
    unknown = names - DEFAULTS.keys()
    if unknown:
        raise ValueError(f"The template uses names render.py does not know: {sorted(unknown)}")
    filled = {name: values.get(name) or DEFAULTS[name] for name in names}
    missing = sorted(name for name, value in filled.items() if not value)
    if missing:
        raise ValueError(f"Set these first: {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: str(filled[match.group(1)]), text)


if __name__ == "__main__":
    try:
        sys.stdout.write(render(dict(os.environ)))
    except ValueError as error:
        sys.exit(f"render.py: {error}")
