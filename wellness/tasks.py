"""Celery tasks for the public journey; thin, idempotent, run through the job outbox."""

from celery import Task, shared_task

from outbox.tasks import JobTask, run
from wellness import jobs


@shared_task(bind=True, base=JobTask, name=jobs.SNAPSHOT_REBUILD_TASK)
def rebuild_catalogue_snapshot(self: Task, job_id: int) -> None:
    run(self, job_id, jobs.catalogue_snapshot_rebuild)


@shared_task(bind=True, base=JobTask, name=jobs.SAVED_RESULTS_PURGE_TASK)
def purge_saved_results(self: Task, job_id: int) -> None:
    run(self, job_id, jobs.saved_results_purge)


@shared_task(bind=True, base=JobTask, name=jobs.IMPACT_PREVIEW_TASK)
def build_impact_preview(self: Task, job_id: int) -> None:
    run(self, job_id, jobs.impact_preview_build)


@shared_task(base=JobTask, name="wellness.request_saved_results_purge")
def request_saved_results_purge() -> int:
    """Beat: ask for the expired saved results to be deleted."""
    return jobs.saved_results_purge_request().pk
