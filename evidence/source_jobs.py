"""The background jobs about one source: their task names, and how a job finds its source.

The outbox knows jobs by task name and arguments only; a source's jobs carry its id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.models import Source
from outbox import jobs
from outbox.models import JobRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LINK_CHECK_TASK = "evidence.check_source_link"
CITATION_IMPORT_TASK = "evidence.import_citation"

_DESCRIPTIONS = {
    LINK_CHECK_TASK: "Check the link of “{source}”",
    CITATION_IMPORT_TASK: "Import citation details for “{source}”",
}


def source_job_request(*, task: str, source: Source, by: User | None = None) -> JobRequest:
    """Ask for a job about a source; a request still waiting for the same source is reused."""
    description = _DESCRIPTIONS[task].format(source=source)
    return jobs.job_request(task=task, args={"source": source.pk}, description=description, by=by)


def job_source(job: JobRequest) -> Source | None:
    """Return the source a job is about, or None if it has been deleted since."""
    source_id = job.args.get("source")
    return Source.objects.filter(pk=source_id).first() if source_id is not None else None
