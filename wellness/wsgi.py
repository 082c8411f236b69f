"""The WSGI application (``gunicorn wellness.wsgi``); with DEBUG off it refuses to start on an
error of the system checks, which servers do not run (wellness/checks.py)."""

import os

from django.core.wsgi import get_wsgi_application

from wellness.checks import refuse_to_start_on_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellness.settings")
application = get_wsgi_application()

refuse_to_start_on_errors()
