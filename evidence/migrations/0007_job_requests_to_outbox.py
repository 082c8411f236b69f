"""Move the job requests to the outbox app, keeping every row, its id and its link checks.

The outbox knows jobs by Celery task name and arguments, not by the kinds evidence and the
journey had: each kind becomes the name of the task that ran it, and a job's source becomes
``{"source": id}``. The content type moves too, so permissions and admin log entries follow.
"""

from django.core.management.color import no_style
from django.db import migrations, models
import django.db.models.deletion

TASKS = {
    "link-check": "evidence.check_source_link",
    "citation-import": "evidence.import_citation",
    "snapshot-rebuild": "wellness.rebuild_catalogue_snapshot",
    "saved-results-purge": "wellness.purge_saved_results",
}
KINDS = {task: kind for kind, task in TASKS.items()}
DESCRIPTIONS = {
    "link-check": "Check the link of “{source}”",
    "citation-import": "Import citation details for “{source}”",
    "snapshot-rebuild": "Rebuild the catalogue snapshot",
    "saved-results-purge": "Delete expired saved results",
}
COPIED = [
    "id",
    "status",
    "coalesce_key",
    "requested_by_id",
    "attempts",
    "created_at",
    "due_at",
    "started_at",
    "finished_at",
    "message",
    "details",
    "last_error",
]


def _reset_sequence(model, connection):
    for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _move_content_type(apps, db, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    moving = ContentType.objects.using(db).filter(app_label=old, model="jobrequest")
    if ContentType.objects.using(db).filter(app_label=new, model="jobrequest").exists():
        moving.delete()
    else:
        moving.update(app_label=new)


def forwards(apps, schema_editor):
    Old = apps.get_model("evidence", "JobRequest")
    New = apps.get_model("outbox", "JobRequest")
    db = schema_editor.connection.alias
    batch = []
    for job in Old.objects.using(db).select_related("source").order_by("id").iterator():
        source = job.source
        batch.append(
            New(
                task=TASKS[job.kind],
                args={"source": job.source_id} if job.source_id else {},
                description=DESCRIPTIONS[job.kind].format(source=source.title if source else "")[
                    :300
                ],
                **{field: getattr(job, field) for field in COPIED},
            )
        )
        if len(batch) == 500:
            New.objects.using(db).bulk_create(batch)
            batch = []
    New.objects.using(db).bulk_create(batch)
    _reset_sequence(New, schema_editor.connection)
    _move_content_type(apps, db, old="evidence", new="outbox")


def backwards(apps, schema_editor):
    Old = apps.get_model("evidence", "JobRequest")
    New = apps.get_model("outbox", "JobRequest")
    db = schema_editor.connection.alias
    known = set(apps.get_model("evidence", "Source").objects.using(db).values_list("id", flat=True))
    for job in New.objects.using(db).filter(task__in=KINDS).order_by("id").iterator():
        source_id = job.args.get("source")
        Old.objects.using(db).create(
            kind=KINDS[job.task],
            source_id=source_id if source_id in known else None,
            **{field: getattr(job, field) for field in COPIED},
        )
    _reset_sequence(Old, schema_editor.connection)
    New.objects.using(db).all().delete()
    _move_content_type(apps, db, old="outbox", new="evidence")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("evidence", "0006_harm_level"),
        ("outbox", "0001_initial"),
    ]

    # Undone, the rows go back after the old table is made again and before the link checks'
    # key points at it once more, so every key finds its row.
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="linkcheck",
            name="job",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="link_check",
                to="outbox.jobrequest",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, backwards),
        migrations.DeleteModel(name="JobRequest"),
    ]
