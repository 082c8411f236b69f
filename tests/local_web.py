"""A local HTTP server standing in for the internet (Crossref, a source's web page), for the
evidence tools' tests: ``local_web`` serves what a test tells it on a loopback port.

Its fixtures are imported into ``tests/conftest.py``, so every test can ask for them.
"""

import http.server
import json
import threading
import time
import urllib.parse

import pytest

CROSSREF_WORK = {
    "status": "ok",
    "message-type": "work",
    "message": {
        "DOI": "10.1000/good",
        "title": ["Psychosocial interventions and <i>immune</i> system function"],
        "author": [
            {"given": "Tianna", "family": "Shields"},
            {"given": "Grant S.", "family": "Slavich"},
            {"name": "The Trials Group"},
        ],
        "container-title": ["JAMA Psychiatry"],
        "issued": {"date-parts": [[2020, 6, 3]]},
    },
}
CROSSREF_REPLIES: dict[str, tuple[int, bytes]] = {
    "10.1000/good": (200, json.dumps(CROSSREF_WORK).encode()),
    "10.1000/not-json": (200, b"{this is not json"),
    "10.1000/no-title": (200, json.dumps({"status": "ok", "message": {"author": []}}).encode()),
    "10.1000/wrong-shape": (200, json.dumps({"status": "ok", "message": ["a list"]}).encode()),
    "10.1000/busy": (503, b"Service unavailable"),
}


class LocalWeb:
    """A small web server on 127.0.0.1 with one address per behaviour a link check meets,
    and a fake Crossref API under /works/. It remembers the requests it was sent."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.arrived = threading.Condition()
        web = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep the test output quiet
                pass

            def do_HEAD(self):
                self.answer("HEAD")

            def do_GET(self):
                self.answer("GET")

            def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
                self.send_response(status)
                headers.setdefault("Content-Type", "text/html; charset=utf-8")
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def answer(self, method: str) -> None:
                path, _, query = self.path.partition("?")
                with web.arrived:
                    web.requests.append((method, self.path, self.headers.get("Host", "")))
                    web.arrived.notify_all()
                if path.startswith("/works/"):
                    doi = urllib.parse.unquote(path.removeprefix("/works/"))
                    status, body = CROSSREF_REPLIES.get(doi, (404, b"Resource not found."))
                    return self.reply(status, body, Content_Type="application/json")
                if path == "/ok":
                    return self.reply(200, b"<p>Here</p>")
                if path == "/missing":
                    return self.reply(404, b"Not here")
                if path == "/error":
                    return self.reply(500, b"Broken")
                if path == "/forbidden":
                    return self.reply(403, b"No robots")
                if path == "/no-head":
                    return self.reply(405 if method == "HEAD" else 200, b"GET only")
                if path == "/moved":
                    return self.reply(301, Location="/ok")
                if path in ("/loop-a", "/loop-b"):
                    return self.reply(302, Location="/loop-b" if path == "/loop-a" else "/loop-a")
                if path == "/to-private":
                    return self.reply(302, Location="http://10.0.0.1/admin")
                if path == "/to-metadata":
                    return self.reply(302, Location="http://169.254.169.254/latest/meta-data/")
                if path == "/slow":
                    time.sleep(float(urllib.parse.parse_qs(query).get("seconds", ["3"])[0]))
                    return self.reply(200, b"Finally")
                if path == "/garbage":
                    self.wfile.write(b"\x00\xff\xfe garbage \x13\x37 not http\r\n\r\n")
                    self.close_connection = True
                    return None
                return self.reply(404, b"Unknown test path")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requested(self, path: str) -> list[str]:
        return [method for method, p, _host in self.requests if p == path]

    def wait_for(self, path: str, timeout: float = 20) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: self.requested(path), timeout)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def _local_web_server():
    web = LocalWeb()
    yield web
    web.close()


@pytest.fixture
def local_web(_local_web_server, settings):
    """The local web server, reachable by link checks (loopback allowed) and as Crossref."""
    settings.LINK_CHECK_ALLOW_LOOPBACK = True
    settings.LINK_CHECK_TIMEOUT = 1.0
    settings.CROSSREF_API_URL = _local_web_server.url("/works/")
    settings.CROSSREF_TIMEOUT = 2.0
    _local_web_server.requests.clear()
    return _local_web_server
