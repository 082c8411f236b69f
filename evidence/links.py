"""Check that a source's public link still answers, fetching only public http(s) addresses.

The guard against server-side request forgery: only http and https; every host name is resolved
here and refused if any of its addresses is private, loopback, link-local, multicast or reserved;
the connection goes to the address that was checked (so DNS cannot change its answer in between);
redirects are followed by hand, each hop checked the same way. Tests may allow loopback with
``LINK_CHECK_ALLOW_LOOPBACK`` to reach their own local server; nothing else is ever allowed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

from evidence.models import LinkCheck, Source
from evidence.source_jobs import job_source
from outbox.jobs import JobRetry
from outbox.models import JobRequest

USER_AGENT = "WellnessLinkChecker/1.0 (checks that cited sources are still online)"
# Statuses that show the page is there: some publishers refuse robots a page that exists.
REACHABLE = {401, 403}
# Failures worth trying again later, rather than recording at once.
PASSING_STATUSES = {408, 425, 429, 500, 502, 503, 504}
REDIRECTS = {301, 302, 303, 307, 308}
SAFE_PATH = "/%:@!$&'()*+,;=-._~"
# Read no more of a page than this: the status line and headers are what matter.
MAX_BODY_BYTES = 64 * 1024


class LinkRefused(Exception):
    """An address the checker will not fetch (not http(s), or not on a public network)."""


@dataclass(frozen=True)
class Probe:
    """What one check found."""

    url: str
    ok: bool
    status_code: int | None = None
    error: str = ""
    final_url: str = ""
    passing: bool = False  # a failure that may clear up if tried again
    # Worth asking again with GET: the server answered, though not as hoped, to HEAD.
    answered: bool = False


def _allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return settings.LINK_CHECK_ALLOW_LOOPBACK
    return ip.is_global and not ip.is_multicast


def resolve_public(url: str) -> tuple[str, str, int, str]:
    """Return (scheme, host, port, address) for a URL the checker may fetch, or refuse it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise LinkRefused("Only http and https addresses are checked.")
    if not parts.hostname:
        raise LinkRefused("The address has no host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as bad_port:
        raise LinkRefused("The address has an invalid port.") from bad_port
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as unknown:
        raise JobRetry(f"The host name {parts.hostname} could not be found.") from unknown
    addresses = [str(info[4][0]) for info in infos]  # an IPv4 or IPv6 address, as text
    # Every address must be allowed: a name that also resolves inward is refused whole.
    if not addresses or not all(_allowed(a) for a in addresses):
        raise LinkRefused(f"{parts.hostname} is not on a public network, so it is not fetched.")
    return parts.scheme, parts.hostname, port, addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connect to the address already checked, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name, as for any https request.
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _request(
    method: str,
    url: str,
    timeout: float,
    *,
    headers: dict[str, str] | None = None,
    keep_body: int = 0,
) -> tuple[int, str, bytes]:
    """Make one request without following redirects; return status, any Location, and body.

    The body is read up to ``keep_body`` bytes (plus one, so the caller can tell it was cut).
    """
    scheme, host, port, address = resolve_public(url)
    parts = urlsplit(url)
    path = quote(parts.path or "/", safe=SAFE_PATH)
    if parts.query:
        path += "?" + quote(parts.query, safe=SAFE_PATH + "?")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = connection_class(host, port, address=address, timeout=timeout)
    try:
        sent = {"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close", **(headers or {})}
        conn.request(method, path, headers=sent)
        response = conn.getresponse()
        body = b""
        if method != "HEAD":
            body = response.read(keep_body + 1 if keep_body else MAX_BODY_BYTES)
        return response.status, response.getheader("Location", ""), body if keep_body else b""
    finally:
        conn.close()


def fetch_public(
    url: str, *, timeout: float, headers: dict[str, str], max_bytes: int
) -> tuple[int, bytes]:
    """GET a URL on a public network, following redirects by hand through the same guard.

    Raises LinkRefused for a scheme other than http(s), or any hop that resolves inward.
    """
    seen, current = {url}, url
    for _ in range(settings.LINK_CHECK_MAX_REDIRECTS + 1):
        status, location, body = _request(
            "GET", current, timeout, headers=headers, keep_body=max_bytes
        )
        if status in REDIRECTS and location:
            current = urljoin(current, location)
            if current in seen:
                raise LinkRefused("The address redirects in a loop.")
            seen.add(current)
            continue
        return status, body
    raise LinkRefused(f"The address redirects more than {settings.LINK_CHECK_MAX_REDIRECTS} times.")


def _follow(method: str, url: str, timeout: float) -> Probe:
    """Request a URL, following redirects by hand so that every hop passes the guard."""
    seen, current = {url}, url
    for _ in range(settings.LINK_CHECK_MAX_REDIRECTS + 1):
        status, location, _ = _request(method, current, timeout)
        if status in REDIRECTS and location:
            current = urljoin(current, location)
            if current in seen:
                error = "The address redirects in a loop."
                return Probe(url, False, status, error, current, answered=True)
            seen.add(current)
            continue
        ok = 200 <= status < 300 or status in REACHABLE
        reason = http.client.responses.get(status, "unknown status")
        error = "" if ok else f"The server answered {status} ({reason})."
        return Probe(url, ok, status, error, current, status in PASSING_STATUSES, answered=True)
    error = f"The address redirects more than {settings.LINK_CHECK_MAX_REDIRECTS} times."
    return Probe(url, False, None, error, current, answered=True)


def _attempt(method: str, url: str, timeout: float) -> Probe:
    try:
        return _follow(method, url, timeout)
    except LinkRefused as refused:
        return Probe(url, ok=False, error=str(refused))
    except JobRetry as passing:
        return Probe(url, ok=False, error=str(passing), passing=True)
    except TimeoutError:
        return Probe(url, ok=False, error=f"No answer within {timeout:g} seconds.", passing=True)
    except ssl.SSLError as bad_tls:
        reason: str | OSError = bad_tls.reason or bad_tls
        return Probe(url, ok=False, error=f"The secure connection failed ({reason}).")
    except (http.client.HTTPException, ValueError):
        # Not HTTP at all: garbage bytes, a dropped connection, a broken header.
        error = "The server's reply was not a valid web page."
        return Probe(url, ok=False, error=error, answered=True)
    except OSError as unreachable:
        reason = unreachable.strerror or unreachable
        return Probe(url, ok=False, error=f"Could not connect ({reason}).", passing=True)


def link_probe(url: str) -> Probe:
    """Check one address: HEAD first, then GET for servers that mishandle HEAD. No database."""
    timeout = settings.LINK_CHECK_TIMEOUT
    head = _attempt("HEAD", url, timeout)
    # A refused address or a silent server will do no better for GET; anything else might.
    if head.ok or not head.answered:
        return head
    return _attempt("GET", url, timeout)


def source_link_check(job: JobRequest, *, last_attempt: bool) -> Callable[[], str]:
    """Check a job's source link; return the step that records the outcome (see ``job_run``).

    A failure that may pass (a timeout, a 5xx) is tried again with backoff while attempts
    remain, so a check records one outcome however many tries it took.
    """
    source = job_source(job)
    if source is None:
        return lambda: "The source was deleted before its link was checked."
    if not source.link:
        return lambda: "This source has no DOI, URL or PMID, so there is no link to check."
    probe = link_probe(source.link)
    if probe.passing and not last_attempt:
        raise JobRetry(probe.error)
    return lambda: source_link_record(source=source, probe=probe, job=job)


def source_link_record(*, source: Source, probe: Probe, job: JobRequest | None = None) -> str:
    """Record a check and the source's link health; flag it broken on a second failure in a row.

    Link health is operational data, not curated content: it is written without a history row,
    so checks neither crowd the source's history nor change the catalogue version.
    """
    previous = source.link_checks.order_by("-checked_at", "-id").first()
    now = timezone.now()
    LinkCheck.objects.create(
        source=source,
        job=job,
        url=probe.url,
        checked_at=now,
        ok=probe.ok,
        status_code=probe.status_code,
        error=probe.error[:300],
        final_url=probe.final_url[:600],
        attempts=job.attempts if job else 1,
    )
    # One failure may be a blip; two in a row is worth a curator's time.
    broken = not probe.ok and previous is not None and not previous.ok
    Source.objects.filter(pk=source.pk).update(
        link_checked_at=now, link_status=probe.status_code, link_broken=broken
    )
    source.link_checked_at, source.link_status, source.link_broken = now, probe.status_code, broken
    if probe.ok:
        return f"The link works ({probe.status_code})."
    flagged = " It is now flagged as broken." if broken else " One more failure will flag it."
    return f"The link failed: {probe.error}{flagged}"
