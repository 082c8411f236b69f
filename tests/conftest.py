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


def admin_post_data(response) -> dict:
    """Return the data an admin form page would POST if submitted unchanged."""
    context = response.context
    forms = [context["adminform"].form]
    data = {}
    for inline in context.get("inline_admin_formsets") or []:
        management = inline.formset.management_form
        data.update(
            {management.add_prefix(name): management[name].value() for name in management.fields}
        )
        forms.extend(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is False or value is None:
                # An unticked box or an empty field is simply absent from a real submission.
                continue
            if isinstance(value, list | tuple):
                value = [str(item) for item in value]
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


@pytest.fixture
def admin_form_data():
    """Turn an admin form page into the POST data of submitting it unchanged."""
    return admin_post_data


@pytest.fixture
def fast_password_hashing(settings):
    """Hash the factories' passwords cheaply: tests that make many users need not pay for PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
