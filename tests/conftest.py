"""Shared fixtures and the rule that CI runs every test.

Tests marked ``services`` or ``browser`` skip with a reason when what they need is missing.
With ``REQUIRE_ALL_TESTS=1`` (set by ``.ci/run``) any skipped test fails the run instead.
"""

import os

import pytest

REQUIRE_ALL_TESTS = os.environ.get("REQUIRE_ALL_TESTS") == "1"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if REQUIRE_ALL_TESTS and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_ALL_TESTS=1 forbids skipping: {reason}"
    return report


@pytest.fixture
def editor(db):
    from tests.factories import UserFactory

    return UserFactory(username="editor", groups=["Catalogue editors"])


@pytest.fixture
def curator(db):
    from tests.factories import UserFactory

    return UserFactory(username="curator", groups=["Evidence curators"])


@pytest.fixture
def second_curator(db):
    from tests.factories import UserFactory

    return UserFactory(username="curator2", groups=["Evidence curators"])


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(username="admin", is_superuser=True)
