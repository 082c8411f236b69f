"""Response headers Django has no setting or no reach for, and the Content-Security-Policy.

``SecurityHeadersMiddleware`` adds ``Permissions-Policy`` and puts ``X-Frame-Options`` and
``Cross-Origin-Opener-Policy`` where Django's own middleware cannot reach;
``ContentSecurityPolicyMiddleware`` is django-csp's, with the one documented relaxation for the
API docs page.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


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
