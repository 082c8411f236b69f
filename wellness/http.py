"""Answers built the same way wherever they are given: RFC 9457 problem details, and responses
that no browser or cache on the way may keep.

Plain Django only (no REST framework, no models), so middleware, health checks, the security
controls and the API can all use it without an import cycle.
"""

from __future__ import annotations

import http
from typing import Any, TypeVar

from django.http import HttpResponseBase, JsonResponse

PROBLEM_MEDIA_TYPE = "application/problem+json"

Response = TypeVar("Response", bound=HttpResponseBase)


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    **extra: Any,
) -> dict[str, Any]:
    """Return a problem details object: ``type``, ``title``, ``status``, ``detail``, then extras.

    ``type_`` is the RFC's ``type`` member: a URI naming the kind of problem, ``about:blank`` when
    the status code says it all; the title is then the status code's phrase unless given.
    """
    return {
        "type": type_,
        "title": title or http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    **extra: Any,
) -> JsonResponse:
    """Return a plain Django response carrying a problem (for code outside the API's views)."""
    body = problem(status, detail, title=title, type_=type_, **extra)
    return JsonResponse(body, status=status, content_type=PROBLEM_MEDIA_TYPE)


def no_store(response: Response) -> Response:
    """Mark ``response`` as never to be kept by the browser or any cache; return it.

    For pages and answers that show what a person told us. Exactly ``no-store``: it alone forbids
    keeping a copy, and the tests hold every such response to it.
    """
    response["Cache-Control"] = "no-store"
    return response
