"""The job outbox: a row per request, sent once on commit, run once, retried, swept, stopped."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from evidence import tasks
from evidence.source_jobs import LINK_CHECK_TASK
from outbox import jobs
from outbox.models import JobRequest
from tests.factories import JobRequestFactory, SourceFactory, TherapyFactory
from therapies.models import Therapy
from wellness.jobs import SNAPSHOT_REBUILD_TASK

Status = JobRequest.Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


class Work:
    """A job's work that counts how often it ran and how often its effect was recorded."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error, self.ran, self.applied = error, 0, 0

    def __call__(self, job, *, last_attempt):
        self.ran += 1
        self.last_attempt = last_attempt
        if self.error:
            raise self.error

        def apply():
            self.applied += 1
            return "Done it."

        return apply


def test_committing_a_request_sends_it_exactly_once(django_capture_on_commit_callbacks):
    source = SourceFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        job = jobs.job_request(task=LINK_CHECK_TASK, args={"source": source.pk})

    assert callbacks == [jobs._Send(job.pk, LINK_CHECK_TASK)]
    assert JobRequest.objects.get(task=LINK_CHECK_TASK).status == Status.PENDING


def test_rolling_back_a_request_sends_nothing_and_keeps_nothing(
    django_capture_on_commit_callbacks,
):
    source = SourceFactory()

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        jobs.job_request(task=LINK_CHECK_TASK, args={"source": source.pk})
        raise RuntimeError("the change failed")

    assert callbacks == []
    assert not JobRequest.objects.filter(task=LINK_CHECK_TASK).exists()


def test_requests_for_the_same_source_coalesce_while_one_is_waiting(
    django_capture_on_commit_callbacks,
):
    source = SourceFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        first = jobs.job_request(task=LINK_CHECK_TASK, args={"source": source.pk})
        second = jobs.job_request(task=LINK_CHECK_TASK, args={"source": source.pk})

    assert first == second
    assert callbacks == [jobs._Send(first.pk, LINK_CHECK_TASK)]


def test_a_request_made_while_the_job_runs_waits_for_a_new_run():
    source = SourceFactory()
    first = jobs.job_request(task=LINK_CHECK_TASK, args={"source": source.pk})
    JobRequest.objects.filter(pk=first.pk).update(status=Status.RUNNING)

    second = jobs.job_request(task=LINK_CHECK_TASK, args={"source": source.pk})

    assert second != first
    assert second.status == Status.PENDING


def test_requests_for_other_sources_do_not_coalesce():
    first = jobs.job_request(task=LINK_CHECK_TASK, args={"source": SourceFactory().pk})
    second = jobs.job_request(task=LINK_CHECK_TASK, args={"source": SourceFactory().pk})

    assert first != second


def test_a_committed_request_runs_its_task(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.check_source_link, "apply_async", lambda args: sent.append(args))
    source = SourceFactory()

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_request(task=LINK_CHECK_TASK, args={"source": source.pk})

    assert sent == [(job.pk,)]


def test_a_broker_that_cannot_be_reached_leaves_the_request_for_the_sweeper(monkeypatch, settings):
    def unreachable(args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.check_source_link, "apply_async", unreachable)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    job = JobRequestFactory()

    jobs.job_send(job_id=job.pk, task=job.task)

    job.refresh_from_db()
    assert job.status == Status.PENDING


def test_a_job_runs_and_records_its_effect_once():
    job = JobRequestFactory()
    work = Work()

    jobs.job_run(job_id=job.pk, work=work)
    jobs.job_run(job_id=job.pk, work=work)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.message) == (Status.DONE, 1, "Done it.")
    assert job.finished_at is not None
    assert (work.ran, work.applied) == (1, 1)


def test_two_copies_running_at_once_record_the_effect_once():
    job = JobRequestFactory()
    first, second = jobs._claim(job.pk), jobs._claim(job.pk)
    work = Work()

    assert jobs._finish(first, work(first, last_attempt=True))
    assert not jobs._finish(second, work(second, last_attempt=True))

    assert work.applied == 1


def test_a_failure_that_retrying_cannot_fix_fails_at_once():
    job = JobRequestFactory()
    retries = []

    jobs.job_run(job_id=job.pk, work=Work(jobs.JobFailed("No DOI.")), retry=retries.append)

    job.refresh_from_db()
    assert (job.status, job.message) == (Status.FAILED, "No DOI.")
    assert retries == []


def test_a_passing_failure_is_tried_again_later_with_backoff(settings):
    settings.JOB_RETRY_BACKOFF_SECONDS = 10
    job = JobRequestFactory()
    retries = []

    jobs.job_run(job_id=job.pk, work=Work(jobs.JobRetry("Server busy.")), retry=retries.append)

    job.refresh_from_db()
    assert job.status == Status.PENDING
    assert job.last_error == "Server busy."
    assert 10 <= retries[0] <= 12.5
    assert job.due_at > timezone.now() + timedelta(seconds=9)


def test_a_job_that_always_fails_stops_at_its_attempt_limit(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = JobRequestFactory()
    work = Work(RuntimeError("always broken"))
    retries = []

    for _ in range(5):
        jobs.job_run(job_id=job.pk, work=work, retry=retries.append)

    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.attempts == 3
    assert len(retries) == 2
    assert job.message == "Stopped after 3 attempts: RuntimeError: always broken"
    assert work.ran == 3


def test_the_last_attempt_is_told_so(settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = JobRequestFactory()
    work = Work(jobs.JobRetry("busy"))

    jobs.job_run(job_id=job.pk, work=work, retry=lambda delay: None)
    assert not work.last_attempt
    jobs.job_run(job_id=job.pk, work=work, retry=lambda delay: None)
    assert work.last_attempt


def test_without_a_worker_there_is_no_later_try():
    job = JobRequestFactory()
    work = Work(jobs.JobRetry("Server busy."))

    jobs.job_run(job_id=job.pk, work=work, retry=None)

    job.refresh_from_db()
    assert (job.status, job.message) == (Status.FAILED, "Stopped after 1 attempt: Server busy.")
    assert work.last_attempt


def test_a_message_that_keeps_coming_back_is_stopped(settings):
    # A job whose worker dies every time is delivered again and again; it must end.
    settings.JOB_MAX_ATTEMPTS = 2
    job = JobRequestFactory(status=Status.RUNNING, attempts=2)
    work = Work()

    jobs.job_run(job_id=job.pk, work=work)

    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "never finished" in job.message
    assert work.ran == 0


def test_a_job_left_running_by_a_dead_worker_runs_again_when_redelivered():
    job = JobRequestFactory(status=Status.RUNNING, attempts=1)
    work = Work()

    jobs.job_run(job_id=job.pk, work=work)

    job.refresh_from_db()
    assert (job.status, job.attempts, work.applied) == (Status.DONE, 2, 1)


@pytest.mark.parametrize("status", [Status.DONE, Status.FAILED])
def test_a_finished_job_is_never_run_again(status):
    job = JobRequestFactory(status=status)
    work = Work()

    assert jobs.job_run(job_id=job.pk, work=work) is None
    assert work.ran == 0


def test_retry_delays_double_up_to_the_maximum(settings, monkeypatch):
    settings.JOB_RETRY_BACKOFF_SECONDS = 30
    settings.JOB_RETRY_BACKOFF_MAX_SECONDS = 100
    monkeypatch.setattr(jobs.random, "uniform", lambda low, high: 1.0)

    assert [jobs.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


@pytest.fixture
def sent(monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "job_send", lambda job_id, task: sent.append(job_id))
    return sent


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def test_sweeper_sends_again_a_waiting_job_whose_message_was_lost(settings, sent):
    settings.JOB_STUCK_SECONDS = 60
    lost = JobRequestFactory(due_at=ago(120))
    fresh = JobRequestFactory(due_at=ago(10))
    later = JobRequestFactory(due_at=timezone.now() + timedelta(minutes=5))

    assert jobs.jobs_sweep() == 1

    assert sent == [lost.pk]
    lost.refresh_from_db()
    assert lost.due_at > ago(5)
    assert fresh.pk not in sent and later.pk not in sent


def test_sweeper_sends_a_job_at_most_once_per_interval(settings, sent):
    settings.JOB_STUCK_SECONDS = 60
    JobRequestFactory(due_at=ago(120))

    jobs.jobs_sweep()
    jobs.jobs_sweep()

    assert len(sent) == 1


def test_sweeper_sends_again_a_job_whose_worker_died(settings, sent):
    settings.JOB_STUCK_SECONDS = 60
    settings.CELERY_TASK_TIME_LIMIT = 120
    dead = JobRequestFactory(status=Status.RUNNING, started_at=ago(200), due_at=ago(200))
    busy = JobRequestFactory(status=Status.RUNNING, started_at=ago(100), due_at=ago(200))

    jobs.jobs_sweep()

    assert sent == [dead.pk]
    dead.refresh_from_db()
    busy.refresh_from_db()
    assert (dead.status, busy.status) == (Status.PENDING, Status.RUNNING)


def test_sweeper_leaves_finished_jobs_alone_and_drops_old_done_ones(settings, sent):
    settings.JOB_KEEP_DAYS = 30
    old_done = JobRequestFactory(status=Status.DONE, due_at=ago(1e7), finished_at=ago(40 * 86400))
    new_done = JobRequestFactory(status=Status.DONE, due_at=ago(1e7), finished_at=ago(86400))
    old_failed = JobRequestFactory(
        status=Status.FAILED, due_at=ago(1e7), finished_at=ago(40 * 86400)
    )

    jobs.jobs_sweep()

    assert sent == []
    remaining = set(JobRequest.objects.filter(task=LINK_CHECK_TASK).values_list("pk", flat=True))
    assert remaining == {new_done.pk, old_failed.pk}
    assert old_done.pk not in remaining


def test_trying_a_failed_job_again_starts_it_afresh(curator, django_capture_on_commit_callbacks):
    job = JobRequestFactory(status=Status.FAILED, attempts=5, message="Stopped.")

    with django_capture_on_commit_callbacks() as callbacks:
        jobs.job_retry(job=job, by=curator)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.message, job.requested_by) == (
        Status.PENDING,
        0,
        "",
        curator,
    )
    assert len(callbacks) == 1


def test_only_a_failed_job_can_be_tried_again(curator):
    with pytest.raises(jobs.JobFailed, match="Only a failed job"):
        jobs.job_retry(job=JobRequestFactory(status=Status.DONE), by=curator)


def test_a_catalogue_change_asks_once_for_a_snapshot_rebuild(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        therapy = TherapyFactory()
        therapy.name = "Renamed"
        therapy.save()
        SourceFactory()

    rebuilds = JobRequest.objects.filter(task=SNAPSHOT_REBUILD_TASK)
    assert rebuilds.count() == 1
    assert [c for c in callbacks if getattr(c, "task", "") == SNAPSHOT_REBUILD_TASK] == [
        jobs._Send(rebuilds.get().pk, SNAPSHOT_REBUILD_TASK)
    ]


def test_a_rolled_back_catalogue_change_asks_for_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        TherapyFactory()
        raise RuntimeError("undo")

    assert callbacks == []
    assert not JobRequest.objects.exists()
    assert not Therapy.objects.exists()
