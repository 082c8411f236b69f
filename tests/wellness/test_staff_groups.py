"""The staff groups made by ``wellness/migrations/0001_staff_groups.py``, and the permissions for
techniques, other paths and harms that ``0003`` adds to them, the warning signs of ``0004`` and
the background jobs of ``0005``, the reviewed changes of ``0007`` and the reference scenarios
of ``0009``."""

import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

staff_groups = importlib.import_module("wellness.migrations.0001_staff_groups")
new_records = importlib.import_module(
    "wellness.migrations.0003_staff_groups_techniques_harms_next_steps"
)
warning_signs = importlib.import_module("wellness.migrations.0004_staff_groups_warning_signs")
job_requests = importlib.import_module("wellness.migrations.0005_staff_groups_job_requests")
change_requests = importlib.import_module("wellness.migrations.0007_staff_groups_change_requests")
scenarios = importlib.import_module("wellness.migrations.0009_reference_scenarios_seeded")

CRUD = ["view", "add", "change", "delete"]

EXPECTED = {
    "Catalogue editors": {
        *(
            f"therapies.{a}_{m}"
            for m in ["therapy", "goal", "condition", "crisiscontact"]
            for a in CRUD
        ),
        *(f"therapies.{a}_{m}" for m in ["technique", "nextstep"] for a in CRUD),
        *(f"evidence.{a}_{m}" for m in ["safetyrule", "harm", "warningsign"] for a in CRUD),
        "evidence.view_source",
        "evidence.view_finding",
        "outbox.view_jobrequest",
        "evidence.view_changerequest",
        "wellness.view_referencescenario",
    },
    "Evidence curators": {
        *(f"evidence.{a}_{m}" for m in ["source", "finding", "harm"] for a in CRUD),
        "evidence.publish_source",
        "evidence.retract_source",
        *(
            f"therapies.view_{m}"
            for m in ["therapy", "goal", "condition", "crisiscontact", "technique", "nextstep"]
        ),
        "evidence.view_safetyrule",
        "evidence.view_warningsign",
        "outbox.view_jobrequest",
        "outbox.change_jobrequest",
        "evidence.view_changerequest",
        "evidence.review_changerequest",
        *(f"wellness.{a}_referencescenario" for a in CRUD),
    },
}


@pytest.fixture(scope="module")
def state_apps():
    """Return the models as the migration sees them, not as the code defines them today."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader.project_state(("wellness", "0009_reference_scenarios_seeded"), at_end=False).apps


def run_forwards(state_apps, schema_editor) -> None:
    """Run the group migrations forwards again, in order."""
    staff_groups.create_groups(state_apps, schema_editor)
    new_records.add_permissions(state_apps, schema_editor)
    warning_signs.add_permissions(state_apps, schema_editor)
    job_requests.add_permissions(state_apps, schema_editor)
    change_requests.add_permissions(state_apps, schema_editor)
    scenarios.add_permissions(state_apps, schema_editor)


@pytest.fixture
def schema_editor():
    return SimpleNamespace(connection=connection)


def permissions_of(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.parametrize("name", EXPECTED)
def test_migration_creates_group_with_exactly_its_permissions(db, name):
    assert permissions_of(name) == EXPECTED[name]


def test_editors_cannot_publish_or_retract(db):
    assert not permissions_of("Catalogue editors") & {
        "evidence.publish_source",
        "evidence.retract_source",
    }


def test_migration_forwards_again_changes_nothing(db, state_apps, schema_editor):
    run_forwards(state_apps, schema_editor)

    assert Group.objects.filter(name__in=EXPECTED).count() == 2
    for name, expected in EXPECTED.items():
        assert permissions_of(name) == expected


def test_migration_backwards_removes_both_groups_and_forwards_restores_them(
    db, state_apps, schema_editor
):
    staff_groups.remove_groups(state_apps, schema_editor)
    assert not Group.objects.filter(name__in=EXPECTED).exists()

    run_forwards(state_apps, schema_editor)
    for name, expected in EXPECTED.items():
        assert permissions_of(name) == expected


def test_migration_restores_permissions_removed_by_hand(db, state_apps, schema_editor):
    Group.objects.get(name="Catalogue editors").permissions.clear()

    run_forwards(state_apps, schema_editor)

    assert permissions_of("Catalogue editors") == EXPECTED["Catalogue editors"]


def test_the_new_records_migration_backwards_removes_only_what_it_added(
    db, state_apps, schema_editor
):
    new_records.remove_permissions(state_apps, schema_editor)

    assert "evidence.change_harm" not in permissions_of("Catalogue editors")
    assert "evidence.change_safetyrule" in permissions_of("Catalogue editors")
    assert "evidence.publish_source" in permissions_of("Evidence curators")


def test_the_warning_signs_migration_backwards_removes_only_what_it_added(
    db, state_apps, schema_editor
):
    warning_signs.remove_permissions(state_apps, schema_editor)

    assert "evidence.change_warningsign" not in permissions_of("Catalogue editors")
    assert "evidence.view_warningsign" not in permissions_of("Evidence curators")
    assert "evidence.change_harm" in permissions_of("Catalogue editors")
    # The earlier migration's own list is untouched by running its steps for this one.
    assert "warningsign" not in str(new_records.ADDED)


def test_the_job_requests_migration_backwards_removes_only_what_it_added(
    db, state_apps, schema_editor
):
    job_requests.remove_permissions(state_apps, schema_editor)

    assert "outbox.view_jobrequest" not in permissions_of("Catalogue editors")
    assert not {"outbox.view_jobrequest", "outbox.change_jobrequest"} & permissions_of(
        "Evidence curators"
    )
    assert "evidence.view_warningsign" in permissions_of("Evidence curators")
