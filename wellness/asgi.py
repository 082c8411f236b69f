"""The ASGI application; with DEBUG off it refuses to start on an error of the system checks,
which servers do not run (wellness/checks.py)."""

import os

from django.core.asgi import get_asgi_application

from wellness.checks import refuse_to_start_on_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellness.settings")
application = get_asgi_application()

refuse_to_start_on_errors()
