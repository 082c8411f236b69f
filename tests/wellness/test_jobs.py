"""The public journey's jobs: a snapshot shared between processes, purging saved results, beat."""

from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from outbox.jobs import job_run
from outbox.models import JobRequest
from tests.factories import JobRequestFactory, TherapyFactory
from wellness import jobs, selectors
from wellness.jobs import SAVED_RESULTS_PURGE_TASK, SNAPSHOT_REBUILD_TASK
from wellness.models import SavedResult

Status = JobRequest.Status


@pytest.mark.django_db(transaction=True)
def test_a_snapshot_built_in_one_process_is_reused_by_another(django_assert_num_queries):
    TherapyFactory()
    built = selectors.catalogue_snapshot()
    # Another web process: nothing built or read locally yet, but the same cache.
    selectors._cached = None
    selectors.catalogue_change_marker_forget()

    with django_assert_num_queries(1):
        reused = selectors.catalogue_snapshot()

    assert reused == built


@pytest.mark.django_db(transaction=True)
def test_a_change_gives_a_new_shared_snapshot():
    therapy = TherapyFactory(name="Before")
    first = selectors.catalogue_snapshot()
    therapy.name = "After"
    therapy.save()
    selectors._cached = None

    second = selectors.catalogue_snapshot()

    assert second.version != first.version
    assert second.therapies[therapy.slug].name == "After"


def test_a_snapshot_built_inside_a_transaction_is_not_shared(db):
    TherapyFactory()
    selectors.catalogue_snapshot()

    assert not [key for key in cache._cache if "catalogue-snapshot" in key]


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_cannot_answer_does_not_stop_the_snapshot(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(selectors.cache, "get", down)
    monkeypatch.setattr(selectors.cache, "set", down)
    therapy = TherapyFactory()

    assert therapy.slug in selectors.catalogue_snapshot().therapies


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_job_leaves_the_snapshot_ready_for_every_process():
    TherapyFactory()
    job = JobRequestFactory(task=SNAPSHOT_REBUILD_TASK, source=None)

    job_run(job_id=job.pk, work=jobs.catalogue_snapshot_rebuild)

    job.refresh_from_db()
    assert job.status == Status.DONE
    key = selectors._shared_key(selectors.catalogue_change_marker())
    assert job.message == f"Catalogue version {cache.get(key).version} is ready."


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_catalogue_edits_rebuilds_once_per_transaction():
    from django.db import transaction

    with transaction.atomic():
        for _ in range(5):
            TherapyFactory()

    assert JobRequest.objects.filter(task=SNAPSHOT_REBUILD_TASK).count() == 1


def test_purge_deletes_only_expired_saved_results(db):
    now = timezone.now()
    expired = SavedResult.objects.create(answers={}, catalogue_version="a")
    SavedResult.objects.filter(pk=expired.pk).update(
        created_at=now - timedelta(days=40), expires_at=now - timedelta(days=10)
    )
    live = SavedResult.objects.create(answers={}, catalogue_version="a")
    job = JobRequestFactory(task=SAVED_RESULTS_PURGE_TASK, source=None)

    job_run(job_id=job.pk, work=jobs.saved_results_purge)

    assert list(SavedResult.objects.all()) == [live]
    job.refresh_from_db()
    assert job.message == (
        "Deleted 1 expired saved result, 0 old failed-login records, 0 expired API tokens and "
        "0 unfinished authenticator app set-ups."
    )


def test_purge_also_deletes_failed_login_records_past_their_lock_out(db, settings):
    from axes.models import AccessAttempt

    old = AccessAttempt.objects.create(
        username="someone",
        ip_address="203.0.113.9",
        user_agent="",
        failures_since_start=1,
        get_data="",
        post_data="",
    )
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES + 1)
    )
    job = JobRequestFactory(task=SAVED_RESULTS_PURGE_TASK, source=None)

    job_run(job_id=job.pk, work=jobs.saved_results_purge)

    assert not AccessAttempt.objects.exists()
    job.refresh_from_db()
    assert ", 1 old failed-login record, 0 expired API tokens and " in job.message


def test_purge_requests_coalesce(db):
    assert jobs.saved_results_purge_request() == jobs.saved_results_purge_request()


def test_beat_checks_links_daily_sweeps_every_minute_and_purges_hourly():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    assert schedule == {
        "evidence.request_link_checks": 24 * 60 * 60,
        "outbox.sweep_job_requests": 60,
        "wellness.request_saved_results_purge": 60 * 60,
    }
    current_app.loader.import_default_modules()
    assert set(schedule) <= set(current_app.tasks)


def test_job_tasks_are_acknowledged_late_and_handed_back_if_their_worker_dies():
    current_app.loader.import_default_modules()
    for name in (
        "evidence.check_source_link",
        "evidence.import_citation",
        "wellness.rebuild_catalogue_snapshot",
        "wellness.purge_saved_results",
    ):
        task = current_app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost, name


def test_celery_speaks_json_takes_one_message_at_a_time_and_has_time_limits():
    conf = current_app.conf

    assert (conf.task_serializer, conf.accept_content) == ("json", ["json"])
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    # Without REDIS_URL the embedded default runs tasks at once, with no broker.
    assert conf.task_always_eager
