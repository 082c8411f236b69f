"""Give the staff groups the reviewed changes to safety rules.

Catalogue editors see the changes (their own drafts among them); evidence curators see them and
may approve or reject them. Proposing needs the rule's own add, change or delete permission.
"""

import importlib

from django.db import migrations

_third = importlib.import_module("wellness.migrations.0003_staff_groups_techniques_harms_next_steps")

ADDED = {
    "Catalogue editors": {"evidence": {"changerequest": ("view",)}},
    "Evidence curators": {"evidence": {"changerequest": ("view", "review")}},
}


def add_permissions(apps, schema_editor):
    _with_added(_third.add_permissions, apps, schema_editor)


def remove_permissions(apps, schema_editor):
    _with_added(_third.remove_permissions, apps, schema_editor)


def _with_added(step, apps, schema_editor):
    earlier, _third.ADDED = _third.ADDED, ADDED
    try:
        step(apps, schema_editor)
    finally:
        _third.ADDED = earlier


class Migration(migrations.Migration):
    dependencies = [
        ("wellness", "0006_api_tokens"),
        ("evidence", "0009_change_requests"),
    ]

    operations = [
        migrations.RunPython(add_permissions, remove_permissions),
    ]
