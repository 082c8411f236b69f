"""Fill a source's citation details (title, authors, venue, year) from Crossref, by DOI.

Curated fields are never overwritten silently: an empty field is filled; a field a curator has
already filled in is kept, and the job's message says what Crossref suggests instead.
The base URL is the ``CROSSREF_API_URL`` setting (any Crossref-compatible JSON API).
"""

from __future__ import annotations

import html
import http.client
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Field

from evidence.links import LinkRefused, fetch_public
from evidence.models import Source
from evidence.source_jobs import job_source
from outbox.jobs import JobFailed, JobRetry
from outbox.models import JobRequest

FIELDS = ("title", "authors", "venue", "year")
MAX_REPLY_BYTES = 2 * 1024 * 1024
# Citations name the first six authors, then "et al." (Vancouver style, as the seed data does).
MAX_AUTHORS = 6
TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Citation:
    """Citation details as Crossref gives them, tidied to fit the source's fields."""

    title: str
    authors: str
    venue: str
    year: int | None


def _fetch(doi: str) -> bytes:
    url = settings.CROSSREF_API_URL + quote(doi, safe="/")
    agent = "WellnessCatalogue/1.0"
    if settings.CROSSREF_MAILTO:
        agent += f" (mailto:{settings.CROSSREF_MAILTO})"
    try:
        # Through the link checker's guard: http(s) on public networks only, at every redirect.
        status, body = fetch_public(
            url,
            timeout=settings.CROSSREF_TIMEOUT,
            headers={"Accept": "application/json", "User-Agent": agent},
            max_bytes=MAX_REPLY_BYTES,
        )
    except LinkRefused as refused:
        raise JobFailed(f"The citation service address was refused: {refused}") from None
    except http.client.HTTPException as garbled:
        raise JobRetry(f"Crossref's reply was not valid HTTP ({type(garbled).__name__}).") from None
    except (TimeoutError, OSError) as unreachable:
        reason = getattr(unreachable, "strerror", None) or unreachable
        raise JobRetry(f"Could not reach Crossref ({reason}).") from None
    if status == 404:
        raise JobFailed(f"Crossref does not know the DOI {doi}; nothing was changed.")
    if status in (429, 500, 502, 503, 504):
        raise JobRetry(f"Crossref answered {status}; it will be asked again.")
    if not 200 <= status < 300:
        raise JobFailed(f"Crossref refused the request ({status}); nothing was changed.")
    return body


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str):
        raise TypeError("expected text")
    # Crossref titles may carry markup such as <i>…</i> and entities.
    return " ".join(html.unescape(TAGS.sub("", value)).split())


def _author(person: Any) -> str:
    if not isinstance(person, dict):
        raise TypeError("expected an author record")
    if person.get("name"):  # an organisation
        return _text(person["name"])
    family = _text(person.get("family", ""))
    initials = "".join(
        part[0] for part in re.split(r"[\s.\-]+", _text(person.get("given", ""))) if part
    )
    return f"{family} {initials}".strip()


def _year(work: dict) -> int | None:
    for key in ("issued", "published-print", "published-online", "published"):
        parts = (work.get(key) or {}).get("date-parts") or [[None]]
        year = parts[0][0] if parts and parts[0] else None
        if year is not None:
            year = int(year)
            if not 1900 <= year <= 2100:
                raise ValueError(f"implausible year {year}")
            return year
    return None


def citation_parse(reply: bytes) -> Citation:
    """Read a Crossref ``/works/{doi}`` reply, or raise ValueError saying what is wrong."""
    if len(reply) > MAX_REPLY_BYTES:
        raise ValueError("the reply is too large")
    try:
        body = json.loads(reply)
    except (UnicodeDecodeError, json.JSONDecodeError) as bad:
        raise ValueError("the reply is not valid JSON") from bad
    work = body.get("message") if isinstance(body, dict) else None
    if not isinstance(work, dict):
        raise ValueError("the reply has no work record ('message')")
    try:
        title = _text(work.get("title", ""))
        authors = [_author(p) for p in work.get("author") or []]
        venue = _text(work.get("container-title") or work.get("publisher") or "")
        year = _year(work)
    except (TypeError, ValueError, AttributeError, IndexError) as bad:
        raise ValueError(f"the work record is malformed ({bad})") from bad
    if not title:
        raise ValueError("the work record has no title")
    listed = ", ".join(a for a in authors[:MAX_AUTHORS] if a)
    if len(authors) > MAX_AUTHORS:
        listed += ", et al."
    return Citation(title=title[:400], authors=listed[:400], venue=venue[:200], year=year)


def source_citation_import(job: JobRequest, *, last_attempt: bool) -> Callable[[], str]:
    """Fetch a job's source's citation from Crossref; return the step that applies it."""
    source = job_source(job)
    if source is None:
        raise JobFailed("The source was deleted before its details were imported.")
    if not source.doi:
        raise JobFailed("This source has no DOI, so there is nothing to import.")
    reply = _fetch(source.doi)
    try:
        citation = citation_parse(reply)
    except ValueError as bad:
        raise JobFailed(
            f"Crossref's reply for {source.doi} could not be used: {bad}. Nothing was changed."
        ) from bad
    return lambda: source_citation_apply(source=source, citation=citation, job=job)


def source_citation_apply(*, source: Source, citation: Citation, job: JobRequest) -> str:
    """Fill the source's empty citation fields; keep curated ones and say what Crossref says."""
    # Locked and re-read: a curator may have edited the source while Crossref was asked.
    source.refresh_from_db(from_queryset=Source.objects.select_for_update())
    filled, kept = {}, {}
    for field in FIELDS:
        current, offered = getattr(source, field), getattr(citation, field)
        if offered in ("", None) or current == offered:
            continue
        if current in ("", None):
            setattr(source, field, offered)
            filled[field] = offered
        else:
            kept[field] = {"kept": current, "crossref": offered}
    job.details = {"filled": filled, "kept": kept}
    if filled:
        try:
            source.full_clean()
        except ValidationError as invalid:
            problems = " ".join(invalid.messages)
            raise JobFailed(
                f"The details could not be saved: {problems} Nothing was changed."
            ) from invalid
        source._history_user = job.requested_by
        source._change_reason = "Imported citation details from Crossref"
        try:
            source.save(update_fields=[*filled, "updated_at"])
        finally:
            del source._history_user, source._change_reason
    return _summary(filled, kept)


def _label(field: str) -> str:
    found = Source._meta.get_field(field)
    return str(found.verbose_name) if isinstance(found, Field) else field


def _summary(filled: dict, kept: dict) -> str:
    parts = []
    if filled:
        parts.append("Filled in " + ", ".join(_label(f) for f in filled) + ".")
    for field, values in kept.items():
        parts.append(
            f"Kept your {_label(field)} “{values['kept']}”; Crossref says “{values['crossref']}”."
        )
    return " ".join(parts) or "Nothing to change: the details match Crossref."
