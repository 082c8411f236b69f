"""Security controls Django has no setting for, in one place (SAFETY.md lists their tests).

- Response headers: ``Permissions-Policy`` (and two Django sets but cannot reach everywhere),
  and the Content-Security-Policy (django-csp) with one narrow exception for the API docs page.
- Public forms: a rate limit per client counted in the shared cache (429 page with
  ``Retry-After``), and request bodies past Django's size limits answered with a plain page.
- Staff: the admin site that demands two-step verification from whoever may publish evidence,
  its login form, and the staff lock-out page (django-axes).
- Logs: one JSON object a line, with saved-result links, e-mail addresses and credentials
  blanked out before anything is written.

This module is imported while Django loads its apps (``StaffAdminConfig`` is named in
``INSTALLED_APPS``), so it imports no models at module level.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import logging
import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

from wellness.http import no_store

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# --- Client address -----------------------------------------------------------------------------


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


# --- Response headers ---------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Add the headers Django has no setting or no reach for.

    ``Permissions-Policy`` switches off browser features no page uses. ``X-Frame-Options`` is
    also set here because static files leave through WhiteNoise before Django's clickjacking
    middleware sees them. drf-spectacular loosens ``Cross-Origin-Opener-Policy`` on the docs
    page for OAuth2 sign-in pop-ups, which this API does not use, so it is put back.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if request.path_info in settings.CSP_DOCS_PATHS:
            response["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the one documented relaxation: the API docs page.

    Swagger UI (from drf-spectacular-sidecar, served from our own static files, its start-up
    script a file of its own) draws its icons from ``data:`` images in its stylesheet. On
    ``CSP_DOCS_PATHS`` alone the policy allows ``data:`` images; no inline code anywhere, no other
    origin, and every other page keeps the strict policy.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and request.path_info in settings.CSP_DOCS_PATHS
            and response.get("Content-Type", "").startswith("text/html")
        ):
            parts.update = {**(parts.update or {}), "img-src": ["'self'", "data:"]}
        return parts


# --- Public form limits -------------------------------------------------------------------------

# Which views are limited, and in which bucket. Unsafe methods only, except a saved result, whose
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


def _too_large(request: HttpRequest, *, status: int) -> HttpResponse:
    body = render_to_string("413.html", {"too_many_fields": status == 400}, request=request)
    return no_store(HttpResponse(body, status=status))


class PublicRequestLimitsMiddleware:
    """Limit how often a client may post the public forms, and how much any form may send.

    Listed before ``CsrfViewMiddleware``, whose ``process_view`` is the first to read a body: the
    limit is checked before any body is read, and an oversized or over-long body is answered
    here with a page instead of Django's bare 400. The API keeps its own limits (DRF throttles
    and ``LimitedJSONParser``, which answer in problem+json).
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
        scope = THROTTLED_VIEWS.get(match.url_name) if match else None
        if scope and (request.method in UNSAFE_METHODS or match.url_name in THROTTLED_ON_GET):
            retry_after = rate_limit_hit(scope, client_ip(request) or "unknown", self.rates[scope])
            if retry_after is not None:
                return too_many_requests(request, retry_after)
        if request.method in UNSAFE_METHODS:
            try:
                request.POST  # noqa: B018 - parse now, so a limit is answered with a page
            except RequestDataTooBig:
                logger.warning("Request body too large for %s", request.path)
                return _too_large(request, status=413)
            except (TooManyFieldsSent, TooManyFilesSent):
                logger.warning("Too many form fields for %s", request.path)
                return _too_large(request, status=400)
        return None


# --- Staff: two-step verification and lock-out --------------------------------------------------


def requires_two_factor(user) -> bool:
    """Return whether this staff member must use two-step verification to reach the admin.

    Superusers, and whoever may publish or retract evidence (the Evidence curators group): the
    people whose mistake or stolen password would change what the public is told is true.
    Catalogue editors may enrol a device; once they have one, they must use it.
    """
    return bool(
        user.is_superuser
        or user.has_perm("evidence.publish_source")
        or user.has_perm("evidence.retract_source")
    )


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    return bool(is_verified and is_verified())


class StaffAdminSite(AdminSite):
    """The admin site, reachable by curators and superusers only after two-step verification."""

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return _is_verified(request.user) or not requires_two_factor(request.user)

    @property
    def login_form(self):  # AdminSite reads this class attribute; built late, see below
        return staff_login_form()


class StaffAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``StaffAdminSite`` as ``admin.site`` (as Django documents)."""

    default_site = "wellness.security.StaffAdminSite"


@functools.cache
def staff_login_form() -> type:
    """Return the admin login form that also takes the code from an authenticator app.

    Built on first use, not at import: auth's forms import models, and this module is loaded
    before the models are.
    """
    from django import forms
    from django.contrib.admin.forms import AdminAuthenticationForm
    from django.contrib.auth.signals import user_login_failed
    from django_otp import devices_for_user, user_has_device, verify_token

    class StaffLoginForm(AdminAuthenticationForm):
        otp_token = forms.CharField(
            label="Code from your authenticator app",
            required=False,
            max_length=16,
            strip=True,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        )
        error_messages = {
            **AdminAuthenticationForm.error_messages,
            "otp_required": (
                "Enter the 6-digit code from your authenticator app. Your account needs "
                "two-step verification."
            ),
            "otp_not_enrolled": (
                "Your account needs two-step verification, but no authenticator app is set up "
                "for it yet. Ask an administrator to run: manage.py add_totp_device %(username)s"
            ),
            "otp_invalid": "That code is not right, or it has expired. Enter the newest code.",
        }

        def confirm_login_allowed(self, user) -> None:
            super().confirm_login_allowed(user)
            token = (self.cleaned_data.get("otp_token") or "").replace(" ", "")
            has_device = user_has_device(user)
            if requires_two_factor(user) and not has_device:
                raise forms.ValidationError(
                    self.error_messages["otp_not_enrolled"],
                    code="otp_not_enrolled",
                    params={"username": user.get_username()},
                )
            if not token:
                if has_device:
                    raise forms.ValidationError(
                        self.error_messages["otp_required"], code="otp_required"
                    )
                return
            for device in devices_for_user(user):
                verified = verify_token(user, device.persistent_id, token)
                if verified is not None:
                    # django_otp stores the device in the session when login() runs.
                    user.otp_device = verified
                    return
            # A wrong code counts as a failed login, so guessing codes also ends in a lock-out.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=self.request
            )
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")

    return StaffLoginForm


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """Answer a locked-out staff login (``AXES_LOCKOUT_CALLABLE``) with the 429 page."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request) or timedelta(minutes=15)
    return too_many_requests(request, int(cool_off.total_seconds()), staff=True)


def purge_expired_login_failures() -> int:
    """Delete the records of failed staff logins whose lock-out time has passed; return how many.

    django-axes deletes them itself at the next login attempt; the hourly purge job calls this so
    that they are gone on time even when nobody logs in (the privacy page promises it).
    """
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.utils import timezone

    cool_off = get_cool_off() or timedelta(minutes=15)
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - cool_off).delete()
    return deleted


# --- Logs ---------------------------------------------------------------------------------------

_REDACTIONS = [
    # A saved result's link is the only key to the answers kept behind it.
    (re.compile(r"(/results/saved/)[^/\s\"'?#]+"), r"\1[redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b(Token|Bearer|Basic)\s+[\w.~+/=-]+", re.IGNORECASE), r"\1 [redacted]"),
    (
        re.compile(r"\b(password|passwd|otp_token|token|sessionid|csrftoken)=[^\s&;,]+", re.I),
        r"\1=[redacted]",
    ),
]


def redact(text: str) -> str:
    """Blank out what a log must never hold: saved-result links, e-mail addresses, credentials."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    """Rewrite a record's message with ``redact`` before any handler sees it.

    On the console handler it covers every record; on the ``django.request``, ``django.server``
    and ``django.security.csrf`` loggers (which log request paths) it also covers the records
    other handlers, such as pytest's, receive.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object a line: time, level, logger, message, status, error.

    Only these fields: never the request object or other extras a library attaches, which can
    carry cookies, headers and bodies.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
