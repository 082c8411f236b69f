"""Settings, read from the environment (``DJANGO_SETTINGS_MODULE=wellness.settings``).

Each module holds one concern and defines each of its settings once, in its final form:

- ``base``: paths, the environment, apps, middleware, templates, database, cache, static files,
  language;
- ``security``: HTTPS, cookies, the content and permissions policies, staff sessions, lock-outs,
  two-step verification, public form rates, upload limits;
- ``api``: the REST API, API tokens, its schema, body limits, the per-process cache;
- ``celery``: Celery, background jobs and their schedule, the link checker, Crossref;
- ``product``: crisis region, saved results, the About page, source review;
- ``logging``: the whole logging configuration.

Whether the result is fit to run is decided by the system checks (``wellness/checks.py``), not
here: ``manage.py check``, ``migrate`` and ``runserver`` refuse on an error, and so do the WSGI and
ASGI applications with DEBUG off.
"""

from wellness.settings.api import *  # noqa: F403
from wellness.settings.base import *  # noqa: F403
from wellness.settings.celery import *  # noqa: F403
from wellness.settings.logging import *  # noqa: F403
from wellness.settings.product import *  # noqa: F403
from wellness.settings.security import *  # noqa: F403
