"""The project's frame: paths, the environment, apps, middleware, templates, database, cache,
static files and language.

With nothing set, the app runs on its embedded default: SQLite in ``var/``, a local-memory cache.
``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` to Redis as cache (and as Celery's
broker, ``wellness/settings/celery.py``). ``DEBUG`` off is production: the system checks in
``wellness/checks.py`` then refuse to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from pathlib import Path

import environ

from wellness.checks import DEVELOPMENT_SECRET_KEY as _DEVELOPMENT_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# A .env file is read only when asked for: in production the environment alone decides, and a
# forgotten file on a server cannot quietly change what it runs with. Set variables take
# precedence over the file.
if env.bool("READ_DOT_ENV_FILE", default=False):
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

# With DEBUG off both stay as given: an empty or weak key and an empty host list are errors of
# the system checks (wellness/checks.py). The development key signs nothing that outlives a run.
SECRET_KEY = env.str("SECRET_KEY", default="") or (_DEVELOPMENT_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or (
    ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)

INSTALLED_APPS = [
    # django.contrib.admin, with StaffAdminSite as admin.site (two-step verification).
    "wellness.security.staff.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens, kept as hashes; the model is wellness.ApiToken (KNOX_TOKEN_MODEL, api.py).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "outbox",
    "therapies",
    "evidence",
    "wellness",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Backup codes (wellness/security/two_step.py keeps only their hashes).
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Headers go on every response, static files included, so these sit before WhiteNoise.
    "wellness.security.headers.ContentSecurityPolicyMiddleware",
    "wellness.security.headers.SecurityHeadersMiddleware",
    # A path or query holding NUL is a 404 before anything (WhiteNoise, a view) looks it up.
    "wellness.middleware.RefusedCharactersMiddleware",
    # Every body is measured against its limit before anything reads it (a 413 keeps the
    # headers above).
    "wellness.security.limits.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Rate limits and body limits are checked before the CSRF check reads a body.
    "wellness.security.limits.PublicRequestLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Public pages answer a plain 503 page, not a traceback, while the database is unreachable.
    "wellness.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
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

_database = env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'wellness.sqlite3'}")
_sqlite = _database["ENGINE"] == "django.db.backends.sqlite3"
# A worker and the web process may share the SQLite file: take the write lock when a transaction
# starts, and wait for it, instead of failing with "database is locked".
_sqlite_options = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DATABASES = {
    "default": {
        **_database,
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": 0 if _sqlite else env.int("CONN_MAX_AGE", default=60),
        **({"OPTIONS": {**_database.get("OPTIONS", {}), **_sqlite_options}} if _sqlite else {}),
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A cache that cannot answer must fail fast, not hang a page (the snapshot falls back).
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

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

# `make bench` serves a bare view (a tiny JSON answer) to measure every page against, under the
# same server and middleware. Off unless asked for; never set it in production.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)
