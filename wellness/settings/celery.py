"""Background job settings (docs/architecture.md §6): Celery, the job outbox's retries and
sweeps, the beat schedule, the link checker and citation import from Crossref.

Every job request is a row (outbox.JobRequest) written with the change that asks for it; the
Celery message is sent on commit. A sweeper sends again what a lost message left behind.
"""

from wellness.settings.base import REDIS_URL, VAR_DIR, env

# Eager in the embedded default so no broker is needed; Redis when configured. Eager tasks still
# pass through a producer; naming a host keeps kombu from warning each time.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
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

# A task running when the broker connection drops finishes its work: its job row records the
# outcome, and if the broker hands the message out again the job is already done.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message a dead worker took is handed out again after this long. Keep it above the
    # longest task plus the longest retry delay, or a healthy job may run twice (harmless, wasted).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
}
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)

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
        "task": "outbox.sweep_job_requests",
        "schedule": JOB_SWEEP_INTERVAL_SECONDS,
    },
    "purge-expired-saved-results": {
        "task": "wellness.request_saved_results_purge",
        "schedule": 60 * 60,
    },
}

# Link checks fetch only http(s) addresses on public networks (a guard against server-side
# request forgery). Tests switch on loopback to reach their own local server; with DEBUG off it
# is an error of the system checks (wellness/checks.py).
LINK_CHECK_TIMEOUT = env.float("LINK_CHECK_TIMEOUT", default=5.0)
LINK_CHECK_MAX_REDIRECTS = 5
LINK_CHECK_ALLOW_LOOPBACK = env.bool("LINK_CHECK_ALLOW_LOOPBACK", default=False)

# Citation details by DOI from a Crossref-compatible JSON API: GET <base><DOI>.
CROSSREF_API_URL = env.str("CROSSREF_API_URL", default="https://api.crossref.org/works/")
CROSSREF_TIMEOUT = env.float("CROSSREF_TIMEOUT", default=10.0)
# Crossref answers polite clients (a contact address in the User-Agent) more reliably.
CROSSREF_MAILTO = env.str("CROSSREF_MAILTO", default="")
