"""The engine and its snapshot, from 100 to 10,000 therapies: how cost grows with size.

For each size the synthetic catalogue is generated in the bench database (``generate_catalogue``,
beside the seed), then, in a fresh process so the memory figures are its own:

- the snapshot is built from the database (``catalogue_snapshot_build``): its time, the process's
  resident memory once it holds it, and, in a second build under tracemalloc, the memory the
  snapshot keeps and the peak while building;
- ``recommend`` is timed for three answers: a goal whose matches stay the same at every size
  (``low-mood``: only seed therapies have evidence for it), a typical synthetic goal (its
  matches grow with the catalogue), and ``sleep``, which the seed's finding about massage as a
  whole makes match every massage therapy. The time per matching therapy stays flat when cost
  follows the matches, not the catalogue.

Run ``python -m tests.benchmarks.engine`` (``make bench`` does, after the web bench).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench"
SIZES = (100, 300, 1000, 3000, 10_000)
ANSWERS = {
    "low-mood": {"goals": ["low-mood"], "conditions": ["pregnancy"]},
    "synthetic goal": {"goals": ["synthetic-goal-050"], "conditions": ["synthetic-condition-001"]},
    "sleep": {"goals": ["sleep"], "conditions": ["pregnancy"]},
}


def generate_args(therapies: int) -> list[str]:
    """The issue's large catalogue scaled down: 10 findings and 2 rules for every therapy."""
    return [
        f"--therapies={therapies}",
        "--goals=100",
        "--conditions=200",
        f"--findings={therapies * 10}",
        f"--rules={therapies * 2}",
    ]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def per_call_us(function, budget: float = 0.5) -> float:
    """Return the median of a few timed batches, in microseconds per call."""
    function()
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < budget / 5:
        function()
        calls += 1
    batch = max(calls, 1)
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(batch):
            function()
        samples.append((time.perf_counter() - started) / batch * 1e6)
    return sorted(samples)[2]


def measure() -> dict:
    """Measure this database's snapshot and the engine on it (run in a fresh process)."""
    import tracemalloc

    import django

    django.setup()
    from wellness.recommender import SHORTLIST_SIZE, Answers, recommend
    from wellness.selectors import catalogue_snapshot_build

    catalogue_snapshot_build()  # imports, connection and query plans, then let it go
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    snapshot = catalogue_snapshot_build()
    build_s = time.perf_counter() - started
    rss_after = rss_mb()
    del snapshot
    gc.collect()

    tracemalloc.start()
    snapshot = catalogue_snapshot_build()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # As a gunicorn worker does once warm (gunicorn.conf.py): the collector leaves it alone.
    gc.collect()
    gc.freeze()

    answers = {}
    for name, a in ANSWERS.items():
        engine_answers = Answers(goals=frozenset(a["goals"]), conditions=frozenset(a["conditions"]))
        result = recommend(answers=engine_answers, catalogue=snapshot)
        matches = len(result.recommendations) + len(result.excluded) + len(result.set_aside)
        us = per_call_us(lambda ea=engine_answers: recommend(answers=ea, catalogue=snapshot))
        # As the results page and the API call it: the best SHORTLIST_SIZE explained.
        short_us = per_call_us(
            lambda ea=engine_answers: recommend(
                answers=ea, catalogue=snapshot, limit=SHORTLIST_SIZE
            )
        )
        answers[name] = {"matches": matches, "us": us, "short_us": short_us}
    return {
        "therapies": len(snapshot.therapies),
        "findings": sum(len(f) for f in snapshot.findings_by_goal.values()),
        "rules": sum(len(r) for r in snapshot.rules_by_condition.values()),
        "build_s": build_s,
        "rss_before_mb": before,
        "rss_after_mb": rss_after,
        "kept_mb": kept / 2**20,
        "peak_mb": peak / 2**20,
        "answers": answers,
    }


def print_table(rows: list[dict]) -> None:
    print(
        "\nSnapshot build, from the database. Memory: what the snapshot keeps (tracemalloc), the"
        "\npeak while building, and the resident size of a process holding one (Django set up)."
    )
    header = (
        f"{'therapies':>9} {'findings':>8} {'rules':>6} {'build s':>7} {'kept MB':>7} "
        f"{'peak MB':>7} {'RSS MB':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['therapies']:>9,} {row['findings']:>8,} {row['rules']:>6,} "
            f"{row['build_s']:>7.2f} {row['kept_mb']:>7.1f} {row['peak_mb']:>7.1f} "
            f"{row['rss_after_mb']:>6.0f}"
        )
    print(
        "\nrecommend(), per answer: the therapies it returns (recommended, excluded or set aside),"
        "\nmicroseconds per call, microseconds per therapy returned, and microseconds per call"
        "\nwith the shortlist limit the site uses (the best 10 explained, the rest counted)."
    )
    names = list(ANSWERS)
    print(f"{'therapies':>9}  " + "  ".join(f"{name:^34}" for name in names))
    header = f"{'':>9}  " + "  ".join(
        f"{'matches':>8} {'µs':>7} {'µs/match':>9} {'µs top10':>8}" for _ in names
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        cells = []
        for name in names:
            a = row["answers"][name]
            per_match = a["us"] / a["matches"] if a["matches"] else 0.0
            cells.append(
                f"{a['matches']:>8,} {a['us']:>7,.0f} {per_match:>9.1f} {a['short_us']:>8,.0f}"
            )
        print(f"{row['therapies']:>9,}  " + "  ".join(cells))
    print(
        "\nTargets at 10,000 therapies: build ≤ 3 s and ≤ 150 MB resident per worker; "
        "a recommendation ≤ 5 ms (the typical goal)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellness.settings")
    VAR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{VAR / 'bench.sqlite3'}")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.measure:
        print(json.dumps(measure()))
        return

    def manage(*command: str) -> None:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, check=True)

    manage("migrate", "--noinput", "-v0")
    manage("load_catalogue")
    rows = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            manage("generate_catalogue", *generate_args(size))
            output = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.engine", "--measure"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(output.strip().splitlines()[-1]))
    finally:
        manage("generate_catalogue", "--clear")
    print_table(rows)
    (VAR / "results-engine.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
