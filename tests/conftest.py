"""Shared fixtures and the rule that CI runs every test.

Tests marked ``services`` or ``browser`` skip with a reason when what they need is missing.
With ``REQUIRE_ALL_TESTS=1`` (set by ``.ci/run``) any skipped test fails the run instead.

Staff and two-step verification: the ``editor``, ``curator``, ``second_curator`` and
``superuser`` fixtures have an authenticator app enrolled, as real ones must to reach the admin;
``reader`` (staff who may only read) has none and needs none. The ``client``
fixture's ``force_login`` logs a user in as after both steps (password and code) when the user
has an app enrolled; ``verified_login(client, user)`` does the same for any client. To test the
gate itself, use a plain ``django.test.Client`` (tests/security/test_staff_accounts.py).
Log in with ``force_login``: ``Client.login`` has no request, which django-axes needs.
"""

import fcntl
import os

import pytest

REQUIRE_ALL_TESTS = os.environ.get("REQUIRE_ALL_TESTS") == "1"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # An expected failure (xfail, strict here) documents a known gap; it is not a missing service.
    if REQUIRE_ALL_TESTS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_ALL_TESTS=1 forbids skipping: {reason}"
    return report


@pytest.fixture(autouse=True)
def _one_services_test_at_a_time(request, tmp_path_factory):
    """Run the tests marked ``services`` one at a time across the run's test processes.

    ``make test`` spreads the tests over processes (pytest-xdist). Those marked ``services`` use
    things outside the process (the shared Redis's test database; Celery workers with their own
    redis-servers): each holds a lock, in the run's shared temporary folder, while it runs, so
    no two of them overlap. (pytest-xdist's ``xdist_group`` cannot do this here: with this
    pytest its groups are ignored, and ``--dist loadgroup`` drops the schemathesis tests, which
    share one test id per function.)
    """
    if "PYTEST_XDIST_WORKER" not in os.environ or not request.node.get_closest_marker("services"):
        yield
        return
    lock_path = tmp_path_factory.getbasetemp().parent / "services.lock"
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def enrol_totp_device(user):
    """Give a user a confirmed authenticator app (TOTP device) and return it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def verified_login(client, user) -> None:
    """Log ``user`` in on ``client`` as after the password and the authenticator code."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

    device = next(iter(devices_for_user(user)), None) or enrol_totp_device(user)
    Client.force_login(client, user)
    # What django_otp.login() stores in the session after a code is accepted.
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _staff_client_class():
    from django.test import Client
    from django_otp import user_has_device

    class StaffClient(Client):
        """A test client whose ``force_login`` includes the code step for users with an app."""

        def force_login(self, user, backend=None):
            if backend is None and user_has_device(user):
                verified_login(self, user)
            else:
                super().force_login(user, backend)

    return StaffClient


@pytest.fixture
def client():
    """pytest-django's client, logging staff in with both steps (see the module docstring)."""
    return _staff_client_class()()


@pytest.fixture
def editor(db):
    from tests.factories import UserFactory

    user = UserFactory(username="editor", groups=["Catalogue editors"])
    enrol_totp_device(user)
    return user


@pytest.fixture
def reader(db):
    """A staff member who may only read: the one role that needs no code (no app enrolled)."""
    from tests.factories import UserFactory

    return UserFactory(username="reader")


@pytest.fixture
def curator(db):
    from tests.factories import UserFactory

    user = UserFactory(username="curator", groups=["Evidence curators"])
    enrol_totp_device(user)
    return user


@pytest.fixture
def second_curator(db):
    from tests.factories import UserFactory

    user = UserFactory(username="curator2", groups=["Evidence curators"])
    enrol_totp_device(user)
    return user


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    user = UserFactory(username="admin", is_superuser=True)
    enrol_totp_device(user)
    return user


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
def login(request, client):
    """Return a function that logs the test client in as a role (a fixture's name), or not at
    all for "anonymous"."""

    def log_in(role: str):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return log_in


@pytest.fixture
def fast_password_hashing(settings):
    """Hash the factories' passwords cheaply: tests that make many users need not pay for PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The seed catalogue ----------------------------------------------------------------------
# The real loader (``catalogue_load``) parses and validates the whole seed file, which takes
# seconds; well over a hundred tests and modules need the seed. So it runs once per test
# process, and the rows it wrote are kept and written again, by bulk insert, wherever a test
# needs the seed: the same rows, history included, in a small fraction of the time. The loader
# itself is tested on its own (tests/evidence/test_load_catalogue.py, test_backup.py).

# Rows the loader writes that are not catalogue content: the request it makes for a snapshot
# rebuild is made afresh for each copy (see ``catalogue_seed_write``).
_NOT_SEED_ROWS = ("evidence.jobrequest",)


def _concrete_models():
    from django.apps import apps

    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _rows(model) -> tuple[list[str], list[tuple]]:
    names = [field.attname for field in model._meta.concrete_fields]
    return names, list(model._base_manager.order_by("pk").values_list(*names))


@pytest.fixture(scope="session")
def seed_catalogue_rows(django_db_setup, django_db_blocker):
    """Run the real loader once on the empty test database and return the rows it wrote.

    In a transaction rolled back at once, so the database is left as it was. A list of
    ``(model, field names, rows)``.
    """
    from django.db import transaction

    from evidence.catalogue import catalogue_load

    models = _concrete_models()
    with django_db_blocker.unblock(), transaction.atomic():
        before = {model: _rows(model)[1] for model in models}
        catalogue_load()
        written = []
        for model in models:
            names, after = _rows(model)
            if after == before[model]:
                continue
            if before[model] or model._meta.label_lower in _NOT_SEED_ROWS:
                # Rows already there (staff groups, permissions) are never the loader's to change.
                assert before[model] == [] or after[: len(before[model])] == before[model], (
                    f"The loader changed existing {model._meta.label} rows; "
                    "the seed copy assumes it only adds"
                )
                if model._meta.label_lower in _NOT_SEED_ROWS:
                    continue
            written.append((model, names, after[len(before[model]) :]))
        transaction.set_rollback(True)
    assert written, "Loading the seed catalogue wrote nothing"
    return written


def catalogue_seed_write(rows) -> None:
    """Write the seed catalogue's rows into the database, as ``catalogue_load`` leaves them.

    Bulk inserts with the loader's own keys, then the key sequences moved past them (PostgreSQL),
    then the same after-change work the loader's writes set off: this process forgets the change
    marker it read, and a snapshot rebuild is requested (run at the commit, if there is one).
    """
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from wellness import jobs, selectors

    with transaction.atomic():
        for model, names, values in rows:
            model._base_manager.bulk_create(
                [model(**dict(zip(names, row, strict=True))) for row in values]
            )
        statements = connection.ops.sequence_reset_sql(no_style(), [model for model, *_ in rows])
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        selectors.catalogue_change_marker_forget()
        transaction.on_commit(selectors.catalogue_change_marker_forget)
        jobs.catalogue_changed()


@pytest.fixture
def seed_catalogue(seed_catalogue_rows):
    """Return a function that writes the seed catalogue into this test's database.

    Call it where ``catalogue_load()`` would be called, after the test has its database
    (``db`` or ``transactional_db``): it leaves the same rows in a fraction of the time.
    """
    return lambda: catalogue_seed_write(seed_catalogue_rows)


@pytest.fixture(scope="module")
def seeded_module(seed_catalogue_rows, django_db_blocker):
    """Write the seed catalogue once for a module, in a transaction undone at its end.

    Each test then runs in a savepoint inside it (as Django's TestCase.setUpTestData does), so a
    test may change the catalogue without the next one seeing it.
    """
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        catalogue_seed_write(seed_catalogue_rows)
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_catalogue_snapshot():
    """Forget built snapshots and the last change marker read: a rolled-back or flushed test
    database can repeat a change marker, and a marker read by the last test is not this one's."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from wellness import process_cache, selectors

    selectors._cached = None
    selectors.catalogue_change_marker_forget()
    process_cache.rendered.clear()
    # Only the process-local test cache: never wipe a Redis someone pointed the tests at.
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    yield
    selectors._cached = None
    selectors.catalogue_change_marker_forget()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """Put the SQLite test database in a file when the integration tests run.

    Their worker is another process, and an in-memory database is invisible to it. The name
    carries the process id, so two test runs in one checkout never share a database.
    """
    from django.conf import settings

    if not any("tests/integration/" in str(item.fspath) for item in request.session.items):
        return
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = settings.VAR_DIR / f"test_wellness_{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


# A local stand-in for the internet, in its own module (tests/local_web.py).
from tests.local_web import CROSSREF_WORK, _local_web_server, local_web  # noqa: E402, F401
