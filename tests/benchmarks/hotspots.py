"""Where one endpoint's time goes: cProfile over many requests, in-process, production settings.

    python -m tests.benchmarks.hotspots GET /api/v1/therapies/
    python -m tests.benchmarks.hotspots POST /api/v1/recommendations/ '{"goals": ["sleep"]}'
    python -m tests.benchmarks.hotspots GET /results/ --answers '{"goals": ["sleep"]}'

It uses the bench database (``DATABASE_URL``, else ``var/bench/bench.sqlite3``) as it is, so
run it after ``make bench`` left the seed, or after ``generate_catalogue`` for the large size.
It prints the time per request, then the profiled time split by where it is spent (own time of
the functions, grouped by package) and the slowest functions counting what they call.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import sys
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# First match wins: more specific prefixes first.
AREAS = (
    ("rest_framework/serializers", "DRF serializers"),
    ("rest_framework/fields", "DRF serializers"),
    ("rest_framework", "DRF (views, parsing, negotiation, rendering)"),
    ("django/template", "Django templates"),
    ("django/db", "Django ORM"),
    ("psycopg", "database driver"),
    ("sqlite3", "database driver"),
    ("simple_history", "simple-history"),
    ("django/", "Django (request, middleware, other)"),
    ("wellness/recommender", "the engine"),
    ("wellness/selectors", "snapshot selector"),
    ("wellness/", "this app's views and API"),
    ("evidence/", "this app's evidence code"),
    ("/copy.py", "copy.deepcopy (DRF fields)"),
    ("/inspect.py", "inspect (manager classes)"),
    ("json/", "json"),
)


def area(filename: str) -> str:
    for prefix, name in AREAS:
        if prefix in filename:
            return name
    return "built-ins and other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("method")
    parser.add_argument("path")
    parser.add_argument("body", nargs="?", default="")
    parser.add_argument(
        "--answers",
        help="JSON answers: signed into a form body (POST) or the results cookie (GET).",
    )
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wellness.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(ROOT / "var" / "bench" / "static"),
        API_RATE_RECOMMENDATIONS="1000000/second",
        RATE_QUESTIONS="1000000/second",
        RATE_RESULTS="1000000/second",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}")
    import django

    django.setup()
    from django.test import Client

    from wellness.answers import to_token

    body, content_type = args.body, "application/json"
    if args.answers:
        answers = json.loads(args.answers)
        token = to_token(
            {
                "goals": answers.get("goals", []),
                "conditions": dict.fromkeys(answers.get("conditions", []), "yes"),
                "format": "any",
                "pressure": "any",
            }
        )
        body = urllib.parse.urlencode({"answers": token})
        content_type = "application/x-www-form-urlencoded"
    client = Client()
    if args.answers and args.method == "GET":
        # A results page, as the browser asks for it after posting the answers: the cookie.
        from django.http import HttpResponse

        from wellness import answers as answer_store

        kept = HttpResponse()
        answer_store.keep_for_results(kept, answer_store.from_token(token))
        client.cookies.update(kept.cookies)
        body, content_type = "", ""

    def send():
        response = client.generic(
            args.method, args.path, data=body, content_type=content_type, secure=True
        )
        if response.status_code != 200:
            raise SystemExit(f"{args.method} {args.path} answered {response.status_code}")
        return response

    for _ in range(5):
        size = len(send().content)
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        send()
    per_request = (time.perf_counter() - started) / args.requests * 1000
    cpu_per_request = (time.process_time() - cpu) / args.requests * 1000
    # CPU time counts little of what other work on the machine takes, and no query's wait.
    print(
        f"{args.method} {args.path}: {per_request:.2f} ms a request "
        f"({cpu_per_request:.2f} ms of CPU), {size / 1024:.1f} KB"
    )

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        send()
    profile.disable()
    stats = pstats.Stats(profile)
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, callers) in stats.stats.items():
        if filename == "~" and callers:
            # A built-in (getattr, isinstance, dict methods…) counts for whoever called it.
            for (caller, _, _), (_, _, caller_own, _) in callers.items():
                by_area[area(caller)] += caller_own
        else:
            by_area[area(filename)] += own
    total = sum(by_area.values())
    print("\nProfiled time by where it is spent (own time):")
    for name, seconds in sorted(by_area.items(), key=lambda item: -item[1]):
        print(f"  {seconds / total:6.1%}  {name}")
    print("\nSlowest functions, with what they call (cumulative):")
    stats.sort_stats("cumulative").print_stats(r"(wellness|evidence|rest_framework|template)", 14)


if __name__ == "__main__":
    main()
