"""Security settings: HTTPS, cookies, the Content-Security-Policy and Permissions-Policy, staff
sessions, passwords and lock-outs (django-axes), two-step verification, public form rates and
upload limits.

What the app promises and the test behind each promise: README "Security" and SAFETY.md. The
middleware and apps these settings drive are listed in ``wellness/settings/base.py``; the code is
in ``wellness/security/``.
"""

from wellness.settings.base import DEBUG, env

# HTTPS. In production every request is redirected to https (load balancers' health probes
# excepted), cookies travel over https only and browsers are told to use nothing else (HSTS).
# Behind a proxy that ends TLS, name the header it sets, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (only if the proxy always overwrites it).
# Anything but a header and a value is an error of the system checks (wellness/checks.py).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
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
# framing, forms post only to us. The API docs page alone also allows data: images
# (wellness.security.headers.ContentSecurityPolicyMiddleware says why).
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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

# Two-step verification (django-otp, TOTP, with backup codes): required in the admin and the API
# of superusers and every staff member who may change anything (docs/architecture.md §5). Who
# has no app yet sets one up in the admin after the password, within this many minutes (else
# the unconfirmed app is discarded); `manage.py add_totp_device <username>` enrols one for them.
OTP_TOTP_ISSUER = "Wellness catalogue"
STAFF_TWO_STEP_SET_UP_MINUTES = env.int("STAFF_TWO_STEP_SET_UP_MINUTES", default=10)

# Public forms: requests per client address, counted in the default cache (Redis in production).
PUBLIC_FORM_RATES = {
    "questions": env.str("RATE_QUESTIONS", default="120/minute"),
    "results": env.str("RATE_RESULTS", default="30/minute"),
    "save": env.str("RATE_SAVE", default="20/hour"),
}
# Request bodies outside the API (forms; the API has API_MAX_BODY_BYTES), file parts and chunked
# bodies counted too (wellness.security.limits.RequestBodyLimitMiddleware). The largest admin
# form (a source's page, which edits its findings, harms and rules at once: about 20 fields a
# finding) is far below both; a larger body is answered with templates/413.html. nginx's
# client_max_body_size is the same number (deploy/nginx/wellness.conf.template).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=512 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)
# No form takes a file, the admin's included: a file part is refused (400) before it is read,
# so none is ever kept in memory or written to a temporary file.
FILE_UPLOAD_HANDLERS = ["wellness.security.limits.RefuseFileUploads"]
