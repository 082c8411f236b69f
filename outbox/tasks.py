"""The outbox's own Celery task, and the base every job task shares.

Each job task is safe to run twice (``jobs.job_run`` records an effect once), acknowledges late
and is handed back to the queue if its worker dies; retries are counted in the database.
"""

from celery import Task, shared_task

from outbox import jobs


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


@shared_task(base=JobTask, name="outbox.sweep_job_requests")
def sweep_job_requests() -> int:
    """Beat: send again the jobs whose message was lost."""
    return jobs.jobs_sweep()
