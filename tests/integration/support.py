"""Helpers for the integration tests: a private redis-server and Celery worker subprocesses."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")

# What every worker in these tests runs with: short timeouts and quick retries, loopback allowed
# so that link checks reach the local web server, and a beat that sweeps every second.
WORKER_ENV = {
    "LINK_CHECK_ALLOW_LOOPBACK": "1",
    "LINK_CHECK_TIMEOUT": "1",
    "JOB_MAX_ATTEMPTS": "3",
    "JOB_RETRY_BACKOFF_SECONDS": "0.2",
    "JOB_RETRY_BACKOFF_MAX_SECONDS": "1",
    "JOB_STUCK_SECONDS": "3",
    "JOB_SWEEP_INTERVAL_SECONDS": "1",
    "CELERY_VISIBILITY_TIMEOUT": "30",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "LOG_LEVEL": "INFO",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], *, timeout: float, what, every=0.1):
    """Poll until the condition holds; fail saying what did not happen in time."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(
                f"Timed out after {timeout:g}s waiting for {what() if callable(what) else what}"
            )
        time.sleep(every)


def _stop(process: subprocess.Popen, *, group: bool) -> None:
    if process.poll() is not None:
        return
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    try:
        send(signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


class RedisServer:
    """A redis-server of this test's own, with no persistence."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=5)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

        def answers() -> bool:
            try:
                return bool(self.client().ping())
            except Exception:  # not up yet
                return False

        wait_until(answers, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, group=False)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def queued(self, task: str | None = None) -> list[list]:
        """Return the arguments of the messages waiting in the default queue (for a task)."""
        found = []
        for raw in self.client().lrange("celery", 0, -1):
            message = json.loads(raw)
            if task is None or message["headers"]["task"] == task:
                args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                found.append(args)
        return found

    def unacked(self) -> int:
        return self.client().hlen("unacked")


def database_url() -> str:
    """Return a DATABASE_URL for this run's test database, for the worker processes."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.fail("The integration tests need a file SQLite test database (see conftest)")
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        user = settings["USER"] or ""
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        host = settings["HOST"] or "127.0.0.1"
        port = f":{settings['PORT']}" if settings["PORT"] else ""
        return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"
    pytest.fail(f"No worker database URL for {connection.vendor}")


class Worker:
    """A ``celery -A wellness worker`` subprocess (optionally with beat), in its own group."""

    count = 0

    def __init__(self, redis: RedisServer, directory: Path, env: dict[str, str]) -> None:
        Worker.count += 1
        self.name = f"worker{Worker.count}"
        self.log = directory / f"{self.name}.log"
        self.redis = redis
        self.directory = directory
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self, *, beat: bool = False) -> Worker:
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            "DJANGO_SETTINGS_MODULE": "wellness.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.redis.url,
            "CELERY_BEAT_SCHEDULE_FILENAME": str(self.directory / f"{self.name}-beat"),
            **WORKER_ENV,
            **self.env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "wellness", "worker",
            "--loglevel=INFO", "--pool=prefork", "--concurrency=2",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", f"{self.name}@%h",
        ]  # fmt: skip
        if beat:
            command.append("--beat")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so the pool dies with it
            )
        wait_until(
            lambda: self.process.poll() is not None or " ready." in self.output(),
            timeout=30,
            what=f"{self.name} to be ready",
        )
        assert self.process.poll() is None, f"{self.name} exited:\n{self.output()[-3000:]}"
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Kill the worker and its pool at once, as a crash or an OOM kill would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, group=True)
