"""The durable job request: the row is the truth, the Celery message only a nudge."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class JobRequestQuerySet(models.QuerySet):
    def unfinished(self) -> "JobRequestQuerySet":
        return self.filter(status__in=[JobRequest.Status.PENDING, JobRequest.Status.RUNNING])

    def failed(self) -> "JobRequestQuerySet":
        return self.filter(status=JobRequest.Status.FAILED)


class JobRequest(models.Model):
    """A durable request for background work, written in the transaction that asks for it.

    The Celery message sent after the commit is only a nudge: this row is the truth. A sweeper
    sends again the requests whose message was lost, and the task marks the row done once.
    ``task`` names the Celery task that runs it and ``args`` what the work reads (e.g. the id of
    a source), so the outbox needs to know nothing of the apps that ask for jobs.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    task = models.CharField(
        "task name", max_length=100, help_text="The Celery task that runs this job."
    )
    args = models.JSONField(
        "arguments", default=dict, blank=True, help_text="What the job works on, by id."
    )
    description = models.CharField(
        "job", max_length=300, blank=True, help_text="What the job does, in plain words."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
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
        indexes = [models.Index(fields=["status", "due_at"], name="outbox_job_status_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "coalesce_key"],
                condition=Q(status="pending") & ~Q(coalesce_key=""),
                name="outbox_job_one_waiting_per_key",
                violation_error_code="outbox_job_one_waiting_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]),
                name="outbox_job_status_valid",
                violation_error_code="outbox_job_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(task=""),
                name="outbox_job_task_named",
                violation_error_code="outbox_job_task_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description or self.task} ({self.get_status_display().lower()})"
