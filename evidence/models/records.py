"""Records the background jobs keep about sources: link checks."""

from django.db import models
from django.utils import timezone

from evidence.models.sources import Source


class LinkCheck(models.Model):
    """One finished check of a source's public link: what came back, or why nothing did."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="link_checks")
    # One record per job at most: a job delivered twice still records its check once.
    job = models.OneToOneField(
        "outbox.JobRequest",
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
