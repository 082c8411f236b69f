"""The job outbox: every background job is a row first and a Celery message second.

``job_request`` writes the row inside the caller's transaction and sends the message only after
the commit, so a rolled-back change asks for nothing. ``job_run`` is what every task does: claim
the row, do the work, record its effect and mark the row done in one transaction, exactly once
however often the message arrives. ``jobs_sweep`` (on beat) sends again the rows whose message
was lost, so a broker failure delays work but never loses it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from celery import Task, current_app
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import JobRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

Status = JobRequest.Status
FINISHED = (Status.DONE, Status.FAILED)

# What a job works on: ids and short names, kept as JSON on the row.
Args = dict[str, int | str]

# A job's work does what may be slow or fail (e.g. fetch a page) outside any transaction, and
# returns a step that records the effect; that step runs in the transaction that marks the job
# done, and returns the message for curators. ``last_attempt`` says whether a JobRetry would
# still be tried again, so work can record a passing failure as the outcome instead.
Apply = Callable[[], str]
Work = Callable[..., Apply]


class JobFailed(Exception):
    """Work that trying again cannot fix; the job is marked failed with this message."""


class JobRetry(Exception):
    """Work that may succeed later (e.g. a server did not answer); the job is tried again."""


@dataclass(frozen=True)
class _Send:
    """The on-commit callback that sends a job's message; recognisable, so it is sent once."""

    job_id: int
    task: str

    def __call__(self) -> None:
        job_send(job_id=self.job_id, task=self.task)


def coalesce_key(args: Args) -> str:
    """Return the key that makes requests for the same work coalesce: their arguments."""
    return ",".join(f"{name}:{value}" for name, value in sorted(args.items())) or "all"


def job_request(
    *,
    task: str,
    args: Args | None = None,
    description: str = "",
    by: User | None = None,
    coalesce: bool = True,
) -> JobRequest:
    """Record a request for a job and send it to a worker once the current transaction commits.

    ``task`` is the name of the Celery task that runs it, ``args`` what the work reads and
    ``description`` what it does, in plain words for staff. With ``coalesce``, a request that
    matches one still waiting (same task and arguments) returns that one instead, so a burst of
    requests runs the job once.
    """
    args = args or {}
    _task(task)  # a misspelt name fails here, in the caller's transaction, not in a worker
    key = coalesce_key(args) if coalesce else ""
    if key:
        waiting = JobRequest.objects.filter(task=task, coalesce_key=key, status=Status.PENDING)
        if existing := waiting.first():
            return existing
    try:
        with transaction.atomic():
            job = JobRequest.objects.create(
                task=task,
                args=args,
                description=description[:300],
                requested_by=by,
                coalesce_key=key,
            )
    except IntegrityError:
        # Another transaction made the same waiting request between our look and our write.
        if key and (existing := waiting.first()):
            return existing
        raise
    # Robust: the change is committed whatever the broker does; the sweeper sends it later.
    transaction.on_commit(_Send(job.pk, task), robust=True)
    return job


def job_requested_in_this_transaction(*, task: str) -> bool:
    """Say whether the open transaction has already asked for a job of this task."""
    # Three items a callback since Django 5.0 (savepoints, callback, robust); the stubs say two.
    callbacks: list[tuple[object, ...]] = list(connection.run_on_commit)
    return connection.in_atomic_block and any(
        isinstance(entry[1], _Send) and entry[1].task == task for entry in callbacks
    )


def _task(name: str) -> Task:
    app = current_app
    if name not in app.tasks:
        # Outside a worker the task modules are imported on first use.
        app.loader.import_default_modules()
    try:
        return app.tasks[name]
    except KeyError:
        raise ValueError(f"No background task is called {name!r}.") from None


def job_send(*, job_id: int, task: str) -> None:
    """Send a job's message to the workers (or run it now, in the embedded default)."""
    try:
        _task(task).apply_async(args=(job_id,))
    except Exception:
        # The row stays waiting; the sweeper sends it again once the broker is back.
        logger.warning("Could not send job %s (%s); it will be sent again", job_id, task)
        if current_app.conf.task_always_eager:
            raise


def _claim(job_id: int) -> JobRequest | None:
    now = timezone.now()
    # Running is claimable too: a worker that died mid-job leaves it so, and its message comes
    # back. Two copies running at once is harmless, because only the first to finish records.
    claimed = JobRequest.objects.filter(
        pk=job_id, status__in=[Status.PENDING, Status.RUNNING]
    ).update(status=Status.RUNNING, attempts=F("attempts") + 1, started_at=now)
    if not claimed:
        return None
    return JobRequest.objects.get(pk=job_id)


def _finish(job: JobRequest, apply: Apply) -> bool:
    with transaction.atomic():
        # Mark done first: the update takes the row lock, so a second copy waits here and then
        # finds the job finished, and the effect below is recorded once.
        won = (
            JobRequest.objects.filter(pk=job.pk)
            .exclude(status__in=FINISHED)
            .update(status=Status.DONE, finished_at=timezone.now(), last_error="")
        )
        if not won:
            return False
        job.status = Status.DONE
        message = apply()
        JobRequest.objects.filter(pk=job.pk).update(message=message, details=job.details)
    return True


def _fail(job: JobRequest, message: str, error: str = "") -> None:
    JobRequest.objects.filter(pk=job.pk).exclude(status__in=FINISHED).update(
        status=Status.FAILED,
        finished_at=timezone.now(),
        message=message,
        last_error=error or message,
        details=job.details,
    )
    logger.warning("Job %s (%s) failed: %s", job.pk, job.task, message)


def retry_delay(attempt: int) -> float:
    """Return how long to wait before the next attempt: doubling, capped, with some jitter."""
    base = settings.JOB_RETRY_BACKOFF_SECONDS * 2 ** max(attempt - 1, 0)
    delay = min(base, settings.JOB_RETRY_BACKOFF_MAX_SECONDS)
    return delay * random.uniform(1.0, 1.25)  # noqa: S311 - jitter, not security


def job_run(
    *, job_id: int, work: Work, retry: Callable[[float], None] | None = None
) -> JobRequest | None:
    """Run a job once: claim it, do the work, record the effect and mark it done.

    A job already finished is left alone, so a message delivered twice does nothing twice.
    ``JobFailed`` marks the job failed at once; any other error is tried again later through
    ``retry(delay)`` (which schedules the next attempt) until ``JOB_MAX_ATTEMPTS``, then the job
    is marked failed for curators. Without ``retry`` (eager execution) there is no later.
    """
    job = _claim(job_id)
    if job is None:
        return None
    limit = settings.JOB_MAX_ATTEMPTS
    if job.attempts > limit:
        # A message that keeps killing its worker comes back for ever; stop it here.
        _fail(job, f"Stopped after {limit} attempts: the job never finished.")
        return job
    try:
        apply = work(job, last_attempt=retry is None or job.attempts >= limit)
        _finish(job, apply)
    except JobFailed as refusal:
        _fail(job, str(refusal))
    except Exception as error:  # any error may pass: tried again, up to the limit
        reason = str(error) if isinstance(error, JobRetry) else f"{type(error).__name__}: {error}"
        if retry is None or job.attempts >= limit:
            tries = f"after {job.attempts} attempts" if job.attempts > 1 else "after 1 attempt"
            _fail(job, f"Stopped {tries}: {reason}", reason)
            return job
        delay = retry_delay(job.attempts)
        JobRequest.objects.filter(pk=job.pk, status=Status.RUNNING).update(
            status=Status.PENDING,
            due_at=timezone.now() + timedelta(seconds=delay),
            last_error=reason,
        )
        logger.info("Job %s (%s) will try again in %.1fs: %s", job.pk, job.task, delay, reason)
        retry(delay)
    return job


def jobs_sweep() -> int:
    """Send again every job whose message seems lost, and drop old finished ones; say how many."""
    now = timezone.now()
    stuck_after = timedelta(seconds=settings.JOB_STUCK_SECONDS)
    # No task runs past the hard time limit, so a job running longer than that lost its worker.
    lease = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + stuck_after
    stuck = JobRequest.objects.filter(
        Q(status=Status.PENDING, due_at__lte=now - stuck_after)
        | Q(status=Status.RUNNING, started_at__lte=now - lease)
    ).order_by("due_at")
    resent = 0
    for job_id, task in stuck.values_list("id", "task")[:1000]:
        # Sending again sets the clock, so a job is sent at most once per JOB_STUCK_SECONDS.
        moved = JobRequest.objects.filter(pk=job_id, status__in=[Status.PENDING, Status.RUNNING])
        if moved.update(status=Status.PENDING, due_at=now):
            job_send(job_id=job_id, task=task)
            resent += 1
    if resent:
        logger.info("Sent %s stuck job(s) again", resent)
    keep = timedelta(days=settings.JOB_KEEP_DAYS)
    JobRequest.objects.filter(status=Status.DONE, finished_at__lt=now - keep).delete()
    return resent


@transaction.atomic
def job_retry(*, job: JobRequest, by: User) -> JobRequest:
    """Send a failed job again, with a fresh count of attempts, at a curator's request."""
    job.refresh_from_db(from_queryset=JobRequest.objects.select_for_update())
    if job.status != Status.FAILED:
        raise JobFailed("Only a failed job can be tried again.")
    job.status, job.attempts, job.due_at = Status.PENDING, 0, timezone.now()
    job.requested_by, job.message, job.finished_at = by, "", None
    # A waiting twin may exist already; this one then runs without coalescing.
    if JobRequest.objects.filter(
        task=job.task, coalesce_key=job.coalesce_key, status=Status.PENDING
    ).exists():
        job.coalesce_key = ""
    job.save()
    transaction.on_commit(_Send(job.pk, job.task), robust=True)
    return job
