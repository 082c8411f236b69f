"""Moving the job requests from the evidence app to the outbox keeps every row.

The migration is run backwards to before the move, rows are written as the old model had them,
and it is run forwards again: every job keeps its id, status, history and link check, its kind
becomes the task that ran it and its source the job's arguments.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("evidence", "0006_harm_level"),
    ("wellness", "0004_staff_groups_warning_signs"),
    ("outbox", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    state = executor.loader.project_state([target for target in targets if target[1] is not None])
    return state.apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_moving_the_jobs_to_the_outbox_keeps_every_row_and_can_be_undone():
    old = migrate(BEFORE)
    Source = old.get_model("evidence", "Source")
    OldJob = old.get_model("evidence", "JobRequest")
    LinkCheck = old.get_model("evidence", "LinkCheck")
    source = Source.objects.create(slug="a-review", title="A review", source_type="meta-analysis")
    finished = timezone.now()
    checked = OldJob.objects.create(
        kind="link-check",
        source=source,
        status="done",
        coalesce_key=f"source:{source.pk}",
        attempts=2,
        finished_at=finished,
        message="The link works (200).",
    )
    LinkCheck.objects.create(source=source, job=checked, url="https://example.org/", ok=True)
    failed = OldJob.objects.create(
        kind="citation-import", source=source, status="failed", last_error="Crossref answered 500"
    )
    rebuild = OldJob.objects.create(kind="snapshot-rebuild", coalesce_key="all")
    purge = OldJob.objects.create(kind="saved-results-purge", status="running")

    new = migrate(latest())

    Job = new.get_model("outbox", "JobRequest")
    rows = {job.pk: job for job in Job.objects.all()}
    assert set(rows) == {checked.pk, failed.pk, rebuild.pk, purge.pk}
    moved = rows[checked.pk]
    assert (moved.task, moved.args, moved.status, moved.attempts, moved.message) == (
        "evidence.check_source_link",
        {"source": source.pk},
        "done",
        2,
        "The link works (200).",
    )
    assert moved.coalesce_key == f"source:{source.pk}"
    assert moved.finished_at == finished
    assert moved.description == "Check the link of “A review”"
    assert (rows[failed.pk].task, rows[failed.pk].last_error) == (
        "evidence.import_citation",
        "Crossref answered 500",
    )
    assert (rows[rebuild.pk].task, rows[rebuild.pk].args) == (
        "wellness.rebuild_catalogue_snapshot",
        {},
    )
    assert (rows[purge.pk].task, rows[purge.pk].status) == (
        "wellness.purge_saved_results",
        "running",
    )
    assert new.get_model("evidence", "LinkCheck").objects.get().job_id == checked.pk
    # New requests continue after the copied ids.
    assert Job.objects.create(task="wellness.rebuild_catalogue_snapshot").pk > max(rows)
    ContentType.objects.clear_cache()
    assert not ContentType.objects.filter(app_label="evidence", model="jobrequest").exists()

    # Undone, every job the outbox holds goes back, with its kind and source.
    back = migrate(BEFORE)

    restored = {job.pk: job for job in back.get_model("evidence", "JobRequest").objects.all()}
    assert set(restored) == set(rows) | {max(restored)}
    assert (restored[checked.pk].kind, restored[checked.pk].source_id) == ("link-check", source.pk)
    assert restored[purge.pk].kind == "saved-results-purge"
    migrate(latest())
