"""REST API settings (docs/architecture.md §7): Django REST Framework, API tokens (§5), the
OpenAPI schema and its docs page, request body limits, and how long a process keeps its own copy
of what it serves.
"""

from datetime import timedelta

from wellness.settings.base import env

# Staff authenticate with a session (the admin) or an API token (wellness/api/tokens.py).
REST_FRAMEWORK: dict = {
    # Token first, so an anonymous write is told how to authenticate (401 with WWW-Authenticate).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wellness.api.tokens.ApiTokenAuthentication",
        "wellness.api.tokens.StaffSessionAuthentication",
    ],
    # Deny by default: a view must say who may read it; model permissions (view included) decide.
    "DEFAULT_PERMISSION_CLASSES": ["wellness.api.permissions.ModelPermissions"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["wellness.api.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "wellness.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "wellness.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "wellness.api.problems.exception_handler",
    # Rates per client (IP for the public, user for staff), counted in the default cache.
    "DEFAULT_THROTTLE_RATES": {
        "recommendations": env.str("API_RATE_RECOMMENDATIONS", default="30/minute"),
        "writes": env.str("API_RATE_WRITES", default="120/minute"),
        "token": env.str("API_RATE_TOKEN", default="10/minute"),
    },
    # Trust X-Forwarded-For only behind that many proxies; 0 means the peer address decides.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# API tokens (docs/architecture.md §5): one a login, kept as a hash (django-rest-knox). A token
# stops working after this many hours unused, and this many days after it was issued, however
# often it is used; either way its owner asks for a new one with their password (and code).
API_TOKEN_IDLE_HOURS = env.int("API_TOKEN_IDLE_HOURS", default=8)
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=7)
KNOX_TOKEN_MODEL = "wellness.ApiToken"  # noqa: S105  # nosec B105 (a model name)
REST_KNOX: dict = {
    # The header stays "Authorization: Token <token>", as with the tokens before.
    "AUTH_HEADER_PREFIX": "Token",
    # Only knox's own token creation reads this; ours passes its expiry (wellness/api/tokens.py).
    "TOKEN_TTL": timedelta(hours=API_TOKEN_IDLE_HOURS),
}
# knox's own migrations would make a table for its default token model, which is replaced here.
MIGRATION_MODULES = {"knox": None}

# Largest request body the API reads (bytes); the recommendation answers are small.
API_MAX_BODY_BYTES = 64 * 1024
API_RECOMMENDATION_MAX_BODY_BYTES = 16 * 1024

SPECTACULAR_SETTINGS: dict = {
    "TITLE": "Wellness recommender API",
    "DESCRIPTION": (
        "Published therapies, goals, screening questions, crisis lines and evidence, and the "
        "recommendation endpoint that the results page uses. Staff write with a token or a "
        "session. Errors are RFC 9457 problem details (`application/problem+json`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Request and response shapes differ (read-only fields), so describe them apart.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TherapyKindEnum": "therapies.models.Therapy.Kind",
        "CertaintyEnum": "evidence.models.Certainty",
        "SafetyEffectEnum": "evidence.models.SafetyRule.Effect",
        "RegionEnum": "therapies.models.CrisisContact.Region",
        "TherapyPressureEnum": "therapies.models.Therapy.Pressure",
        "HarmLevelEnum": "evidence.models.Harm.Level",
        "PreferredPressureEnum": ["any", "gentle", "firm"],
        # A card's warnings and its strictest advice ("gate") share one set: ask first, take care.
        "CardAdviceEnum": ["clearance", "caution"],
    },
    # The docs page loads Swagger UI from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    # Paths as plain text, not links inside the expand button: nested controls are announced
    # badly by screen readers (axe "nested-interactive"). Examples in plain colours: the
    # highlighter's fall below WCAG AA contrast.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# How long a process may reuse the catalogue's change marker before asking the database again:
# a change made in another process shows within this many seconds (0: ask on every request).
CATALOGUE_MARKER_MAX_AGE = env.float("CATALOGUE_MARKER_MAX_AGE", default=1.0)
# Bytes of rendered browse pages and API reads each process keeps a copy of, besides the shared
# cache (wellness/process_cache.py).
PROCESS_CACHE_MAX_BYTES = env.int("PROCESS_CACHE_MAX_BYTES", default=8 * 1024 * 1024)
