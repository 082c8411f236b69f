"""Celery tasks for the evidence: thin wrappers that run a job service by the outbox row's id."""

from celery import Task, shared_task

from evidence import doi, links, services
from evidence.source_jobs import CITATION_IMPORT_TASK, LINK_CHECK_TASK
from outbox.tasks import JobTask, run


@shared_task(bind=True, base=JobTask, name=LINK_CHECK_TASK)
def check_source_link(self: Task, job_id: int) -> None:
    run(self, job_id, links.source_link_check)


@shared_task(bind=True, base=JobTask, name=CITATION_IMPORT_TASK)
def import_citation(self: Task, job_id: int) -> None:
    run(self, job_id, doi.source_citation_import)


@shared_task(base=JobTask, name="evidence.request_link_checks")
def request_link_checks() -> int:
    """Beat: ask for a check of every published source's link."""
    return services.source_link_checks_request_all()
