"""``make bench``, its set-up: the production environment, the database at each size, and
gunicorn with ``gunicorn.conf.py`` in its own process group (its workers' memory and load)."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent
# Every request says it came over https, as behind the TLS-terminating proxy production has.
PROXIED = {"X-Forwarded-Proto": "https"}


def origin(base: str) -> str:
    return base.replace("http://", "https://", 1)


def configure(port: int) -> None:
    """Set the production environment, for the server and for this process alike."""
    VAR.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wellness.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STATIC_ROOT=str(VAR / "static"),
        BENCH_BARE_VIEW="1",
        # Rate limits count every request as in production, but never refuse one: wrk is one
        # client, where production has many.
        API_RATE_RECOMMENDATIONS="1000000/second",
        RATE_QUESTIONS="1000000/second",
        RATE_RESULTS="1000000/second",
        WEB_CONCURRENCY=os.environ.get("BENCH_WORKERS", "2"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG=str(VAR / "access.log"),
        # As behind the TLS-terminating proxy production has: every request says it came over
        # https, so the site neither redirects it nor refuses its secure cookies.
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{VAR / 'bench.sqlite3'}")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def prepare(size: str, generate_args: list[str]) -> None:
    manage("migrate", "--noinput", "-v0")
    manage("load_catalogue")
    if size == "large":
        manage("generate_catalogue", *generate_args)
    else:
        manage("generate_catalogue", "--clear")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the repo's gunicorn.conf.py, in its own process group."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.log = open(VAR / "gunicorn.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {VAR / 'gunicorn.log'}")
            try:
                bare = urllib.request.Request(self.base + "/bench/bare/", headers=PROXIED)  # noqa: S310
                with urllib.request.urlopen(bare, timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer in {timeout:.0f} s")

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def memory_mb(self) -> list[tuple[float, float]]:
        """Return each worker's resident and proportional (shared pages split) size, in MB."""
        sizes = []
        for pid in self.workers():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            rss, pss = (
                int(re.search(rf"^{key}:\s+(\d+)", rollup, re.M).group(1)) / 1024
                for key in ("Rss", "Pss")
            )
            sizes.append((rss, pss))
        return sizes

    def wait_idle(self, timeout: float = 300) -> None:
        """Wait until no worker is busy: a slow endpoint's queued requests outlive its wrk run."""
        ticks = os.sysconf("SC_CLK_TCK")
        deadline = time.monotonic() + timeout

        def cpu() -> int:
            total = 0
            for pid in self.workers():
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += int(fields[11]) + int(fields[12])  # utime + stime
            return total

        while time.monotonic() < deadline:
            before = cpu()
            time.sleep(0.5)
            if cpu() - before <= ticks * 0.02:  # under 2 % of a core over half a second
                return
        raise SystemExit("gunicorn stayed busy after its load stopped")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
