"""``make bench``, its requests: what each endpoint is sent (a form with a real CSRF cookie and
token, a results page with the answers cookie), the check that it answers 200, the wrk run, and
the SQL queries counted in-process with Django's test client."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.web_server import PROXIED, VAR, origin

LUA = Path(__file__).with_name("wrk.lua")


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    body: bytes = b""
    content_type: str = ""
    form: bool = False  # an HTML form post: needs the CSRF cookie and token, as a browser sends
    results: bool = False  # a results page: needs the answers cookie the results POST sets
    answers: bool = False  # a questionnaire step: sent with the answers cookie and CSRF cookie
    every_answer: bool = False  # ... with every question answered (the check page)
    target: float | None = None  # the least requests/s as a share of H
    max_queries: int | None = None
    p99_factor: float | None = None  # the most p99 may be, as a multiple of p50


@dataclass(frozen=True)
class Prepared:
    body: bytes
    content_type: str
    cookie: str


def prepare_requests(base: str, answers: dict, chosen: list[Endpoint]) -> dict[str, Prepared]:
    """Return each endpoint's body and headers; a form gets a real CSRF cookie and token."""
    from wellness.answers import to_token

    token = to_token(
        {
            "goals": answers["goals"],
            "conditions": dict.fromkeys(answers["conditions"], "yes"),
            "format": "any",
            "pressure": "any",
        }
    )
    # As a browser does: read a page with a form for the CSRF cookie and the form's token.
    page = urllib.request.Request(base + "/questions/goals/", headers=PROXIED)  # noqa: S310
    with urllib.request.urlopen(page, timeout=30) as response:  # noqa: S310
        html = response.read().decode()
        cookie = next(
            c.split(";", 1)[0]
            for c in response.headers.get_all("Set-Cookie")
            if c.startswith("csrftoken=")
        )
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "answers": token}).encode()
    results_cookie = _results_cookie(base, form, cookie)
    answers_cookie, complete = _answers_cookie(answers)
    step_cookie = f"{cookie}; {answers_cookie}"
    prepared = {}
    for e in chosen:
        if e.every_answer and not complete:
            print(
                f"== {e.name}: not measured: every question answered makes an answers cookie "
                f"over the {BROWSER_COOKIE_BYTES:,} bytes a browser keeps",
                flush=True,
            )
            continue
        if e.form:
            prepared[e.name] = Prepared(form, "application/x-www-form-urlencoded", cookie)
        elif e.results:
            prepared[e.name] = Prepared(b"", "", results_cookie)
        elif e.answers:
            prepared[e.name] = Prepared(b"", "", step_cookie)
        else:
            prepared[e.name] = Prepared(e.body, e.content_type, "")
    return prepared


# The most a browser keeps of one cookie (RFC 6265 asks for at least this much; browsers keep
# no more).
BROWSER_COOKIE_BYTES = 4096


def _answers_cookie(answers: dict) -> tuple[str, bool]:
    """Return the questionnaire's answers cookie as a browser sends it, and whether it holds
    every answer: the goals, yes to the chosen conditions, no to every other question. Where
    that is more than a browser keeps (the large catalogue asks 200 more questions), the
    cookie of someone mid-way: the goals, the crisis question and the yes-answers."""
    import django

    django.setup()
    from django.http import HttpResponse

    from therapies.models import Condition
    from wellness import answers as answer_store

    asked = Condition.objects.active().filter(is_crisis=False).values_list("slug", flat=True)
    yes = dict.fromkeys(answers["conditions"], "yes")
    for every in (dict.fromkeys(asked, "no"), {}):
        response = HttpResponse()
        conditions = {"crisis": "no", **every, **yes}
        chosen = {"goals": answers["goals"], "conditions": conditions}
        answer_store.write(response, {**chosen, "format": "any", "pressure": "any"})
        cookie = response.cookies[answer_store.COOKIE].OutputString().split(";", 1)[0]
        if len(cookie) <= BROWSER_COOKIE_BYTES:
            return cookie, bool(every) or not asked
    return cookie, False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _results_cookie(base: str, form: bytes, csrf_cookie: str) -> str:
    """Post the answers as the check page does, and return the results cookie it sets."""
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        base + "/results/",
        data=form,
        method="POST",
        headers={
            **PROXIED,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf_cookie,
            "Origin": origin(base),
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:  # the 303, not followed
        response = error
    return next(
        c.split(";", 1)[0]
        for c in response.headers.get_all("Set-Cookie")
        if c.startswith("wellness_results=")
    )


def check(base: str, endpoint: Endpoint, prepared: Prepared) -> None:
    """Stop unless the endpoint answers 200 to exactly what wrk will send."""
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        base + endpoint.path,
        data=prepared.body or None,
        method=endpoint.method,
        headers={
            **PROXIED,
            **{
                k: v
                for k, v in (("Content-Type", prepared.content_type), ("Cookie", prepared.cookie))
                if v
            },
            **({"Origin": origin(base)} if endpoint.form else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, b""
    if status != 200:
        raise SystemExit(f"{endpoint.name}: {endpoint.method} {endpoint.path} answered {status}")
    if endpoint.results and b'id="summary"' not in body:
        raise SystemExit(f"{endpoint.name}: the answers cookie did not bring the results")


def wrk(base: str, endpoint: Endpoint, prepared: Prepared, seconds: int, connections: int) -> dict:
    body_file = VAR / "body"
    body_file.write_bytes(prepared.body)
    env = {
        **os.environ,
        "BENCH_METHOD": endpoint.method,
        "BENCH_BODY_FILE": str(body_file) if prepared.body else "",
        "BENCH_CONTENT_TYPE": prepared.content_type,
        "BENCH_COOKIE": prepared.cookie,
        # A browser posting a form over https says where from; CSRF protection checks it.
        "BENCH_ORIGIN": origin(base) if endpoint.form else "",
    }
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        base + endpoint.path,
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in output.splitlines() if ln.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def count_queries(chosen: list[Endpoint], prepared: dict[str, Prepared]) -> dict[str, tuple]:
    """Return each endpoint's SQL queries once warm, and the size of its answer, in-process."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # The worst case: a request that reads the change marker, as one does each
    # CATALOGUE_MARKER_MAX_AGE; the others in between run none.
    settings.CATALOGUE_MARKER_MAX_AGE = 0
    client = Client()
    counts = {}
    for endpoint in chosen:
        request = prepared[endpoint.name]
        client.cookies.clear()
        client.cookies.load(request.cookie)  # as the browser's Cookie header holds them

        def send(endpoint=endpoint, request=request):
            return client.generic(
                endpoint.method,
                endpoint.path,
                data=request.body,
                content_type=request.content_type or "application/octet-stream",
                secure=True,
            )

        send()  # warm: this process's snapshot, caches and connection
        with CaptureQueriesContext(connection) as queries:
            response = send()
        if response.status_code != 200:
            raise SystemExit(f"{endpoint.name} answered {response.status_code} in-process")
        if endpoint.results and b'id="summary"' not in response.content:
            raise SystemExit(f"{endpoint.name}: no results in-process (the answers cookie?)")
        counts[endpoint.name] = (len(queries), len(response.content))
    connections.close_all()
    return counts
