"""Rate limits, counted in the default cache (Redis when ``REDIS_URL`` is set).

The rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on every request (DRF's own
classes read them once at import), so tests and deployments can change them; a rate of ``None``
switches a scope off.

Each scope counts a fixed window per client, as the public pages' limits do
(``wellness.security.limits.rate_limit_hit``): one counter a client and window. DRF's own
throttles keep a list of every request's time, read and written whole on each request, so their
cost grows with the rate (at 1,000 a second, a third of a recommendation's time).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from wellness.security.limits import Rate, rate_limit_hit


class _ScopedThrottle(BaseThrottle):
    scope: str
    retry_after: int | None = None

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"Set a throttle rate for the {self.scope!r} scope.")
        # DRF's stubs type the rates as numbers; they are "count/period" strings (or None).
        return rates[self.scope]  # type: ignore[return-value]

    def counted(self, request, view) -> str | None:
        """Return who is counted (a client address or a user), or None for not counted."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        rate = self.get_rate()
        if rate is None:
            return True
        who = self.counted(request, view)
        if who is None:
            return True
        self.retry_after = rate_limit_hit(f"api-{self.scope}", who, Rate.parse(rate))
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


class RecommendationThrottle(_ScopedThrottle):
    """Limit recommendations per client address (nobody logs in to ask for one)."""

    scope = "recommendations"

    def counted(self, request, view) -> str:
        return self.get_ident(request)


class TokenThrottle(_ScopedThrottle):
    """Limit attempts to log in for a token per client address."""

    scope = "token"

    def counted(self, request, view) -> str:
        return self.get_ident(request)


class WriteThrottle(_ScopedThrottle):
    """Limit writes per user (or per address before authentication fails); reads are free."""

    scope = "writes"

    def counted(self, request, view) -> str | None:
        if request.method in SAFE_METHODS:
            return None
        user = request.user
        ident = f"user-{user.pk}" if user and user.is_authenticated else self.get_ident(request)
        return ident
