"""The only record the public journey ever writes: a result the person chose to save."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(24)


def default_expiry():
    return timezone.now() + timedelta(days=settings.SAVED_RESULT_DAYS)


class SavedResultQuerySet(models.QuerySet):
    def live(self) -> "SavedResultQuerySet":
        return self.filter(expires_at__gt=timezone.now())

    def expired(self) -> "SavedResultQuerySet":
        return self.filter(expires_at__lte=timezone.now())


class SavedResult(models.Model):
    """Answers saved on the person's own request, reachable only by an unguessable link.

    No name, email, address or other identifier is kept, and the record expires.
    """

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    answers = models.JSONField()
    catalogue_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry, db_index=True)

    objects = SavedResultQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="saved_result_expires_after_creation",
                violation_error_code="saved_result_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"Saved result (expires {self.expires_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("saved-result", args=[self.token])
