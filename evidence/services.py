"""Writes to the evidence: the review workflow of a source (draft → in review → published),
and the requests for background work on sources (link checks, citation import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.timezone import now

from evidence.models import Source
from evidence.source_jobs import CITATION_IMPORT_TASK, LINK_CHECK_TASK, source_job_request
from outbox.models import JobRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = Source.Status


class CurationError(Exception):
    """A curation step that is not allowed now, or not allowed for this person."""


class ReviewError(CurationError):
    """A review step that is not allowed now, or not allowed for this person."""


def _lock(source: Source) -> None:
    # Re-read under a row lock so two reviewers acting at once both see the status the
    # other left, and a stale object from a list page cannot make an illegal step.
    source.refresh_from_db(from_queryset=Source.objects.select_for_update())


def _require(by: User, codename: str, message: str) -> None:
    if not by.has_perm(f"evidence.{codename}"):
        raise ReviewError(message)


def _save(source: Source, *, by: User, reason: str) -> Source:
    source.full_clean()
    source._history_user, source._change_reason = by, reason
    try:
        source.save()
    finally:
        # Read by simple_history when saving; a later, unrelated save must not inherit them.
        del source._history_user, source._change_reason
    return source


@transaction.atomic
def source_submit_for_review(*, source: Source, by: User) -> Source:
    """Send a draft source for review by another curator."""
    _require(by, "change_source", "You do not have permission to submit sources for review.")
    _lock(source)
    if source.status != Status.DRAFT:
        raise ReviewError("Only a draft source can be submitted for review.")
    source.status, source.submitted_by, source.submitted_at = Status.IN_REVIEW, by, now()
    return _save(source, by=by, reason="Submitted for review")


@transaction.atomic
def source_publish(*, source: Source, by: User) -> Source:
    """Publish a source in review, so its findings reach the public."""
    _require(by, "publish_source", "You do not have permission to publish sources.")
    _lock(source)
    if source.status != Status.IN_REVIEW:
        raise ReviewError("Only a source in review can be published.")
    # Two-person rule: whoever sent a source for review cannot also approve it.
    if source.submitted_by_id == by.pk and not by.is_superuser:
        raise ReviewError("You submitted this source, so another curator must publish it.")
    source.status, source.reviewed_by, source.reviewed_at = Status.PUBLISHED, by, now()
    return _save(source, by=by, reason="Published")


@transaction.atomic
def source_retract(*, source: Source, by: User) -> Source:
    """Retract a published source, taking its findings off the public site."""
    _require(by, "retract_source", "You do not have permission to retract sources.")
    _lock(source)
    if source.status != Status.PUBLISHED:
        raise ReviewError("Only a published source can be retracted.")
    # Retracting is a review decision too: the reviewer fields name who took it down and when.
    source.status, source.reviewed_by, source.reviewed_at = Status.RETRACTED, by, now()
    return _save(source, by=by, reason="Retracted")


@transaction.atomic
def source_return_to_draft(*, source: Source, by: User) -> Source:
    """Return a source in review, or a retracted one, to draft for more work."""
    _require(by, "change_source", "You do not have permission to return sources to draft.")
    _lock(source)
    if source.status not in (Status.IN_REVIEW, Status.RETRACTED):
        raise ReviewError("Only a source in review or a retracted source can return to draft.")
    # A new review round starts from scratch; the history keeps who did what before.
    source.status = Status.DRAFT
    source.submitted_by = source.submitted_at = source.reviewed_by = source.reviewed_at = None
    return _save(source, by=by, reason="Returned to draft")


@transaction.atomic
def source_link_check_request(*, source: Source, by: User | None = None) -> JobRequest:
    """Ask for the source's link to be checked soon (once, however often it is asked)."""
    if by is not None:
        _require(by, "change_source", "You do not have permission to check links.")
    if not source.link:
        raise CurationError("This source has no DOI, URL or PMID, so there is no link to check.")
    return source_job_request(task=LINK_CHECK_TASK, source=source, by=by)


def source_link_checks_request_all() -> int:
    """Ask for a check of every published source's link; return how many were asked for."""
    sources = Source.objects.published().exclude(doi="", url="", pmid="").order_by("pk")
    count = 0
    for source in sources.iterator():
        # One transaction per source: a long list never holds one long transaction open.
        with transaction.atomic():
            source_job_request(task=LINK_CHECK_TASK, source=source)
        count += 1
    return count


@transaction.atomic
def source_citation_import_request(*, source: Source, by: User) -> JobRequest:
    """Ask for the source's title, authors, venue and year to be filled in from its DOI.

    Empty fields are filled; curated ones are kept, and the job's message says what differs.
    """
    _require(by, "change_source", "You do not have permission to import citation details.")
    if not source.doi:
        raise CurationError("This source has no DOI, so there is nothing to import.")
    return source_job_request(task=CITATION_IMPORT_TASK, source=source, by=by)
