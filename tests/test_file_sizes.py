"""No source file over 400 lines, tests included (docs/architecture.md §3): a longer one holds
more than one concern and is split. Migrations are generated, so they are not counted."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("wellness", "therapies", "evidence", "outbox", "tests", "deploy")
LIMIT = 400


def test_no_source_file_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}
