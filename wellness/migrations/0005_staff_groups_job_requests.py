"""Give the staff groups the background jobs, now in their own app (outbox).

Both groups see the job requests, as they did while the jobs lived with the evidence; evidence
curators may send a failed job again.
"""

import importlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

_third = importlib.import_module("wellness.migrations.0003_staff_groups_techniques_harms_next_steps")

ADDED = {
    "Catalogue editors": {"outbox": {"jobrequest": ("view",)}},
    "Evidence curators": {"outbox": {"jobrequest": ("view", "change")}},
}


def _outbox_permissions(apps, schema_editor):
    # As wellness 0001 does for the catalogue apps: permissions are otherwise made after the
    # last migration, too late to hand out here.
    app_config = apps.get_app_config("outbox")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, verbosity=0, using=schema_editor.connection.alias, apps=apps)
    finally:
        app_config.models_module = models_module


def add_permissions(apps, schema_editor):
    _outbox_permissions(apps, schema_editor)
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
        ("wellness", "0004_staff_groups_warning_signs"),
        ("evidence", "0007_job_requests_to_outbox"),
    ]

    operations = [
        migrations.RunPython(add_permissions, remove_permissions),
    ]
