"""Celery tasks for the evidence: thin wrappers that run a job service by the outbox row's id.

Each task is safe to run twice (``jobs.job_run`` records an effect once), acknowledges late and
is handed back to the queue if its worker dies; retries are counted in the database.
"""

from celery import Task, shared_task

from evidence import doi, jobs, links, services


class JobTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    # Retries are counted on the job row (JOB_MAX_ATTEMPTS), which survives a lost message.
    max_retries = None


def run(task: Task, job_id: int, work: jobs.Work) -> None:
    """Run a job, retrying through Celery with backoff when a worker runs it."""

    def retry(delay: float) -> None:
        raise task.retry(countdown=delay)

    jobs.job_run(job_id=job_id, work=work, retry=None if task.request.is_eager else retry)


@shared_task(bind=True, base=JobTask, name="evidence.check_source_link")
def check_source_link(self: Task, job_id: int) -> None:
    run(self, job_id, links.source_link_check)


@shared_task(bind=True, base=JobTask, name="evidence.import_citation")
def import_citation(self: Task, job_id: int) -> None:
    run(self, job_id, doi.source_citation_import)


@shared_task(base=JobTask, name="evidence.request_link_checks")
def request_link_checks() -> int:
    """Beat: ask for a check of every published source's link."""
    return services.source_link_checks_request_all()


@shared_task(base=JobTask, name="evidence.sweep_job_requests")
def sweep_job_requests() -> int:
    """Beat: send again the jobs whose message was lost."""
    return jobs.jobs_sweep()
