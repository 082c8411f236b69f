"""Settings, read from the environment.

With nothing set, the app runs on its embedded default: SQLite in ``var/``, tasks run eagerly,
a local-memory cache. ``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` to Redis as
broker and cache. With ``DEBUG`` off, a missing ``SECRET_KEY`` or ``ALLOWED_HOSTS`` stops start-up.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

# Only for the embedded default: it signs nothing that outlives a local run.
_DEV_SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105  # nosec B105
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

if not DEBUG:
    # Fail fast with one line rather than a traceback: production must be configured explicitly.
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise SystemExit(
            "Refusing to start with DEBUG off: set SECRET_KEY to a random value "
            "of at least 50 characters (as manage.py check --deploy expects)."
        )
    if not ALLOWED_HOSTS:
        raise SystemExit(
            "Refusing to start with DEBUG off: set ALLOWED_HOSTS to the host names "
            "this site is served on (comma-separated)."
        )
else:
    SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "therapies",
    "evidence",
    "wellness",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "wellness.urls"
WSGI_APPLICATION = "wellness.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'wellness.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from static/ in development, no collectstatic
if DEBUG:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names with far-future caching in production; plain files in development.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Celery: eager in the embedded default so no broker is needed; Redis when configured.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The region whose crisis lines are shown (ISO 3166 alpha-2: GB or US).
CRISIS_REGION = env.str("CRISIS_REGION", default="GB")

# How long a result saved on request is kept before it is deleted.
SAVED_RESULT_DAYS = env.int("SAVED_RESULT_DAYS", default=30)

# "About this information" (IPDAS certification criteria): who writes the information, who
# pays for the service, and where to report a mistake. `check --deploy` warns when the last two
# are missing, so a public deployment states them.
PUBLISHER_NAME = env.str("PUBLISHER_NAME", default="the clinic's catalogue and evidence team")
PUBLISHER_FUNDING = env.str("PUBLISHER_FUNDING", default="")
CONTENT_CONTACT_EMAIL = env.str("CONTENT_CONTACT_EMAIL", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- REST API (docs/architecture.md §7) ----------------------------------------------------------
# Staff authenticate with a session (the admin) or a token (rest_framework.authtoken).

REST_FRAMEWORK: dict = {
    # Token first, so an anonymous write is told how to authenticate (401 with WWW-Authenticate).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
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

# --- Background jobs (docs/architecture.md §6) ---------------------------------------------------
# Every job request is a row (evidence.JobRequest) written with the change that asks for it;
# the Celery message is sent on commit. A sweeper sends again what a lost message left behind.

# A task running when the broker connection drops finishes its work: its job row records the
# outcome, and if the broker hands the message out again the job is already done.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message a dead worker took is handed out again after this long. Keep it above the
    # longest task plus the longest retry delay, or a healthy job may run twice (harmless, wasted).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
}
if not REDIS_URL:
    # Eager tasks still pass through a producer; naming a host keeps kombu from warning each time.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
VAR_DIR.mkdir(exist_ok=True)

# How often a job may start (a retry, or a message delivered again) before it is marked failed.
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=5)
# Retry delays double from this, up to the maximum, with a little jitter.
JOB_RETRY_BACKOFF_SECONDS = env.float("JOB_RETRY_BACKOFF_SECONDS", default=30.0)
JOB_RETRY_BACKOFF_MAX_SECONDS = env.float("JOB_RETRY_BACKOFF_MAX_SECONDS", default=600.0)
# A waiting job overdue by this long is sent again; a running job, once past the task time limit.
JOB_STUCK_SECONDS = env.float("JOB_STUCK_SECONDS", default=300.0)
JOB_SWEEP_INTERVAL_SECONDS = env.float("JOB_SWEEP_INTERVAL_SECONDS", default=60.0)
# Finished jobs are kept this long; failed ones stay until a curator tries them again.
JOB_KEEP_DAYS = env.int("JOB_KEEP_DAYS", default=30)

CELERY_BEAT_SCHEDULE = {
    "check-source-links": {
        "task": "evidence.request_link_checks",
        "schedule": env.float("LINK_CHECK_INTERVAL_SECONDS", default=24 * 60 * 60),
    },
    "sweep-job-requests": {
        "task": "evidence.sweep_job_requests",
        "schedule": JOB_SWEEP_INTERVAL_SECONDS,
    },
    "purge-expired-saved-results": {
        "task": "wellness.request_saved_results_purge",
        "schedule": 60 * 60,
    },
}

# Link checks fetch only http(s) addresses on public networks (a guard against server-side
# request forgery). Tests switch on loopback to reach their own local server; never in production.
LINK_CHECK_TIMEOUT = env.float("LINK_CHECK_TIMEOUT", default=5.0)
LINK_CHECK_MAX_REDIRECTS = 5
LINK_CHECK_ALLOW_LOOPBACK = env.bool("LINK_CHECK_ALLOW_LOOPBACK", default=False)
if LINK_CHECK_ALLOW_LOOPBACK and not DEBUG:
    raise SystemExit("Refusing to start with DEBUG off: LINK_CHECK_ALLOW_LOOPBACK is for tests.")

# Citation details by DOI from a Crossref-compatible JSON API: GET <base><DOI>.
CROSSREF_API_URL = env.str("CROSSREF_API_URL", default="https://api.crossref.org/works/")
CROSSREF_TIMEOUT = env.float("CROSSREF_TIMEOUT", default=10.0)
# Crossref answers polite clients (a contact address in the User-Agent) more reliably.
CROSSREF_MAILTO = env.str("CROSSREF_MAILTO", default="")

# A published source not reviewed for this long is listed as due for review on the dashboard.
SOURCE_REVIEW_MAX_AGE_DAYS = env.int("SOURCE_REVIEW_MAX_AGE_DAYS", default=365)

if REDIS_URL:
    # A cache that cannot answer must fail fast, not hang a page (the snapshot falls back).
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 2, "socket_timeout": 2}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A worker and the web process may share the SQLite file: take the write lock when a
    # transaction starts, and wait for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# Public pages answer a plain 503 page, not a traceback, while the database is unreachable.
MIDDLEWARE += ["wellness.middleware.DatabaseUnavailableMiddleware"]

# --- Benchmarks ------------------------------------------------------------------------------
# `make bench` serves a bare view (a tiny JSON answer) to measure every page against, under the
# same server and middleware. Off unless asked for; never set it in production.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

# --- Security ---------------------------------------------------------------------------------
# What the app promises and the test behind each promise: README "Security" and SAFETY.md.
# The list edits below (+= / insert) are to be folded into INSTALLED_APPS and MIDDLEWARE above.

# admin.site is StaffAdminSite (two-step verification).
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "wellness.security.staff.StaffAdminConfig"
)
INSTALLED_APPS += ["csp", "django_otp", "django_otp.plugins.otp_totp", "axes"]

# Headers go on every response, static files included, so these sit before WhiteNoise.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "wellness.security.headers.ContentSecurityPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("wellness.security.headers.ContentSecurityPolicyMiddleware") + 1,
    "wellness.security.headers.SecurityHeadersMiddleware",
)
# Rate limits and body limits are checked before the CSRF check reads a body.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"),
    "wellness.security.limits.PublicRequestLimitsMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as django-axes asks

# HTTPS. In production every request is redirected to https (load balancers' health probes
# excepted), cookies travel over https only and browsers are told to use nothing else (HSTS).
# Behind a proxy that ends TLS, name the header it sets, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (only if the proxy always overwrites it).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise SystemExit(
            "SECURE_PROXY_SSL_HEADER must be a header and a value, "
            "e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True  # no page script reads it
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): our own origin only, no inline script or style, no
# framing, forms post only to us. The API docs page alone also allows its own inline blocks by
# hash and data: images (wellness.security.headers.ContentSecurityPolicyMiddleware says why).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "upgrade-insecure-requests": not DEBUG,
    },
}
CSP_DOCS_PATHS = ["/api/v1/docs/"]
# Browser features no page uses, switched off (an empty list allows them nowhere).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}

# Staff sessions end after this long without a request (every request moves the end on), and
# when the browser closes. Members of the public have no session at all.
SESSION_COOKIE_AGE = env.int("STAFF_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed staff logins (the admin and POST /api/v1/auth/token/): after AXES_FAILURE_LIMIT
# failures for one username, or from one address, logins are refused for the cool-off time.
# Records of failures (username, address, browser, time) are deleted once it has passed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("STAFF_LOGIN_FAILURE_LIMIT", default=10)
STAFF_LOCKOUT_MINUTES = env.int("STAFF_LOCKOUT_MINUTES", default=15)
AXES_COOLOFF_TIME = STAFF_LOCKOUT_MINUTES / 60  # hours, as a float
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lock-out do not extend it: an attacker cannot keep a colleague locked out
# for longer than the cool-off by hammering their username.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # no record of successful logins (the privacy page says so)
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
AXES_CLIENT_IP_CALLABLE = "wellness.security.limits.client_ip"
AXES_LOCKOUT_CALLABLE = "wellness.security.staff.lockout_response"

# Two-step verification (django-otp, TOTP): required in the admin for superusers and whoever may
# publish or retract evidence; `manage.py add_totp_device <username>` enrols an app.
OTP_TOTP_ISSUER = "Wellness catalogue"

# Public forms: requests per client address, counted in the default cache (Redis in production).
PUBLIC_FORM_RATES = {
    "questions": env.str("RATE_QUESTIONS", default="120/minute"),
    "results": env.str("RATE_RESULTS", default="30/minute"),
    "save": env.str("RATE_SAVE", default="20/hour"),
}
# Request bodies Django parses (forms; the API has API_MAX_BODY_BYTES). The largest admin form
# (a source's page, which edits its findings, harms and rules at once: about 20 fields a
# finding) is far below both; a larger body is answered with templates/413.html.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=512 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)

# Logs: one JSON object a line (LOG_FORMAT=plain for reading locally), with saved-result links,
# e-mail addresses and credentials blanked out; SQL (whose parameters can be answers) is never
# logged, whatever LOG_LEVEL says. Django's own handlers are dropped so every line is structured.
LOGGING["filters"] = {"redact": {"()": "wellness.security.logs.RedactFilter"}}
LOGGING["formatters"]["json"] = {"()": "wellness.security.logs.JsonFormatter"}
LOGGING["handlers"]["console"].update(
    formatter=env.str("LOG_FORMAT", default="json"), filters=["redact"]
)
LOGGING["loggers"] = {
    "django": {"handlers": [], "level": "INFO", "propagate": True},
    "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    "django.request": {"filters": ["redact"]},
    "django.security.csrf": {"filters": ["redact"]},
    "django.db.backends": {"level": "INFO"},
    "axes": {"level": "WARNING"},  # failures and lock-outs; not every successful login
}
