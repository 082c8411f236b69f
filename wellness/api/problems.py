"""Errors as RFC 9457 problem details (``application/problem+json``) everywhere under ``/api/``.

Every error the API gives has the same shape: ``type``, ``title``, ``status``, ``detail`` and, for
invalid input, ``errors`` naming each bad field and what is allowed. No stack trace and nothing the
person sent about their health is ever put in a problem: messages about screening answers name
the position of the answer, never its value. The objects themselves are built by
``wellness.http.problem`` (and ``problem_response`` outside DRF's views), as everywhere else.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from evidence.services import CurationError, ReviewError
from wellness.http import PROBLEM_MEDIA_TYPE, problem, problem_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Problem types with meaning beyond their status code; the rest are "about:blank" (RFC 9457 4.2.1).
INVALID_INPUT = "urn:wellness:problem:invalid-input"
CONFLICT = "urn:wellness:problem:conflict"

BODY = "body"  # the field name of an error about the request body as a whole


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="The bad field, e.g. `goals[1]` or `preferences.format`; `body` for the whole."
    )
    message = serializers.CharField(help_text="What is wrong and what is allowed.")


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem details object."""

    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField(help_text="A short summary of the kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong this time, in plain words.")
    # A declared field: DRF's metaclass takes it out of the class, so Serializer.errors stays.
    errors = FieldErrorSerializer(  # type: ignore[assignment]
        many=True, required=False, help_text="Only for invalid input: one entry per problem."
    )


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "too_large"


def field_errors(detail: Any, field: str = "") -> Iterator[dict[str, str]]:
    """Flatten DRF's nested error detail into ``{field, message}`` pairs with dotted names."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                name = field
            elif isinstance(key, int):
                name = f"{field}[{key}]"
            else:
                name = f"{field}.{key}" if field else str(key)
            yield from field_errors(value, name)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                # A list of nested errors: each entry is about the item at that position.
                yield from field_errors(item, f"{field}[{index}]")
            else:
                yield {"field": field or BODY, "message": str(item)}
    else:
        yield {"field": field or BODY, "message": str(detail)}


def _protected_detail(exc: ProtectedError | RestrictedError) -> str:
    objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    counts: dict[str, int] = {}
    for obj in objects:
        name = str(obj._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + 1
    uses = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
    return f"This record is still used by {uses}. Change or remove those first."


def _translate(exc: Exception) -> dict[str, Any] | None:
    """Return the problem for an exception of ours or of the database that DRF does not know."""
    if isinstance(exc, ProtectedError | RestrictedError):
        return problem(409, _protected_detail(exc), type_=CONFLICT, title="Still in use")
    if isinstance(exc, ReviewError):
        return problem(409, str(exc), type_=CONFLICT, title="Review step not allowed")
    if isinstance(exc, CurationError):
        return problem(409, str(exc), type_=CONFLICT, title="Curation step not allowed")
    if isinstance(exc, RequestDataTooBig):
        # RequestBodyLimitMiddleware answers these before a view runs; this keeps a 413 if not.
        return problem(413, "The request body is too large.")
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return problem(400, "The request body has too many parts.")
    if isinstance(exc, IntegrityError):
        # Validation catches these first; a race between two writers can still get here.
        return problem(
            409, "This change conflicts with another record. Reload and try again.", type_=CONFLICT
        )
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every exception raised in an API view with a problem."""
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is down: the middleware answers 503 problem+json for the whole request.
        return None
    translated = _translate(exc)
    headers: dict[str, str] = {}
    if translated is not None:
        body = translated
        set_rollback()
    else:
        response = drf_exception_handler(exc, context)
        if response is None:
            # Log the failure for us (no request body, no locals) and tell the client nothing more.
            view = context.get("view")
            logger.error(
                "Unhandled %s in %s", type(exc).__name__, type(view).__name__, exc_info=exc
            )
            body = problem(500, "Something went wrong on our side. Please try again later.")
            set_rollback()
        else:
            kept = ("WWW-Authenticate", "Retry-After")
            headers = {k: v for k, v in response.items() if k in kept}
            body = _problem_for(exc, response.status_code)
    request = context.get("request")
    if request is not None:
        # Whatever the view renders normally (HTML for the docs page), a problem is JSON.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_MEDIA_TYPE
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_MEDIA_TYPE)


def _problem_for(exc: Exception, status: int) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            400,
            "Some of what you sent is not valid. Each entry in errors says what to fix.",
            title="Invalid input",
            type_=INVALID_INPUT,
            errors=list(field_errors(exc.detail)),
        )
    if isinstance(exc, Http404):
        detail = "Nothing was found at this address."
    elif isinstance(exc, DjangoPermissionDenied):
        detail = str(exceptions.PermissionDenied.default_detail)
    elif isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str):
        detail = str(exc.detail)
    else:
        detail = http.HTTPStatus(status).description
    if isinstance(exc, exceptions.ParseError):
        return problem(400, detail, title="Invalid input", type_=INVALID_INPUT)
    return problem(status, detail)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer an address under the API that names no endpoint."""
    detail = "There is no API endpoint at this address. The endpoints are listed at /api/v1/docs/."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            detail = f"Did you mean {request.path}/? Every API address ends with a slash."
    return problem_response(404, detail)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Give API clients a problem and everyone else Django's 404 page (``handler404``)."""
    if _is_api(request):
        return problem_response(404, "Nothing was found at this address.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Give API clients a problem and everyone else Django's 500 page (``handler500``)."""
    if _is_api(request):
        return problem_response(500, "Something went wrong on our side. Please try again later.")
    return defaults.server_error(request)
