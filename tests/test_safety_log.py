"""SAFETY.md, the hazard log, names only tests that exist; every hazard has tests for its controls.

The suite itself shows that the named tests pass: each one is part of ``make test``.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = (ROOT / "SAFETY.md").read_text()
NODE = re.compile(r"`(tests/[\w/]+\.py::\w+)`")
HAZARD = re.compile(r"^### (H\d\d) ", re.MULTILINE)


def hazards() -> dict[str, str]:
    """Return each hazard's section of the log by its ID."""
    parts = HAZARD.split(LOG.split("## Open actions")[0])
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_test_the_log_names_is_collected_by_pytest():
    named = sorted(set(NODE.findall(LOG)))
    files = sorted({node.split("::")[0] for node in named if (ROOT / node.split("::")[0]).exists()})
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    collected = {line.split("[")[0] for line in result.stdout.splitlines() if "::" in line}
    missing = [node for node in named if node not in collected]
    assert not missing, f"SAFETY.md names tests that do not exist: {missing}\n{result.stderr}"
    assert len(named) > 50


def test_every_hazard_has_cause_harm_controls_tests_and_residual_risk():
    sections = hazards()

    assert len(sections) >= 14
    for hazard, text in sections.items():
        for part in ("**Cause.**", "**Possible harm.**", "**Controls.**", "**Tests.**"):
            assert part in text, f"{hazard} lacks {part}"
        assert "**Residual risk.**" in text, f"{hazard} lacks its residual risk"
        assert NODE.search(text), f"{hazard} names no test"


def test_the_summary_lists_every_hazard_once():
    summary = LOG.split("## Summary")[1].split("## Hazards")[0]

    listed = re.findall(r"^\| (H\d\d) \|", summary, re.MULTILINE)
    assert listed == list(hazards())


def test_the_hazards_the_issue_asks_for_are_in_the_log():
    titles = " ".join(line.lower() for line in LOG.splitlines() if line.startswith("### H"))

    for hazard in (
        "contraindicated",
        "crisis answer does not escalate",
        "retracted",
        "broken evidence link",
        "misleading number",
        "wrong region",
        "answers leaked",
        "stale catalogue",
        "hard to read",
    ):
        assert hazard in titles, hazard
