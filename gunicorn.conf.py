"""gunicorn settings for production: ``gunicorn wellness.wsgi`` reads this file from the repo root.

Everything comes from the environment, with defaults for one small machine:

- ``GUNICORN_BIND`` (default ``127.0.0.1:8000``; a proxy or load balancer sits in front),
- ``WEB_CONCURRENCY`` worker processes (default: 2 × CPU cores + 1, at most 8),
- ``GUNICORN_THREADS`` per worker (default 1: plain sync workers; the work is CPU-bound Python),
- ``GUNICORN_TIMEOUT`` seconds before a stuck worker is restarted (default 30),
- ``GUNICORN_ACCESS_LOG`` (default ``-``, standard output; empty turns it off).

The access log holds the method, the path *without its query string*, the status, the size and
the time taken: never a query string, a body, a cookie, a referrer or the client's address.
Query strings can carry filters people typed, and the answers travel in bodies
(docs/architecture.md §4).
"""

import gc
import logging
import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "wellness.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # used by gthread workers; sync workers close
# A worker is replaced after this many requests (spread, so they do not all restart at once):
# a slow leak then costs a restart, not an outage. 0 turns it off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = max_requests // 10

# Import the app once in the master: workers start faster and share its memory pages.
preload_app = True
# The worker heartbeat files live in memory, not on a possibly slow container disk; gunicorn
# makes them with mkstemp, so a shared directory is safe.
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# %(U)s is the path alone; %(r)s, %(q)s, %(f)s, %(a)s and %(h)s would add the query string,
# the referrer, the user agent and the address.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a proxy on the same host only; set FORWARDED_ALLOW_IPS for one elsewhere.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker) -> None:
    """Build (or fetch) the catalogue snapshot before the first request, then freeze the heap.

    The first request would otherwise wait for the build. Freezing moves everything alive now,
    the snapshot included, out of the cyclic garbage collector's way: a full collection would
    walk several hundred thousand objects (~130 ms at the large catalogue) for nothing.
    """
    try:
        from wellness.selectors import catalogue_snapshot

        catalogue_snapshot()
    except Exception:
        # A worker without a warm snapshot still serves: the first request builds it.
        logging.getLogger("gunicorn.error").warning(
            "Could not warm the catalogue snapshot", exc_info=True
        )
    gc.collect()
    gc.freeze()


SAVED_RESULT = re.compile(r"^(/results/saved/)[^/]+")


class RedactingLogger(Logger):
    """Keep saved-result links out of the access log: each one is the key to stored answers."""

    def access(self, resp, req, environ, request_time):
        path = SAVED_RESULT.sub(r"\1[redacted]", environ.get("PATH_INFO", ""))
        super().access(resp, req, {**environ, "PATH_INFO": path}, request_time)


logger_class = RedactingLogger
