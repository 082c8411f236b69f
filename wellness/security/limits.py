"""Limits on what a client may send: how often, and how much.

- ``client_ip``: the client's address, the same for the API, the public forms and the lock-out.
- ``Rate``, ``rate_limit_hit``: a fixed-window count per client in the shared cache.
- ``too_many_requests``: the 429 page (crisis lines included); also the staff lock-out's page.
- ``RequestBodyLimitMiddleware``: every request body measured against its limit before
  anything reads it, chunked ones included; 413 past it, 400 for one that cannot be read.
- ``RefuseFileUploads``: no form takes a file, so a file part is refused (400) unread.
- ``PublicRequestLimitsMiddleware``: the public forms' rate limits, and request bodies past
  Django's field limits answered with the 413 page (or 400 for too many fields or a file).
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

from wellness.http import no_store, problem_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, trusting ``X-Forwarded-For`` only behind known proxies.

    The same rule as DRF's throttles (``REST_FRAMEWORK["NUM_PROXIES"]``), so the API, the public
    forms and the staff lock-out all count the same client. None if there is no valid address
    (django-axes stores it in an IP address column).
    """
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = request.META.get("REMOTE_ADDR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


# --- Public form limits ------------------------------------------------------------------------

# GET is limited too so its unguessable link cannot be guessed by brute force either.
THROTTLED_VIEWS = {
    "questions-goals": "questions",
    "questions-condition": "questions",
    "questions-health": "questions",
    "questions-preferences": "questions",
    "questions-values": "questions",
    "questions-clear": "questions",
    "questions-restore": "questions",
    "results": "results",
    "doctor-note": "results",
    "saved-result": "results",
    "results-save": "save",
    "saved-result-delete": "save",
}
THROTTLED_ON_GET = frozenset({"saved-result"})

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Read a rate written as DRF reads them: ``30/minute``, ``10/hour``, ``5/s``."""
        count, _, period = text.partition("/")
        return cls(int(count), _PERIODS[period.strip()[0]])


def rate_limit_hit(scope: str, ident: str, rate: Rate, *, now: float | None = None) -> int | None:
    """Count one request; return the seconds to wait if this one is over the limit, else None.

    A fixed window per client, counted in the default cache (Redis in production, shared by every
    web process). The address is hashed first, so the cache holds no client addresses. If the
    cache cannot answer, the request goes through: a broken cache must not close the service.
    """
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    client = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{client}:{window}"
    try:
        count = _count(key, timeout=rate.seconds + 1)
    except Exception:
        logger.warning("Rate limit not counted: the cache did not answer", exc_info=True)
        return None
    if count <= rate.count:
        return None
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def _count(key: str, *, timeout: int) -> int:
    """Add one to the counter under ``key`` and return it; it expires ``timeout`` s after."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip instead of three (add, then incr's exists and incrby): on a busy site
        # every throttled request pays for it. Setting the expiry again on each count is
        # harmless: the window is in the key, so a count never outlives its window by more
        # than ``timeout``.
        redis_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(redis_key, write=True)
        with client.pipeline() as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, timeout)
            count, _ = pipe.execute()
        return count
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def too_many_requests(
    request: HttpRequest, retry_after: int, *, staff: bool = False
) -> HttpResponse:
    """Return the friendly 429 page, crisis lines included: a throttled crisis answer needs them."""
    from django.db import DatabaseError

    from therapies.models import CrisisContact

    try:
        contacts = list(CrisisContact.objects.filter(region=settings.CRISIS_REGION))
    except DatabaseError:
        contacts = []  # the page still says to call the local emergency number
    body = render_to_string(
        "429.html",
        {
            "retry_after_minutes": max(1, math.ceil(retry_after / 60)),
            "staff": staff,
            "contacts": contacts,
        },
        request=request,
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return no_store(response)


def _refused(request: HttpRequest, *, status: int, reason: str) -> HttpResponse:
    """Return the page for a body we will not read: ``reason`` picks its words (413.html)."""
    body = render_to_string("413.html", {"reason": reason}, request=request)
    return no_store(HttpResponse(body, status=status))


# --- Request bodies ----------------------------------------------------------------------------

# The header nginx sets when it refused a body itself and asks the app for the page to show
# (deploy/nginx/wellness.conf.template, ``@body_too_large``). A client that sends it only
# refuses its own request.
REFUSED_BY_PROXY_HEADER = "HTTP_X_WELLNESS_BODY_REFUSED"
_READ_PIECE = 64 * 1024


def body_limit(request: HttpRequest) -> int:
    """Return the most bytes a body to this address may hold.

    The API's own limit under ``/api/`` (a view may keep a lower one: ``LimitedJSONParser``),
    Django's form limit everywhere else; nginx's ``client_max_body_size`` is the larger of the
    two (docs/architecture.md §1).
    """
    if request.path_info.startswith(API_PREFIX):
        return settings.API_MAX_BODY_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestBodyLimitMiddleware:
    """Measure every request body against its limit before anything reads it.

    Django reads a body only when something asks for it, then raises ``RequestDataTooBig`` from
    wherever that was (DRF's parsers, the CSRF check), and it reads a chunked body, which has no
    ``Content-Length``, as empty. So, first of all:

    - a declared ``Content-Length`` past the limit is answered 413 without reading a byte;
    - a chunked body is read here, at most the limit and one byte more: past the limit it is a
      413, otherwise the request goes on with that body and its length;
    - a length that is not a number, or a length and chunks at once, is a 400.

    The API is answered in problem+json, the site with the 413 page. Listed after the headers
    middleware, so these answers carry the security headers too. Behind nginx most of these
    never arrive (its ``client_max_body_size`` and timeouts); this holds without it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        """Return the answer to a body past its limit or unreadable, or None to go on."""
        limit = body_limit(request)
        if request.META.get(REFUSED_BY_PROXY_HEADER):
            return self.too_large(request, limit=limit)
        declared = request.META.get("CONTENT_LENGTH", "").strip()
        coding = request.META.get("HTTP_TRANSFER_ENCODING", "").strip().lower()
        if coding:
            if coding != "chunked" or declared:
                return self.unreadable(request)
            return self.read_chunked(request, limit=limit)
        if not declared:
            return None
        if not declared.isdigit():
            return self.unreadable(request)
        if int(declared) > limit:
            return self.too_large(request, limit=limit)
        return None

    def read_chunked(self, request: HttpRequest, *, limit: int) -> HttpResponse | None:
        """Read a chunked body (the server has already taken the chunks apart) up to the limit."""
        stream = request.META["wsgi.input"]
        pieces: list[bytes] = []
        size = 0
        while size <= limit:
            piece = stream.read(min(_READ_PIECE, limit + 1 - size))
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
        if size > limit:
            return self.too_large(request, limit=limit)
        body = b"".join(pieces)
        # From here on the body is an ordinary one of known length: Django's parsers, its size
        # checks and DRF all read CONTENT_LENGTH, and WSGIRequest reads its body from _stream.
        request.META["CONTENT_LENGTH"] = str(len(body))
        request._stream = io.BytesIO(body)
        return None

    @staticmethod
    def too_large(request: HttpRequest, *, limit: int) -> HttpResponse:
        logger.warning("Request body too large for %s", request.path)
        if request.path_info.startswith(API_PREFIX):
            return no_store(
                problem_response(413, f"The request body is larger than {limit:,} bytes.")
            )
        return _refused(request, status=413, reason="too_large")

    @staticmethod
    def unreadable(request: HttpRequest) -> HttpResponse:
        logger.warning("Request body length unreadable for %s", request.path)
        if request.path_info.startswith(API_PREFIX):
            return no_store(problem_response(400, "The request body's length could not be read."))
        return _refused(request, status=400, reason="unreadable")


class FilePartRefused(SuspiciousOperation):
    """A form sent a file. A suspicious operation, so wherever it is raised Django answers 400."""


class RefuseFileUploads(FileUploadHandler):
    """Refuse a form's file part as soon as its headers are read (``FILE_UPLOAD_HANDLERS``).

    No form of ours, the admin's included, takes a file; so a file is never kept in memory or
    written to a temporary file, however it is sent.
    """

    def new_file(self, *args, **kwargs) -> None:
        raise FilePartRefused("A form sent a file part; no form takes one")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:  # pragma: no cover
        return raw_data  # never reached: new_file refuses first

    def file_complete(self, file_size: int) -> None:  # pragma: no cover
        return None


# --- Public forms ------------------------------------------------------------------------------


class PublicRequestLimitsMiddleware:
    """Limit how often a client may post the public forms, and how much any form may send.

    Listed before ``CsrfViewMiddleware``, whose ``process_view`` is the first to read a body: the
    form is parsed here, so a form past Django's field limits, or one that sends a file, is
    answered with a page instead of Django's bare 400. Its size was checked before anything ran
    (``RequestBodyLimitMiddleware``). The API keeps its own limits (DRF throttles and
    ``LimitedJSONParser``, which answer in problem+json).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.rates = {scope: Rate.parse(text) for scope, text in settings.PUBLIC_FORM_RATES.items()}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.path_info.startswith(API_PREFIX):
            return None
        match = request.resolver_match
        name = match.url_name if match else None
        scope = THROTTLED_VIEWS.get(name) if name else None
        if scope and (request.method in UNSAFE_METHODS or name in THROTTLED_ON_GET):
            retry_after = rate_limit_hit(scope, client_ip(request) or "unknown", self.rates[scope])
            if retry_after is not None:
                return too_many_requests(request, retry_after)
        if request.method in UNSAFE_METHODS:
            try:
                request.POST  # noqa: B018 - parse now, so a limit is answered with a page
            except RequestDataTooBig:
                logger.warning("Request body too large for %s", request.path)
                return _refused(request, status=413, reason="too_large")
            except (TooManyFieldsSent, TooManyFilesSent):
                logger.warning("Too many form fields for %s", request.path)
                return _refused(request, status=400, reason="too_many_fields")
            except FilePartRefused:
                logger.warning("A form sent a file to %s", request.path)
                return _refused(request, status=400, reason="file")
        return None
