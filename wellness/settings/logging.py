"""Logging: one JSON object a line (LOG_FORMAT=plain for reading locally), with saved-result
links, e-mail addresses and credentials blanked out (wellness.security.logs).

SQL (whose parameters can be answers) is never logged, whatever LOG_LEVEL says. Django's own
handlers are dropped so every line is structured.
"""

from wellness.settings.base import env

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "wellness.security.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="json"),
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "filters": {"redact": {"()": "wellness.security.logs.RedactFilter"}},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["redact"]},
        "django.security.csrf": {"filters": ["redact"]},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # failures and lock-outs; not every successful login
    },
}
