"""Link checks: what each kind of answer records, and the guard against request forgery."""

import socket

import pytest

from evidence import links
from evidence.models import LinkCheck, Source
from evidence.services import CurationError, source_link_check_request
from outbox.jobs import job_run
from outbox.models import JobRequest
from tests.factories import JobRequestFactory, LinkCheckFactory, SourceFactory

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.mark.parametrize(
    ("path", "ok", "status", "error", "passing"),
    [
        ("/ok", True, 200, "", False),
        ("/moved", True, 200, "", False),
        ("/no-head", True, 200, "", False),
        ("/forbidden", True, 403, "", False),
        ("/missing", False, 404, "The server answered 404 (Not Found).", False),
        ("/error", False, 500, "The server answered 500 (Internal Server Error).", True),
        ("/loop-a", False, 302, "The address redirects in a loop.", False),
        ("/garbage", False, None, "The server's reply was not a valid web page.", False),
        ("/slow?seconds=3", False, None, "No answer within 1 seconds.", True),
    ],
)
def test_probe_records_what_the_server_answered(local_web, path, ok, status, error, passing):
    probe = links.link_probe(local_web.url(path))

    assert (probe.ok, probe.status_code, probe.error, probe.passing) == (
        ok,
        status,
        error,
        passing,
    )


def test_probe_falls_back_to_get_when_head_is_refused(local_web):
    links.link_probe(local_web.url("/no-head"))

    assert local_web.requested("/no-head") == ["HEAD", "GET"]


def test_probe_does_not_ask_again_after_a_timeout(local_web):
    links.link_probe(local_web.url("/slow?seconds=2"))

    assert local_web.requested("/slow?seconds=2") == ["HEAD"]


def test_probe_follows_a_redirect_to_where_it_leads(local_web):
    probe = links.link_probe(local_web.url("/moved"))

    assert probe.final_url == local_web.url("/ok")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/file",
        "gopher://127.0.0.1:6379/_INFO",
        "http:///no-host",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://[::ffff:10.0.0.1]/",
        "http://224.0.0.1/",
    ],
)
def test_probe_refuses_addresses_that_are_not_public_http(settings, url):
    settings.LINK_CHECK_ALLOW_LOOPBACK = False

    probe = links.link_probe(url)

    assert not probe.ok
    assert not probe.passing
    assert probe.status_code is None


def test_probe_refuses_loopback_unless_allowed(local_web, settings):
    settings.LINK_CHECK_ALLOW_LOOPBACK = False

    probe = links.link_probe(local_web.url("/ok"))

    assert "not on a public network" in probe.error
    assert local_web.requests == []


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_probe_refuses_a_redirect_into_a_private_network(local_web, path):
    probe = links.link_probe(local_web.url(path))

    assert not probe.ok
    assert "not on a public network" in probe.error


def test_probe_refuses_a_name_that_resolves_to_a_private_address(monkeypatch, settings):
    settings.LINK_CHECK_ALLOW_LOOPBACK = False

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    probe = links.link_probe("https://intranet.example.org/")

    assert "intranet.example.org is not on a public network" in probe.error


def test_probe_refuses_a_name_with_any_private_address(monkeypatch, settings):
    def resolve(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    settings.LINK_CHECK_ALLOW_LOOPBACK = False

    assert "not on a public network" in links.link_probe("http://rebind.example.org/").error


def test_probe_connects_to_the_address_it_checked_and_sends_the_host_name(local_web, monkeypatch):
    # The name is resolved once and the connection goes to that address, so a DNS answer that
    # changes between the check and the connection (DNS rebinding) cannot redirect it.
    real = socket.getaddrinfo
    calls = []

    def resolve(host, port, *args, **kwargs):
        calls.append(host)
        if host == "journal.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    probe = links.link_probe(f"http://journal.test:{local_web.port}/ok")

    assert probe.ok
    assert calls.count("journal.test") == 1
    assert local_web.requests[0][2] == f"journal.test:{local_web.port}"


@pytest.fixture
def source(db):
    return SourceFactory(url="https://example.org/paper", doi="")


def check(source, *, ok, error=""):
    probe = links.Probe(
        url=source.link, ok=ok, status_code=200 if ok else 404, error=error, final_url=source.link
    )
    return links.source_link_record(source=source, probe=probe)


def test_one_failure_is_recorded_but_not_yet_flagged(source):
    message = check(source, ok=False, error="The server answered 404 (Not Found).")

    source.refresh_from_db()
    assert (source.link_broken, source.link_status) == (False, 404)
    assert source.link_checked_at is not None
    assert "One more failure will flag it" in message
    assert LinkCheck.objects.get(source=source).error == "The server answered 404 (Not Found)."


def test_two_failures_in_a_row_flag_the_link_as_broken(source):
    check(source, ok=False)
    message = check(source, ok=False)

    source.refresh_from_db()
    assert source.link_broken
    assert "now flagged as broken" in message
    assert source.link_checks.count() == 2


def test_a_success_between_failures_resets_the_count(source):
    check(source, ok=False)
    check(source, ok=True)
    check(source, ok=False)

    source.refresh_from_db()
    assert not source.link_broken


def test_a_working_link_clears_the_broken_flag(source):
    LinkCheckFactory(source=source, ok=False, status_code=404)
    Source.objects.filter(pk=source.pk).update(link_broken=True)

    check(source, ok=True)

    source.refresh_from_db()
    assert not source.link_broken
    assert source.link_status == 200


def test_a_check_leaves_the_source_history_and_catalogue_version_alone(source):
    versions = source.history.count()

    check(source, ok=False)
    check(source, ok=False)

    assert source.history.count() == versions


def test_a_job_records_its_check_once_however_often_it_runs(db, local_web):
    source = SourceFactory(url=local_web.url("/ok"), doi="")
    job = JobRequestFactory(source=source)

    job_run(job_id=job.pk, work=links.source_link_check)
    job_run(job_id=job.pk, work=links.source_link_check)

    job.refresh_from_db()
    assert job.status == JobRequest.Status.DONE
    assert job.message == "The link works (200)."
    assert LinkCheck.objects.filter(source=source).count() == 1
    assert job.link_check.ok


def test_a_passing_failure_is_tried_again_before_it_is_recorded(db, local_web):
    source = SourceFactory(url=local_web.url("/error"), doi="")
    job = JobRequestFactory(source=source)
    delays = []

    job_run(job_id=job.pk, work=links.source_link_check, retry=delays.append)

    job.refresh_from_db()
    assert job.status == JobRequest.Status.PENDING
    assert len(delays) == 1
    assert not LinkCheck.objects.exists()


def test_the_last_attempt_records_the_failure(db, local_web, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    source = SourceFactory(url=local_web.url("/error"), doi="")
    job = JobRequestFactory(source=source)

    job_run(job_id=job.pk, work=links.source_link_check, retry=lambda delay: None)

    job.refresh_from_db()
    assert job.status == JobRequest.Status.DONE
    assert job.link_check.status_code == 500


def test_check_links_now_runs_the_check_after_commit(
    local_web, curator, django_capture_on_commit_callbacks
):
    source = SourceFactory(url=local_web.url("/missing"), doi="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = source_link_check_request(source=source, by=curator)

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobRequest.Status.DONE
    assert job.link_check.status_code == 404


def test_check_links_now_needs_a_link(curator):
    source = SourceFactory(url="", doi="", pmid="")

    with pytest.raises(CurationError, match="no DOI, URL or PMID"):
        source_link_check_request(source=source, by=curator)


def test_check_links_now_needs_permission_to_change_sources(editor):
    with pytest.raises(CurationError, match="permission"):
        source_link_check_request(source=SourceFactory(), by=editor)
