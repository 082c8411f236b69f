"""Health endpoints for load balancers and orchestrators.

``/healthz`` says the process is alive and touches nothing else. ``/readyz`` says whether it can
serve: the database, the cache and the broker each answer, or the reply is 503 as problem+json
naming what is down. Neither needs a login, and neither says more than up or down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import current_app
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wellness.http import problem_response

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2


def _database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Drop a broken persistent connection, so the next request opens a fresh one.
        connection.close_if_unusable_or_obsolete()
        raise


def _cache() -> None:
    cache.set("readyz", "ok", 10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("the cache did not keep a value")


def _broker() -> None:
    app = current_app
    if app.conf.task_always_eager:
        return  # the embedded default runs tasks in-process: there is no broker to reach
    with app.connection_for_write() as connection:
        # kombu documents interval_step as a float of seconds; its stubs say int.
        connection.ensure_connection(
            max_retries=1,
            interval_start=0,
            interval_step=0.5,  # type: ignore[arg-type]
            timeout=TIMEOUT_SECONDS,
        )


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 while the process can answer at all."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Answer 200 when the database, cache and broker all answer; 503 naming those that do not."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means not ready
            logger.warning("Readiness check %s failed: %s", name, error)
            results[name] = "down"
        else:
            results[name] = "ok"
    down = [name for name, result in results.items() if result != "ok"]
    if not down:
        return JsonResponse({"status": "ok", "checks": results})
    response = problem_response(
        503,
        f"Not ready: {', '.join(down)} {'is' if len(down) == 1 else 'are'} down.",
        title="Service unavailable",
        checks=results,
    )
    response["Retry-After"] = "10"
    return response
