"""Background jobs against a real Redis and real Celery workers: nothing lost, nothing twice."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.db.models import Count

from evidence.models import LinkCheck, Source
from evidence.services import source_citation_import_request, source_link_check_request
from evidence.source_jobs import LINK_CHECK_TASK
from outbox.models import JobRequest
from tests.factories import SourceFactory, UserFactory
from tests.integration.support import free_port, wait_until

Status = JobRequest.Status

# Each test needs redis-server and starts its own workers; CI forbids skipping them.
pytestmark = [pytest.mark.services, pytest.mark.usefixtures("fast_password_hashing")]

LINK_TASK = "evidence.check_source_link"


def finished(*jobs: JobRequest) -> bool:
    ids = [job.pk for job in jobs]
    return (
        not JobRequest.objects.filter(pk__in=ids)
        .exclude(status__in=[Status.DONE, Status.FAILED])
        .exists()
    )


def link_check_jobs():
    return JobRequest.objects.filter(task=LINK_CHECK_TASK)


def test_committing_sends_one_message_and_rolling_back_sends_none(
    transactional_db, redis_server, publish_to
):
    source = SourceFactory()
    publish_to(redis_server)

    with pytest.raises(RuntimeError), transaction.atomic():
        source_link_check_request(source=source)
        raise RuntimeError("the change failed")

    assert redis_server.queued(LINK_TASK) == []
    assert not link_check_jobs().exists()

    with transaction.atomic():
        job = source_link_check_request(source=source)
        # Nothing is sent before the commit: a worker must never look for a row not yet there.
        assert redis_server.queued(LINK_TASK) == []

    assert redis_server.queued(LINK_TASK) == [[job.pk]]
    assert list(link_check_jobs()) == [job]


def test_link_checks_record_each_kind_of_answer_and_the_worker_survives(
    local_web, redis_server, publish_to, start_worker
):
    paths = {
        "ok": "/ok",
        "missing": "/missing",
        "error": "/error",
        "loop": "/loop-a",
        "slow": "/slow?seconds=3",
        "garbage": "/garbage",
    }
    sources = {name: SourceFactory(url=local_web.url(path), doi="") for name, path in paths.items()}
    worker = start_worker()
    publish_to(redis_server)

    jobs = {name: source_link_check_request(source=source) for name, source in sources.items()}
    wait_until(lambda: finished(*jobs.values()), timeout=45, what="the link checks")

    checks = {name: LinkCheck.objects.get(source=source) for name, source in sources.items()}
    found = {name: (c.ok, c.status_code, c.error, c.attempts) for name, c in checks.items()}
    assert found == {
        "ok": (True, 200, "", 1),
        "missing": (False, 404, "The server answered 404 (Not Found).", 1),
        # A 5xx and a timeout may pass: tried three times (JOB_MAX_ATTEMPTS), then recorded.
        "error": (False, 500, "The server answered 500 (Internal Server Error).", 3),
        "loop": (False, 302, "The address redirects in a loop.", 1),
        "slow": (False, None, "No answer within 1 seconds.", 3),
        "garbage": (False, None, "The server's reply was not a valid web page.", 1),
    }
    assert all(job.status == Status.DONE for job in link_check_jobs())
    assert local_web.requested(paths["error"]) == ["HEAD", "GET"] * 3

    # Still working after all that: one more check goes through.
    assert worker.alive()
    again = source_link_check_request(source=sources["ok"])
    wait_until(lambda: finished(again), timeout=20, what="a check after the bad answers")
    assert LinkCheck.objects.filter(source=sources["ok"]).count() == 2


def test_citation_import_fills_the_fields_and_a_malformed_reply_changes_nothing(
    local_web, redis_server, publish_to, start_worker, settings
):
    curator = UserFactory(is_superuser=True)
    good = SourceFactory(doi="10.1000/good", title="Kept title", authors="", venue="", year=None)
    bad = SourceFactory(doi="10.1000/not-json", title="Untouched", authors="", venue="", year=None)
    start_worker(CROSSREF_API_URL=settings.CROSSREF_API_URL)
    publish_to(redis_server)

    filled = source_citation_import_request(source=good, by=curator)
    refused = source_citation_import_request(source=bad, by=curator)
    wait_until(lambda: finished(filled, refused), timeout=30, what="the citation imports")

    good.refresh_from_db()
    assert (good.title, good.authors, good.venue, good.year) == (
        "Kept title",
        "Shields T, Slavich GS, The Trials Group",
        "JAMA Psychiatry",
        2020,
    )
    filled.refresh_from_db()
    assert filled.status == Status.DONE
    assert "Kept your title “Kept title”" in filled.message

    bad.refresh_from_db()
    assert (bad.title, bad.authors, bad.venue, bad.year) == ("Untouched", "", "", None)
    refused.refresh_from_db()
    assert refused.status == Status.FAILED
    assert "could not be used: the reply is not valid JSON. Nothing was changed." in refused.message


def test_a_job_that_always_fails_stops_at_its_retry_limit_and_is_marked_failed(
    redis_server, publish_to, start_worker
):
    curator = UserFactory(is_superuser=True)
    source = SourceFactory(doi="10.1000/good")
    # Nothing listens there: every attempt fails to connect.
    start_worker(CROSSREF_API_URL=f"http://127.0.0.1:{free_port()}/works/")
    publish_to(redis_server)

    job = source_citation_import_request(source=source, by=curator)
    wait_until(lambda: finished(job), timeout=30, what="the failing job to stop")

    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.attempts == 3
    assert job.message.startswith("Stopped after 3 attempts: Could not reach Crossref")
    # No loop: nothing left queued or in flight, and nothing more happens.
    time.sleep(2)
    job.refresh_from_db()
    assert job.attempts == 3
    assert redis_server.queued() == []
    assert redis_server.unacked() == 0


def test_a_worker_killed_mid_check_leaves_the_check_to_the_next_worker_recorded_once(
    local_web, redis_server, publish_to, start_worker
):
    path = "/slow?seconds=1&kill=1"
    source = SourceFactory(url=local_web.url(path), doi="")
    # A message taken by a dead worker is handed out again after the visibility timeout.
    env = {"LINK_CHECK_TIMEOUT": 10, "CELERY_VISIBILITY_TIMEOUT": 4}
    first = start_worker(**env)
    publish_to(redis_server)

    job = source_link_check_request(source=source)
    assert local_web.wait_for(path), "the worker never started the check"
    first.kill()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.RUNNING, 1)
    assert not LinkCheck.objects.filter(source=source).exists()

    time.sleep(4.5)  # past the visibility timeout, so the next worker takes the message back
    start_worker(**env)
    wait_until(lambda: finished(job), timeout=45, what="the check to complete on a new worker")

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)
    time.sleep(1)
    check = LinkCheck.objects.get(source=source)
    assert (check.ok, check.status_code, check.job_id) == (True, 200, job.pk)
    assert local_web.requested(path) == ["HEAD", "HEAD"]


def test_all_200_queued_jobs_complete_when_redis_restarts(
    local_web, redis_server, publish_to, start_worker
):
    with transaction.atomic():
        sources = [
            Source(
                slug=f"restart-{n}",
                title=f"Source {n}",
                # A tenth of a second each, so most are still queued when Redis goes.
                url=local_web.url(f"/slow?seconds=0.1&n={n}"),
                source_type=Source.Type.RCT,
                status=Source.Status.PUBLISHED,
            )
            for n in range(200)
        ]
        Source.objects.bulk_create(sources)
    # Duplicate deliveries count as attempts; give them room so only real failures stop a job.
    start_worker(beat=True, JOB_MAX_ATTEMPTS=20)
    publish_to(redis_server)

    for source in Source.objects.filter(slug__startswith="restart-"):
        source_link_check_request(source=source)
    queued = len(redis_server.queued(LINK_TASK))
    # Redis restarts with nothing saved: whatever was still queued is gone.
    redis_server.restart()
    assert queued >= 50, "most jobs should still be queued when Redis restarts"

    jobs = link_check_jobs()
    assert jobs.count() == 200
    wait_until(
        lambda: not jobs.exclude(status=Status.DONE).exists(),
        timeout=90,
        every=0.5,
        what=lambda: (
            "all 200 jobs to complete after the restart; now "
            + str(sorted(jobs.values_list("status", "attempts").annotate(n=Count("pk"))))
        ),
    )
    time.sleep(1)
    assert LinkCheck.objects.count() == 200
    assert LinkCheck.objects.filter(ok=True).count() == 200
    assert set(LinkCheck.objects.values_list("job", flat=True)) == set(
        jobs.values_list("pk", flat=True)
    )
