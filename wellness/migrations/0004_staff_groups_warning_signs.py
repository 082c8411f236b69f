"""Give the staff groups the warning signs that need urgent care.

Like safety rules, they are catalogue work: catalogue editors maintain them, and evidence
curators read them, so a source page can show what cites it.
"""

import importlib

from django.db import migrations

_third = importlib.import_module("wellness.migrations.0003_staff_groups_techniques_harms_next_steps")

ADDED = {
    "Catalogue editors": {"evidence": {"warningsign": ("view", "add", "change", "delete")}},
    "Evidence curators": {"evidence": {"warningsign": ("view",)}},
}


def add_permissions(apps, schema_editor):
    _with_added(_third.add_permissions, apps, schema_editor)


def remove_permissions(apps, schema_editor):
    _with_added(_third.remove_permissions, apps, schema_editor)


def _with_added(step, apps, schema_editor):
    """Run one of the earlier migration's steps on this migration's permissions."""
    earlier, _third.ADDED = _third.ADDED, ADDED
    try:
        step(apps, schema_editor)
    finally:
        _third.ADDED = earlier


class Migration(migrations.Migration):
    dependencies = [
        ("wellness", "0003_staff_groups_techniques_harms_next_steps"),
        ("evidence", "0005_warning_signs"),
    ]

    operations = [
        migrations.RunPython(add_permissions, remove_permissions),
    ]
