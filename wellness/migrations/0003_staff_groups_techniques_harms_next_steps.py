"""Give the staff groups the new catalogue records: techniques, other paths, harms and burdens.

Catalogue editors keep the catalogue's vocabulary and its safety information, so they maintain
techniques, other paths and the harms and burdens of each option. Evidence curators maintain
harms too, since side effects come from studies, and read the rest.
"""

import importlib

from django.db import migrations

EDITORS = "Catalogue editors"
CURATORS = "Evidence curators"

CRUD = ("view", "add", "change", "delete")
VIEW = ("view",)

ADDED = {
    EDITORS: {
        "therapies": {"technique": CRUD, "nextstep": CRUD},
        "evidence": {"harm": CRUD},
    },
    CURATORS: {
        "therapies": {"technique": VIEW, "nextstep": VIEW},
        "evidence": {"harm": CRUD},
    },
}

_first = importlib.import_module("wellness.migrations.0001_staff_groups")


def _wanted(group_name):
    return [
        (app_label, f"{action}_{model_name}")
        for app_label, models in ADDED[group_name].items()
        for model_name, actions in models.items()
        for action in actions
    ]


def add_permissions(apps, schema_editor):
    _first.create_missing_permissions(apps, schema_editor)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for group_name in ADDED:
        group, _ = Group.objects.using(db).get_or_create(name=group_name)
        for app_label, codename in _wanted(group_name):
            group.permissions.add(
                Permission.objects.using(db).get(
                    content_type__app_label=app_label, codename=codename
                )
            )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for group in Group.objects.using(db).filter(name__in=list(ADDED)):
        for app_label, codename in _wanted(group.name):
            group.permissions.remove(
                *Permission.objects.using(db).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("wellness", "0002_saved_result"),
        ("therapies", "0002_techniques_limits_and_next_steps"),
        ("evidence", "0003_measures_ratings_techniques_and_harms"),
    ]

    operations = [
        migrations.RunPython(add_permissions, remove_permissions),
    ]
