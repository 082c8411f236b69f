"""``make bench``: the site under gunicorn with production settings, driven by wrk, at two sizes.

For each size (the seed catalogue, then the seed plus a large synthetic one) this prepares the
database (migrate, load the seed, generate or clear the synthetic records), starts gunicorn with
``gunicorn.conf.py`` (two workers, DEBUG off, PostgreSQL and Redis when ``DATABASE_URL`` and
``REDIS_URL`` are set, else SQLite in ``var/bench/``), warms every endpoint, then drives each one
with wrk in turn. The bare view (``BENCH_BARE_VIEW=1``: a tiny JSON answer through the same
middleware) runs in the same server, so every endpoint reads as a share of its throughput H.
wrk cannot count SQL queries, so each endpoint is also requested in this process with Django's
test client against the same database, and its queries are counted once warm.

Run ``python -m tests.benchmarks.web --help`` for the options; ``make bench`` runs both sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench"
LUA = Path(__file__).with_name("wrk.lua")
BIN = Path(sys.executable).parent

# The answers each size is asked for. At the large size a synthetic goal stands for a typical
# one (about 200 therapies have evidence for it); "sleep" is also asked, because the seed's
# finding about massage as a whole makes every one of the 5,000 synthetic massages match it.
ANSWERS = {
    "seeded": {"goals": ["sleep"], "conditions": ["pregnancy"]},
    "large": {
        "goals": ["synthetic-goal-050"],
        "conditions": ["pregnancy", "synthetic-condition-001"],
    },
}
THERAPY = "swedish-massage"
PROXIED = {"X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    body: bytes = b""
    content_type: str = ""
    form: bool = False  # an HTML form post: needs the CSRF cookie and token, as a browser sends
    results: bool = False  # a results page: needs the answers cookie the results POST sets
    target: float | None = None  # the least requests/s as a share of H
    max_queries: int | None = None


@dataclass
class Measure:
    endpoint: Endpoint
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    queries: int = 0
    answer_kb: float = 0.0
    errors: int = 0
    extra: dict = field(default_factory=dict)


def endpoints(size: str) -> list[Endpoint]:
    answers = ANSWERS[size]
    api_body = json.dumps({**answers, "preferences": {"format": "any", "pressure": "any"}}).encode()
    recommendation_target = 0.5 if size == "seeded" else 0.33
    chosen = [
        Endpoint("bare view (H)", "GET", "/bench/bare/"),
        Endpoint("home page", "GET", "/"),
        Endpoint("questionnaire step", "GET", "/questions/goals/"),
        Endpoint("therapy list page", "GET", "/therapies/", target=0.33),
        Endpoint("therapy page", "GET", f"/therapies/{THERAPY}/"),
        Endpoint("results page", "GET", "/results/", results=True, target=0.33),
        Endpoint(
            "API recommendations",
            "POST",
            "/api/v1/recommendations/",
            api_body,
            "application/json",
            target=recommendation_target,
            max_queries=1,
        ),
        Endpoint("API therapy list", "GET", "/api/v1/therapies/", target=0.5),
        Endpoint("API therapy detail", "GET", f"/api/v1/therapies/{THERAPY}/", target=0.5),
    ]
    if size == "large":
        sleep = json.dumps({"goals": ["sleep"], "conditions": ["pregnancy"]}).encode()
        chosen.append(
            Endpoint(
                "API recommendations, sleep",
                "POST",
                "/api/v1/recommendations/",
                sleep,
                "application/json",
                max_queries=1,
            )
        )
    return chosen


# --- Set-up ----------------------------------------------------------------------------------


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


def origin(base: str) -> str:
    return base.replace("http://", "https://", 1)


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


# --- Requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    body: bytes
    content_type: str
    cookie: str


def prepare_requests(base: str, size: str, chosen: list[Endpoint]) -> dict[str, Prepared]:
    """Return each endpoint's body and headers; a form gets a real CSRF cookie and token."""
    from wellness.answers import to_token

    answers = ANSWERS[size]
    token = to_token(
        {
            "goals": answers["goals"],
            "conditions": dict.fromkeys(answers["conditions"], "yes"),
            "format": "any",
            "pressure": "any",
        }
    )
    # As a browser does: read a page with a form for the CSRF cookie and the form's token.
    page = urllib.request.Request(base + "/questions/goals/", headers=PROXIED)  # noqa: S310
    with urllib.request.urlopen(page, timeout=30) as response:  # noqa: S310
        html = response.read().decode()
        cookie = next(
            c.split(";", 1)[0]
            for c in response.headers.get_all("Set-Cookie")
            if c.startswith("csrftoken=")
        )
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "answers": token}).encode()
    results_cookie = _results_cookie(base, form, cookie)
    prepared = {}
    for e in chosen:
        if e.form:
            prepared[e.name] = Prepared(form, "application/x-www-form-urlencoded", cookie)
        elif e.results:
            prepared[e.name] = Prepared(b"", "", results_cookie)
        else:
            prepared[e.name] = Prepared(e.body, e.content_type, "")
    return prepared


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _results_cookie(base: str, form: bytes, csrf_cookie: str) -> str:
    """Post the answers as the check page does, and return the results cookie it sets."""
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        base + "/results/",
        data=form,
        method="POST",
        headers={
            **PROXIED,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf_cookie,
            "Origin": origin(base),
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:  # the 303, not followed
        response = error
    return next(
        c.split(";", 1)[0]
        for c in response.headers.get_all("Set-Cookie")
        if c.startswith("wellness_results=")
    )


def check(base: str, endpoint: Endpoint, prepared: Prepared) -> None:
    """Stop unless the endpoint answers 200 to exactly what wrk will send."""
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        base + endpoint.path,
        data=prepared.body or None,
        method=endpoint.method,
        headers={
            **PROXIED,
            **{
                k: v
                for k, v in (("Content-Type", prepared.content_type), ("Cookie", prepared.cookie))
                if v
            },
            **({"Origin": origin(base)} if endpoint.form else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, b""
    if status != 200:
        raise SystemExit(f"{endpoint.name}: {endpoint.method} {endpoint.path} answered {status}")
    if endpoint.results and b'id="summary"' not in body:
        raise SystemExit(f"{endpoint.name}: the answers cookie did not bring the results")


def wrk(base: str, endpoint: Endpoint, prepared: Prepared, seconds: int, connections: int) -> dict:
    body_file = VAR / "body"
    body_file.write_bytes(prepared.body)
    env = {
        **os.environ,
        "BENCH_METHOD": endpoint.method,
        "BENCH_BODY_FILE": str(body_file) if prepared.body else "",
        "BENCH_CONTENT_TYPE": prepared.content_type,
        "BENCH_COOKIE": prepared.cookie,
        # A browser posting a form over https says where from; CSRF protection checks it.
        "BENCH_ORIGIN": origin(base) if endpoint.form else "",
    }
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        base + endpoint.path,
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in output.splitlines() if ln.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def count_queries(chosen: list[Endpoint], prepared: dict[str, Prepared]) -> dict[str, tuple]:
    """Return each endpoint's SQL queries once warm, and the size of its answer, in-process."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # The worst case: a request that reads the change marker, as one does each
    # CATALOGUE_MARKER_MAX_AGE; the others in between run none.
    settings.CATALOGUE_MARKER_MAX_AGE = 0
    client = Client()
    counts = {}
    for endpoint in chosen:
        request = prepared[endpoint.name]
        client.cookies.clear()
        client.cookies.load(request.cookie)  # as the browser's Cookie header holds them

        def send(endpoint=endpoint, request=request):
            return client.generic(
                endpoint.method,
                endpoint.path,
                data=request.body,
                content_type=request.content_type or "application/octet-stream",
                secure=True,
            )

        send()  # warm: this process's snapshot, caches and connection
        with CaptureQueriesContext(connection) as queries:
            response = send()
        if response.status_code != 200:
            raise SystemExit(f"{endpoint.name} answered {response.status_code} in-process")
        if endpoint.results and b'id="summary"' not in response.content:
            raise SystemExit(f"{endpoint.name}: no results in-process (the answers cookie?)")
        counts[endpoint.name] = (len(queries), len(response.content))
    connections.close_all()
    return counts


# --- The run ---------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split(":", 1)[1].strip()
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    cache = "redis" if os.environ.get("REDIS_URL") else "local memory"
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory} memory; Python {platform.python_version()}; "
        f"database {database}, cache {cache}; "
        f"gunicorn {os.environ['WEB_CONCURRENCY']} sync workers"
    )


def run_size(size: str, args: argparse.Namespace, port: int) -> list[Measure]:
    base = f"http://127.0.0.1:{port}"
    chosen = endpoints(size)
    load_before = os.getloadavg()[0]
    print(f"\n== {size} catalogue: preparing the database", flush=True)
    prepare(size, args.generate_args)
    server = Server(base)
    try:
        server.wait_ready()
        server.wait_idle()
        started = server.memory_mb()  # before any request but the bare view's
        prepared = prepare_requests(base, size, chosen)
        for endpoint in chosen:
            check(base, endpoint, prepared[endpoint.name])
        server.wait_idle()
        print("== warming every endpoint", flush=True)
        for endpoint in chosen:
            # Two connections reach both workers; more would queue slow requests for minutes.
            wrk(base, endpoint, prepared[endpoint.name], args.warm, 2)
            server.wait_idle()
        measures = []
        for endpoint in chosen:
            print(f"== {endpoint.name}", flush=True)
            result = wrk(base, endpoint, prepared[endpoint.name], args.duration, args.connections)
            server.wait_idle()
            measures.append(
                Measure(
                    endpoint,
                    rps=result["requests"] / (result["duration_us"] / 1e6),
                    p50_ms=result["p50_us"] / 1000,
                    p99_ms=result["p99_us"] / 1000,
                    errors=result["socket_errors"] + result["status_errors"] + result["timeouts"],
                )
            )
        memory = {"started": started, "after": server.memory_mb()}
    finally:
        server.stop()
    for measure, (queries, size_bytes) in zip(
        measures, count_queries(chosen, prepared).values(), strict=True
    ):
        measure.queries, measure.answer_kb = queries, size_bytes / 1024
    print_table(size, measures, memory)
    print(
        f"load average (1 min) before this size: {load_before:.2f}; at its end: "
        f"{os.getloadavg()[0]:.2f} (this run adds ~2; more means other work shared the CPUs)"
    )
    return measures


def print_table(size: str, measures: list[Measure], memory: dict[str, list]) -> None:
    h = measures[0].rps
    print(f"\n{size} catalogue — {machine()}")
    header = (
        f"{'endpoint':<28} {'req/s':>8} {'× H':>6} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'SQL/req':>7} {'answer KB':>9}  target"
    )
    print(header)
    print("-" * len(header))
    for m in measures:
        ratio = m.rps / h if h else 0.0
        goals = []
        if m.endpoint.target is not None:
            goals.append(
                ("met" if ratio >= m.endpoint.target else "NOT met")
                + f" (≥ {m.endpoint.target} × H)"
            )
        if m.endpoint.max_queries is not None:
            ok = m.queries <= m.endpoint.max_queries
            goals.append(("met" if ok else "NOT met") + f" (≤ {m.endpoint.max_queries} query)")
        if m.errors:
            goals.append(f"{m.errors} errors")
        print(
            f"{m.endpoint.name:<28} {m.rps:>8.{0 if m.rps >= 100 else 1}f} {ratio:>6.2f} "
            f"{m.p50_ms:>8.1f} {m.p99_ms:>8.1f} "
            f"{m.queries:>7} {m.answer_kb:>9.1f}  {'; '.join(goals)}"
        )
    for moment, label in (("started", "once started (snapshot warm)"), ("after", "after the run")):
        sizes = ", ".join(f"{rss:.0f} MB (PSS {pss:.0f} MB)" for rss, pss in memory[moment])
        print(f"workers' resident memory {label}: {sizes}")
    results = {
        "size": size,
        "machine": machine(),
        "worker_memory_mb": memory,
        "rows": [
            {
                "endpoint": m.endpoint.name,
                "rps": round(m.rps, 1),
                "ratio": round(m.rps / h, 3) if h else 0,
                "p50_ms": m.p50_ms,
                "p99_ms": m.p99_ms,
                "queries": m.queries,
                "answer_kb": round(m.answer_kb, 1),
                "errors": m.errors,
            }
            for m in measures
        ],
    }
    (VAR / f"results-{size}.json").write_text(json.dumps(results, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="seeded,large", help="seeded, large or both")
    parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk per endpoint.")
    parser.add_argument("--warm", type=int, default=2, help="Seconds of warming per endpoint.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--generate-args",
        default="",
        help="Arguments for generate_catalogue at the large size, e.g. '--therapies 1000'.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the synthetic records after.")
    args = parser.parse_args()
    args.generate_args = args.generate_args.split()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does this).")

    port = free_port()
    configure(port)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    print(f"== collecting static files into {os.environ['STATIC_ROOT']}", flush=True)
    manage("collectstatic", "--noinput", "-v0")
    started = time.monotonic()
    try:
        for size in args.sizes.split(","):
            run_size(size.strip(), args, port)
    finally:
        if not args.keep:
            manage("generate_catalogue", "--clear")
    print(f"\nThe bench took {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
