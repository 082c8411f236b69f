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
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.benchmarks.web_requests import Endpoint, check, count_queries, prepare_requests, wrk
from tests.benchmarks.web_server import ROOT, VAR, Server, configure, free_port, manage, prepare

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
# The most a worker may hold resident, at any size.
MEMORY_MB = 150


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
    recommendation_target = 0.6 if size == "seeded" else 0.5
    step = {"answers": True, "target": 0.5, "p99_factor": 3.0}
    chosen = [
        Endpoint("bare view (H)", "GET", "/bench/bare/"),
        Endpoint("home page", "GET", "/"),
        Endpoint("questionnaire: goals", "GET", "/questions/goals/", **step),
        Endpoint("questionnaire: crisis", "GET", "/questions/screening/crisis/", **step),
        Endpoint("questionnaire: health", "GET", "/questions/health/", **step),
        Endpoint("questionnaire: preferences", "GET", "/questions/preferences/", **step),
        Endpoint("questionnaire: what matters", "GET", "/questions/what-matters/", **step),
        Endpoint("check your answers", "GET", "/questions/check/", every_answer=True, **step),
        Endpoint("therapy list page", "GET", "/therapies/", target=0.33),
        Endpoint("therapy page", "GET", f"/therapies/{THERAPY}/"),
        Endpoint("results page", "GET", "/results/", results=True, target=0.5, p99_factor=3.0),
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
                target=0.25,
                max_queries=1,
            )
        )
    return chosen


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
        prepared = prepare_requests(base, ANSWERS[size], chosen)
        chosen = [e for e in chosen if e.name in prepared]
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
        if m.endpoint.p99_factor is not None:
            ok = m.p99_ms <= m.endpoint.p99_factor * m.p50_ms
            goals.append(("met" if ok else "NOT met") + f" (p99 ≤ {m.endpoint.p99_factor:g} × p50)")
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
        largest = max((rss for rss, _ in memory[moment]), default=0.0)
        verdict = "met" if largest <= MEMORY_MB else "NOT met"
        print(f"workers' resident memory {label}: {sizes}  {verdict} (≤ {MEMORY_MB} MB)")
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
