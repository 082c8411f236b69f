"""Middleware of the web layer: a plain 503 page, not a traceback, while the database cannot be
reached; and a 404 for addresses holding characters no database can store.
"""

from __future__ import annotations

import logging
import re

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template import loader

from wellness.http import no_store, problem_response

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into a 503 the person can understand.

    The page is static (no database, no request context), so it renders while the database is
    down; the API gets the same answer as problem+json.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # The error names hosts and databases: logged for staff, never shown.
        logger.error("Database unavailable for %s", request.path, exc_info=exception)
        if request.path.startswith("/api/"):
            response: HttpResponse = problem_response(
                503,
                "The service cannot reach its database. Please try again soon.",
                title="Service unavailable",
            )
        else:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return no_store(response)


# NUL is the one character PostgreSQL refuses in text. Surrogate code points cannot be written as
# UTF-8 at all; a query string with broken UTF-8 decodes to U+FFFD, not to them, but a path may
# carry them through Django's percent-decoding of the path.
_REFUSED = re.compile("[\x00\ud800-\udfff]")


class RefusedCharactersMiddleware:
    """Answer 404 for an address whose path or query holds a character no database can store.

    No address of ours holds one, so 404 is the honest answer; and checked here, once, no view,
    admin search or filter ever sends one to the database (PostgreSQL refuses NUL with an error,
    where SQLite finds nothing). The API gets its problem+json 404 from ``handler404``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _REFUSED.search(request.path) or any(
            _REFUSED.search(key) or any(_REFUSED.search(value) for value in values)
            for key, values in request.GET.lists()
        ):
            logger.info("Address with a refused character answered 404")
            raise Http404("This address holds a character that no address of ours has.")
        return self.get_response(request)
