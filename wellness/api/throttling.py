"""Rate limits, counted in the default cache (Redis when ``REDIS_URL`` is set).

The rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on every request (DRF's own
classes read them once at import), so tests and deployments can change them; a rate of ``None``
switches a scope off.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _ScopedThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"Set a throttle rate for the {self.scope!r} scope.")
        return rates[self.scope]

    def cache_key_for(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}


class RecommendationThrottle(_ScopedThrottle):
    """Limit recommendations per client address (nobody logs in to ask for one)."""

    scope = "recommendations"

    def get_cache_key(self, request, view) -> str:
        return self.cache_key_for(self.get_ident(request))


class TokenThrottle(_ScopedThrottle):
    """Limit attempts to log in for a token per client address."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        return self.cache_key_for(self.get_ident(request))


class WriteThrottle(_ScopedThrottle):
    """Limit writes per user (or per address before authentication fails); reads are free."""

    scope = "writes"

    def get_cache_key(self, request, view) -> str | None:
        if request.method in SAFE_METHODS:
            return None
        user = request.user
        ident = f"user-{user.pk}" if user and user.is_authenticated else self.get_ident(request)
        return self.cache_key_for(ident)
