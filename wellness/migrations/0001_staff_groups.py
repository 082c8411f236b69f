"""Create the two staff groups and give each exactly the permissions its role needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Catalogue editors"
CURATORS = "Evidence curators"

CRUD = ("view", "add", "change", "delete")
VIEW = ("view",)

# app label -> model name -> actions; custom permissions are listed by codename.
GROUP_PERMISSIONS = {
    EDITORS: {
        "therapies": {"therapy": CRUD, "goal": CRUD, "condition": CRUD, "crisiscontact": CRUD},
        # Safety rules are catalogue work; sources and findings are read for a rule's source.
        "evidence": {"safetyrule": CRUD, "source": VIEW, "finding": VIEW},
    },
    CURATORS: {
        # Read so a finding can pick its therapy and goal, and a source page can show its rules.
        "therapies": {"therapy": VIEW, "goal": VIEW, "condition": VIEW, "crisiscontact": VIEW},
        "evidence": {"source": CRUD, "finding": CRUD, "safetyrule": VIEW},
    },
}
EXTRA_PERMISSIONS = {
    CURATORS: [("evidence", "publish_source"), ("evidence", "retract_source")],
}


def create_missing_permissions(apps, schema_editor):
    # On a fresh database permissions are made by post_migrate, after every migration has run,
    # so make the ones this migration hands out now. create_permissions skips app configs without
    # a models module, which migration state app configs never have.
    for app_label in ("therapies", "evidence"):
        app_config = apps.get_app_config(app_label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(
                app_config, verbosity=0, using=schema_editor.connection.alias, apps=apps
            )
        finally:
            app_config.models_module = models_module


def create_groups(apps, schema_editor):
    create_missing_permissions(apps, schema_editor)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for group_name, apps_models in GROUP_PERMISSIONS.items():
        wanted = [
            (app_label, f"{action}_{model_name}")
            for app_label, models in apps_models.items()
            for model_name, actions in models.items()
            for action in actions
        ] + EXTRA_PERMISSIONS.get(group_name, [])
        permissions = [
            Permission.objects.using(db).get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        group, _ = Group.objects.using(db).get_or_create(name=group_name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[EDITORS, CURATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("therapies", "0001_initial"),
        ("evidence", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
    ]
