"""Records the background jobs keep: link checks and the durable job requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from evidence.models.sources import Source


class LinkCheck(models.Model):
    """One finished check of a source's public link: what came back, or why nothing did."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="link_checks")
    # One record per job at most: a job delivered twice still records its check once.
    job = models.OneToOneField(
        "JobRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="link_check",
    )
    url = models.CharField("address checked", max_length=600)
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField("link works")
    status_code = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, help_text="Why the link failed.")
    final_url = models.CharField("address reached", max_length=600, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["source", "-checked_at"], name="link_check_latest")]

    def __str__(self) -> str:
        outcome = "works" if self.ok else f"failed: {self.error or self.status_code}"
        return f"{self.url} {outcome} ({self.checked_at:%Y-%m-%d %H:%M})"


class JobRequestQuerySet(models.QuerySet):
    def unfinished(self) -> "JobRequestQuerySet":
        return self.filter(status__in=[JobRequest.Status.PENDING, JobRequest.Status.RUNNING])

    def failed(self) -> "JobRequestQuerySet":
        return self.filter(status=JobRequest.Status.FAILED)


class JobRequest(models.Model):
    """A durable request for background work, written in the transaction that asks for it.

    The Celery message sent after the commit is only a nudge: this row is the truth. A sweeper
    sends again the requests whose message was lost, and the task marks the row done once.
    It lives in ``evidence`` because evidence is the lowest app that asks for jobs (imports run
    therapies ← evidence ← wellness); the wellness jobs use it too.
    """

    class Kind(models.TextChoices):
        LINK_CHECK = "link-check", "Check a source's link"
        CITATION_IMPORT = "citation-import", "Import citation details by DOI"
        SNAPSHOT_REBUILD = "snapshot-rebuild", "Rebuild the catalogue snapshot"
        SAVED_RESULTS_PURGE = "saved-results-purge", "Delete expired saved results"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="job_requests"
    )
    # Requests with the same key coalesce while one is waiting, e.g. one snapshot rebuild for a
    # burst of edits, or one link check however often "Check links now" is pressed.
    coalesce_key = models.CharField(max_length=80, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker has started this job."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(
        default=timezone.now, help_text="When the job was last sent, or is next due to run."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True, help_text="What happened, in plain words.")
    details = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)

    objects = JobRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="job_request_status_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "coalesce_key"],
                condition=Q(status="pending") & ~Q(coalesce_key=""),
                name="job_request_one_waiting_per_key",
                violation_error_code="job_request_one_waiting_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]),
                name="job_request_status_valid",
                violation_error_code="job_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "link-check",
                        "citation-import",
                        "snapshot-rebuild",
                        "saved-results-purge",
                    ]
                ),
                name="job_request_kind_valid",
                violation_error_code="job_request_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        subject = f": {self.source}" if self.source_id else ""
        return f"{self.get_kind_display()}{subject} ({self.get_status_display().lower()})"
