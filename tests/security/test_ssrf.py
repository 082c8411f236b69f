"""The link checker and the DOI import fetch only public http(s) addresses (server-side request
forgery), after DNS resolution and after every redirect.

No test here can reach another machine, even if the guard were broken: a jail replaces
``socket.create_connection``, ``socket.getaddrinfo`` and ``socket.gethostbyname``. Names under
``example.org`` resolve to ``PUBLIC_STAND_IN``, a public address the jail reroutes to this
test's web server on 127.0.0.1; ``inward.example.org`` resolves to 127.0.0.1. The jail records
every connection asked for and refuses any to another address, so a test can prove that none
was attempted. Loopback is not allowed to the checker here (``LINK_CHECK_ALLOW_LOOPBACK`` off),
which is how the local server proves a refusal: it must never receive the request.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading

import pytest

from evidence import doi, links
from evidence.models import Source
from evidence.source_jobs import CITATION_IMPORT_TASK
from outbox.jobs import JobFailed, JobRetry
from outbox.models import JobRequest
from tests.conftest import CROSSREF_WORK
from tests.factories import JobRequestFactory, SourceFactory

PUBLIC_STAND_IN = "93.184.215.14"  # is_global; never contacted: the jail reroutes it
LOOPBACK = {"127.0.0.1", "::1"}


class Server:
    """A web server on 127.0.0.1 that redirects wherever a test needs and serves Crossref."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self.answer()

            def do_GET(self):
                self.answer()

            def answer(self):
                server.paths.append(self.path)
                targets = {
                    "/to-loopback": f"http://127.0.0.1:{server.port}/ok",
                    "/to-localhost": f"http://localhost:{server.port}/ok",
                    "/to-private": "http://10.0.0.1/admin",
                    "/to-metadata": "http://169.254.169.254/latest/meta-data/",
                    "/to-file": "file:///etc/passwd",
                    "/to-ftp": "ftp://journal.example.org/paper.pdf",
                }
                body, status, location = b"", 200, targets.get(self.path.split("?")[0])
                if location is None and self.path.startswith("/works/10.1000/redirect-"):
                    location = targets["/to-" + self.path.rsplit("redirect-", 1)[1]]
                if location:
                    status = 302
                elif self.path.startswith("/works/"):
                    body = json.dumps(CROSSREF_WORK).encode()
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture(scope="module")
def server():
    web = Server()
    yield web
    web.httpd.shutdown()
    web.httpd.server_close()


class Jail:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.refused: list[str] = []  # connections the jail had to stop
        self.connections: list[tuple[str, int]] = []  # every connection asked for

    def getaddrinfo(self, host, port, *args, **kwargs):
        if host == "inward.example.org":
            address = "127.0.0.1"
        elif str(host).endswith(".example.org"):
            address = PUBLIC_STAND_IN
        elif host in ("localhost", *LOOPBACK) or _is_ip(host):
            return _real_getaddrinfo(host, port, *args, **kwargs)
        else:
            raise socket.gaierror(f"test jail: no DNS for {host}")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def gethostbyname(self, host):
        return self.getaddrinfo(host, 0)[0][4][0]

    def create_connection(self, address, *args, **kwargs):
        host = address[0]
        if not _is_ip(host):  # urllib connects by name: resolve it as the jail's DNS would
            host = self.getaddrinfo(host, address[1])[0][4][0]
            address = (host, address[1])
        self.connections.append((host, address[1]))
        if host == PUBLIC_STAND_IN:
            return _real_create_connection(("127.0.0.1", self.server.port), *args, **kwargs)
        if host in LOOPBACK:
            return _real_create_connection(address, *args, **kwargs)
        self.refused.append(host)
        raise ConnectionRefusedError(f"test jail: no connection to {host}")


_real_getaddrinfo = socket.getaddrinfo
_real_create_connection = socket.create_connection


def _is_ip(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return True


@pytest.fixture
def jail(server, monkeypatch, settings):
    settings.LINK_CHECK_ALLOW_LOOPBACK = False
    settings.LINK_CHECK_TIMEOUT = 2.0
    settings.CROSSREF_TIMEOUT = 2.0
    server.paths.clear()
    cell = Jail(server)
    monkeypatch.setattr(socket, "getaddrinfo", cell.getaddrinfo)
    monkeypatch.setattr(socket, "gethostbyname", cell.gethostbyname)  # ftplib asks this way
    monkeypatch.setattr(socket, "create_connection", cell.create_connection)
    return cell


def test_the_jail_lets_a_public_name_reach_the_local_server(jail, server):
    # The control for every test below: the checker does fetch a public address.
    probe = links.link_probe("http://journal.example.org/ok")

    assert probe.ok, probe.error
    assert server.paths == ["/ok"]


# --- The link checker --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://journal.example.org/paper.pdf",
        "gopher://journal.example.org/",
        "javascript:alert(1)",
    ],
)
def test_link_check_refuses_a_scheme_other_than_http_and_https(jail, server, url):
    probe = links.link_probe(url)

    assert not probe.ok
    assert "Only http and https" in probe.error
    assert server.paths == [] and jail.connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/ok",
        "http://[::1]:{port}/ok",
        "http://localhost:{port}/ok",
        "http://inward.example.org:{port}/ok",  # a name that resolves to loopback
        "http://10.0.0.1/",
        "http://10.255.255.254:8080/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]:{port}/ok",
        "http://0.0.0.0:{port}/ok",
    ],
)
def test_link_check_refuses_loopback_private_and_link_local_addresses(jail, server, url):
    probe = links.link_probe(url.format(port=server.port))

    assert not probe.ok
    assert "not on a public network" in probe.error
    assert server.paths == [], "the local server was reached"
    assert jail.connections == [], "a connection was attempted"


@pytest.mark.parametrize("path", ["/to-loopback", "/to-localhost", "/to-private", "/to-metadata"])
def test_link_check_refuses_a_public_host_that_redirects_inwards(jail, server, path):
    probe = links.link_probe(f"http://journal.example.org{path}")

    assert not probe.ok
    assert "not on a public network" in probe.error
    assert server.paths == [path], "the redirect was followed"
    assert jail.connections == [(PUBLIC_STAND_IN, 80)], "a connection was attempted"


@pytest.mark.parametrize("path", ["/to-file", "/to-ftp"])
def test_link_check_refuses_a_redirect_to_another_scheme(jail, server, path):
    probe = links.link_probe(f"http://journal.example.org{path}")

    assert not probe.ok
    assert "Only http and https" in probe.error
    assert server.paths == [path]


# --- The DOI import ----------------------------------------------------------------------------


def import_citation(identifier: str = "10.1000/good") -> JobRequest:
    source = SourceFactory(doi=identifier, title="Kept", authors="", venue="", year=None)
    return JobRequestFactory(task=CITATION_IMPORT_TASK, source=source)


# The DOI import fetches through the link checker's guard (evidence.links.fetch_public): only
# http(s) on public addresses, re-checked at every redirect.


def test_doi_import_reaches_crossref_on_a_public_address(jail, server, settings, db):
    settings.CROSSREF_API_URL = "http://api.crossref.example.org/works/"
    job = import_citation()

    doi.source_citation_import(job, last_attempt=True)()

    assert Source.objects.get(pk=job.args["source"]).venue == "JAMA Psychiatry"
    assert server.paths == ["/works/10.1000/good"]


@pytest.mark.parametrize(
    "base",
    [
        "http://127.0.0.1:{port}/works/",
        "http://[::1]:{port}/works/",
        "http://inward.example.org:{port}/works/",
        "http://10.0.0.1/works/",
        "http://169.254.169.254/works/",
        "file://{files}/works/",
        "ftp://api.crossref.example.org/works/",
    ],
)
def test_doi_import_refuses_a_crossref_address_that_is_not_public_http(
    jail, server, settings, db, tmp_path, base
):
    # A file that would be a good reply, so that reading it would show as an import.
    (tmp_path / "works" / "10.1000").mkdir(parents=True)
    (tmp_path / "works" / "10.1000" / "good").write_text(json.dumps(CROSSREF_WORK))
    settings.CROSSREF_API_URL = base.format(port=server.port, files=tmp_path)
    job = import_citation()

    with pytest.raises(JobFailed):
        doi.source_citation_import(job, last_attempt=True)

    assert server.paths == [] and jail.connections == []


@pytest.mark.parametrize(
    "target",
    [
        "loopback",
        "localhost",
        "private",
        "metadata",
        "file",  # urllib itself refuses to follow a redirect to file://
        "ftp",
    ],
)
def test_doi_import_refuses_a_redirect_inwards_or_to_another_scheme(
    jail, server, settings, db, target
):
    settings.CROSSREF_API_URL = "http://api.crossref.example.org/works/"
    job = import_citation(f"10.1000/redirect-{target}")

    with pytest.raises((JobFailed, JobRetry)):
        doi.source_citation_import(job, last_attempt=True)

    assert server.paths == [f"/works/10.1000/redirect-{target}"], "the redirect was followed"
    assert jail.connections == [(PUBLIC_STAND_IN, 80)], "a connection was attempted"
