"""The production web stack, end to end: nginx → gunicorn → the test database + Redis.

nginx runs the repository's own site file (deploy/nginx/wellness.conf.template) in front of
gunicorn with production settings and one sync worker, so a request that held that worker would
stall the whole site. Through it: a client that goes quiet is cut off by nginx and never reaches
gunicorn, which stays free for everyone else; oversized bodies of every kind get a 413 at once,
in the app's own words; static files come from nginx with their cache and security headers; a
page has its security headers, and the app trusts exactly the forwarded headers nginx sets.
The app's own refusals, without nginx: tests/security/test_body_limits.py.
"""

from __future__ import annotations

import json
import re
import socket
import time
import uuid

import pytest
from django.conf import settings

from tests.integration.stack import CLIENT_TIMEOUT_SECONDS, RENDER
from tests.integration.support import wait_until

pytestmark = pytest.mark.services

MB = 1024 * 1024
RECOMMENDATIONS = "/api/v1/recommendations/"
GOALS = "/questions/goals/"
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def stack(start_web_stack, seed_catalogue):
    seed_catalogue()
    return start_web_stack()


def until_closed(connection: socket.socket, *, timeout: float) -> bytes:
    """Read what the other end sends until it closes the connection (or ``timeout`` passes)."""
    connection.settimeout(timeout)
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return received


def ask_for_sleep(stack, **headers: str):
    body = json.dumps({"goals": ["sleep"]}).encode()
    return stack.nginx.request(
        "POST", RECOMMENDATIONS, body, **{"Content-Type": "application/json", **headers}
    )


def gunicorn_saw(stack, method: str, path: str) -> bool:
    return f'"{method} {path}"' in stack.gunicorn.output()


def gunicorn_saw_times(stack, method: str, path: str, *, expected: int) -> int:
    """How often gunicorn logged this request, once it has logged ``expected`` of them: it
    writes its access line just after the answer, so a test may read the log before then."""
    line = f'"{method} {path}"'
    wait_until(
        lambda: stack.gunicorn.output().count(line) >= expected,
        timeout=5,
        what=f"gunicorn to log {line} {expected} time(s)",
    )
    return stack.gunicorn.output().count(line)


# --- A client that goes quiet ---------------------------------------------------------------


@pytest.mark.parametrize("quiet_in", ["body", "headers"])
def test_a_quiet_client_is_cut_off_by_nginx_and_gunicorn_stays_free(stack, quiet_in):
    head = (
        f"POST {RECOMMENDATIONS} HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    slow = stack.nginx.connect()
    # A Content-Length larger than the body sent, or headers that never end.
    slow.sendall(head + b'{"goals": ' if quiet_in == "body" else head[:40])
    started = time.monotonic()

    # Meanwhile gunicorn's only worker answers someone else at once.
    other = ask_for_sleep(stack)
    answered_other = time.monotonic() - started
    answer = until_closed(slow, timeout=CLIENT_TIMEOUT_SECONDS + 10)
    cut_off = time.monotonic() - started

    assert other.status == 200, other.body[:300]
    assert answered_other < 1
    print(f"quiet in its {quiet_in}: the other request took {answered_other:.3f}s; "
          f"nginx cut the quiet client off after {cut_off:.2f}s")  # fmt: skip
    assert CLIENT_TIMEOUT_SECONDS - 0.5 < cut_off < CLIENT_TIMEOUT_SECONDS + 3
    assert not re.match(rb"HTTP/1\.1 5\d\d", answer)
    # The quiet request never reached gunicorn; the other one did.
    assert gunicorn_saw_times(stack, "POST", RECOMMENDATIONS, expected=1) == 1
    assert f'"POST {RECOMMENDATIONS}" 408' in stack.nginx.access_log.read_text()


# --- Bodies past the limit -------------------------------------------------------------------


def padded_json(size: int) -> bytes:
    return json.dumps({"goals": ["sleep"], "padding": "x" * size}).encode()


def multipart_file(size: int) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="goals"\r\n\r\nsleep\r\n'
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"x" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def post(stack, path: str, body: bytes, content_type: str, *, chunked: bool):
    if chunked:
        pieces = (body[i : i + 64 * 1024] for i in range(0, len(body), 64 * 1024))
        return stack.nginx.request(
            "POST", path, pieces, **{"Content-Type": content_type, "Transfer-Encoding": "chunked"}
        )
    return stack.nginx.request("POST", path, body, **{"Content-Type": content_type})


API_BODIES = {
    "1MB": (padded_json(1 * MB), False),
    "20MB": (padded_json(20 * MB), False),
    "100000 goals": (json.dumps({"goals": ["sleep"] * 100_000}).encode(), False),
    "between the API's and the form limit": (padded_json(100 * 1024), False),
    "1MB chunked": (padded_json(1 * MB), True),
    "20MB chunked": (padded_json(20 * MB), True),
}


def test_oversized_api_bodies_get_a_413_problem_at_once(stack):
    # One stack for every kind of body: each starts in a second or two.
    for name, (body, chunked) in API_BODIES.items():
        started = time.monotonic()
        response = post(stack, RECOMMENDATIONS, body, "application/json", chunked=chunked)
        took = time.monotonic() - started

        assert response.status == 413, (name, response.body[:300])
        assert response.getheader("Content-Type") == "application/problem+json", name
        assert json.loads(response.body)["status"] == 413, name
        print(f"{name}: 413 after {took:.3f}s")
        assert took < 1, name
    # nginx refused every body; gunicorn was asked only for the words, once each, without one.
    assert gunicorn_saw_times(stack, "GET", RECOMMENDATIONS, expected=len(API_BODIES)) == len(
        API_BODIES
    )
    assert not gunicorn_saw(stack, "POST", RECOMMENDATIONS)


def test_a_20_mb_file_to_a_form_gets_the_413_page_at_once(stack):
    body, content_type = multipart_file(20 * MB)
    for chunked in (False, True):
        started = time.monotonic()
        response = post(stack, GOALS, body, content_type, chunked=chunked)
        took = time.monotonic() - started

        assert response.status == 413, chunked
        assert b"The form sent too much" in response.body
        assert response.getheader("Content-Type").startswith("text/html")
        print(f"20 MB file ({'chunked' if chunked else 'with a length'}): 413 after {took:.3f}s")
        assert took < 1, chunked
    assert gunicorn_saw_times(stack, "GET", GOALS, expected=2) == 2
    assert not gunicorn_saw(stack, "POST", GOALS)


def test_a_chunked_body_within_the_limit_reaches_the_app_whole(stack):
    body = json.dumps({"goals": ["sleep"]}).encode()

    response = post(stack, RECOMMENDATIONS, body, "application/json", chunked=True)

    assert response.status == 200, response.body[:300]
    assert json.loads(response.body)["recommendations"]


def test_the_proxy_limits_are_the_apps_limits():
    site = RENDER.with_name("wellness.conf.template").read_text()
    sizes = dict(re.findall(r"location (/\S*) \{[^}]*?client_max_body_size (\d+)k;", site))
    overall = re.search(r"^    client_max_body_size (\d+)k;", site, re.MULTILINE)

    assert overall and int(overall[1]) * 1024 == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert int(sizes["/api/"]) * 1024 == settings.API_MAX_BODY_BYTES


# --- Static files and pages ------------------------------------------------------------------


def security_headers(response) -> dict[str, str | None]:
    return {name: response.getheader(name) for name in SECURITY_HEADERS}


def same_security_headers(response) -> dict[str, object]:
    """The security headers, with the policy's directives in no particular order (django-csp
    writes them in whatever order its dictionary holds them)."""
    headers: dict[str, object] = dict(security_headers(response))
    policy = headers["Content-Security-Policy"]
    if isinstance(policy, str):
        headers["Content-Security-Policy"] = {part.strip() for part in policy.split(";")}
    return headers


def test_static_files_come_from_nginx_with_cache_and_security_headers(stack, static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    name = next(n for n in manifest if n.startswith("css/") and n.endswith(".css"))
    hashed = f"/static/{manifest[name]}"

    response = stack.nginx.request("GET", hashed)
    plain = stack.nginx.request("GET", f"/static/{name}")
    packed = stack.nginx.request("GET", hashed, **{"Accept-Encoding": "gzip"})
    from_the_app = stack.gunicorn.request("GET", hashed)

    assert response.status == 200
    assert response.body == (static_root / manifest[name]).read_bytes()
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert plain.status == 200
    assert plain.getheader("Cache-Control") == "public, max-age=60"
    assert packed.getheader("Content-Encoding") == "gzip"
    assert packed.getheader("Vary") == "Accept-Encoding"
    # The same security headers as the app puts on the same file (WhiteNoise, behind nginx).
    assert from_the_app.status == 200
    assert same_security_headers(response) == same_security_headers(from_the_app)
    assert all(security_headers(response).values())
    # Only the request the test sent to gunicorn itself reached it.
    assert gunicorn_saw_times(stack, "GET", hashed, expected=1) == 1


def test_a_page_has_the_security_headers_and_the_forwarded_headers_nginx_sets(stack):
    # What a client says about its scheme is replaced: the app sees https from nginx alone
    # (gunicorn would refuse the contradiction of these two, and the app would redirect).
    response = stack.nginx.request(
        "GET", "/?q=private-words", **{"X-Forwarded-Proto": "http", "X-Forwarded-Ssl": "on"}
    )
    redirect = socket.create_connection(("127.0.0.1", stack.nginx.http_port), timeout=5)
    redirect.sendall(b"GET /about/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    plain_http = until_closed(redirect, timeout=5)

    assert response.status == 200, response.body[:300]
    headers = security_headers(response)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert response.getheader("Server") == "nginx"  # no version
    assert plain_http.startswith(b"HTTP/1.1 301")
    assert b"Location: https://localhost/about/" in plain_http
    # nginx's log holds the path alone: no query string, no address.
    log = stack.nginx.access_log.read_text()
    assert '"GET /" 200' in log
    assert "private-words" not in log
    assert "127.0.0.1" not in log


def test_the_app_counts_the_address_nginx_gives_not_one_the_client_claims(
    start_web_stack, seed_catalogue
):
    seed_catalogue()
    stack = start_web_stack(API_RATE_RECOMMENDATIONS="3/minute")

    statuses = [
        ask_for_sleep(stack, **{"X-Forwarded-For": f"203.0.113.{n}"}).status for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
