"""Integration fixtures: a private Redis, real Celery worker processes, a shared test database,
and the production web stack (nginx → gunicorn) in front of them.

Each test starts its own ``redis-server`` on a spare port (no persistence, so a restart loses
what was queued, as a real crash would) and its workers as subprocesses of ``celery -A wellness
worker``, pointed at that Redis and at this run's test database. The SQLite test database is a
file for these tests (see ``django_db_modify_db_settings`` in tests/conftest.py), since a worker
cannot see an in-memory one. ``start_web_stack`` starts nginx with the repository's own site
file in front of gunicorn with production settings (tests/integration/stack.py). Everything
started is stopped in ``finally``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.stack import NGINX, OPENSSL, Gunicorn, Nginx, collect_static
from tests.integration.support import REDIS_SERVER, RedisServer, Worker


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed, so no worker can run (apt-get install redis)")
    server = RedisServer(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def publish_to(settings):
    """Send this process's Celery messages to a Redis instead of running tasks eagerly."""
    from celery import current_app
    from kombu import pools

    def reset() -> None:
        # Celery keeps connection and producer pools per broker; drop them with the broker.
        pools.reset()
        current_app._pool = None
        amqp = current_app.__dict__.get("amqp")
        if amqp is not None:
            amqp._producer_pool = None

    def switch(redis: RedisServer) -> None:
        settings.CELERY_BROKER_URL = redis.url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        reset()

    try:
        yield switch
    finally:
        reset()


@pytest.fixture
def start_worker(transactional_db, redis_server, tmp_path, request):
    """Start workers on the test's Redis and database; stop them, and show their logs on failure.

    Depends on ``transactional_db``: workers see only committed rows, and must be gone before
    the database is emptied after the test.
    """
    workers: list[Worker] = []

    def start(*, beat: bool = False, **env: str) -> Worker:
        worker = Worker(redis_server, tmp_path, {k: str(v) for k, v in env.items()})
        workers.append(worker)
        return worker.start(beat=beat)

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            for worker in workers:
                print(f"--- {worker.name} log (tail) ---\n{worker.output()[-4000:]}")


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """The static files as ``collectstatic`` leaves them for production, once per run."""
    if NGINX is None:
        pytest.skip("nginx is not installed, so the web stack cannot run (apt-get install nginx)")
    root = tmp_path_factory.mktemp("staticfiles")
    collect_static(root)
    return root


@dataclass
class WebStack:
    nginx: Nginx
    gunicorn: Gunicorn
    redis: RedisServer


@pytest.fixture
def start_web_stack(transactional_db, redis_server, static_root, tmp_path, request):
    """Start gunicorn (production settings, one sync worker) and nginx in front of it.

    Call it with environment variables for the app, e.g. a throttle rate. Depends on
    ``transactional_db`` as the workers do: gunicorn sees only committed rows, and is stopped
    before the database is emptied. Shows both logs if the test fails.
    """
    if OPENSSL is None:
        pytest.skip(
            "openssl is not installed, so nginx gets no certificate (apt-get install openssl)"
        )
    started: list[Gunicorn | Nginx] = []

    def start(**env: str) -> WebStack:
        gunicorn = Gunicorn(tmp_path, redis=redis_server, static_root=static_root, **env)
        started.append(gunicorn)
        gunicorn.start()
        nginx = Nginx(tmp_path, upstream=gunicorn, static_root=static_root)
        started.append(nginx)
        nginx.start()
        return WebStack(nginx=nginx, gunicorn=gunicorn, redis=redis_server)

    try:
        yield start
    finally:
        for process in reversed(started):
            process.stop()
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            for process in started:
                if isinstance(process, Gunicorn):
                    print(f"--- gunicorn log (tail) ---\n{process.output()[-4000:]}")
                else:
                    print(f"--- nginx error log (tail) ---\n{process.error_log()[-4000:]}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
