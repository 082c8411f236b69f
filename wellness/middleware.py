"""Answer a plain 503 page, not a traceback, while the database cannot be reached."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
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
