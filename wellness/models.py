"""The project's own records: the only record the public journey ever writes (a result the
person chose to save), and the staff's API tokens."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from knox.models import AbstractAuthToken, AuthTokenManager
from knox.settings import CONSTANTS
from simple_history.models import HistoricalRecords


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


def api_token_expiry(*, created: datetime, last_used: datetime | None) -> datetime:
    """Return when a token issued at ``created`` and last used at ``last_used`` stops working.

    The idle limit counts from the last use, the maximum age from the login, both from the
    settings as they are now, so shortening either applies to the tokens already issued.
    """
    idle = timedelta(hours=settings.API_TOKEN_IDLE_HOURS)
    max_age = timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)
    return min((last_used or created) + idle, created + max_age)


class ApiTokenQuerySet(models.QuerySet):
    def expired(self) -> "ApiTokenQuerySet":
        """The tokens that no longer work: past their stored expiry, idle or too old."""
        now = timezone.now()
        idle_since = now - timedelta(hours=settings.API_TOKEN_IDLE_HOURS)
        return self.filter(
            models.Q(expiry__lte=now)
            | models.Q(created__lte=now - timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS))
            | models.Q(last_used__lte=idle_since)
            | models.Q(last_used__isnull=True, created__lte=idle_since)
        )


class ApiTokenManager(AuthTokenManager.from_queryset(ApiTokenQuerySet)):  # type: ignore[misc]
    """knox's manager (``create`` returns the row and the token, which only its owner sees)."""

    def create(self, user, **kwargs):
        kwargs.setdefault("password_mark", user.get_session_auth_hash())
        return super().create(user, **kwargs)


class ApiToken(AbstractAuthToken):
    """A staff member's API token, one a login (docs/architecture.md §5).

    Only a hash of the token is kept (knox's ``digest``). ``verified_device`` is the
    authenticator app whose code was given at the login: every request checks that the owner's
    roles are still satisfied by it, so a token issued before someone joined the Evidence
    curators stops working until they log in again with a code. ``password_mark`` ends it when
    the password changes, as Django ends the other sessions. Deleting the device (a lost
    phone, ``add_totp_device --replace``) deletes the tokens it verified.
    """

    # knox keys its tokens by the digest; a plain number here keeps the digest out of addresses
    # and forms (the admin's links and checkboxes), and the digest stays unique and indexed.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True, editable=False)
    verified_device = models.ForeignKey(
        "otp_totp.TOTPDevice",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The authenticator app whose code was given for this token, if any.",
    )
    # What Django's sessions keep to end themselves when the password changes (an HMAC of the
    # password hash, not the hash): a token no longer matching it was issued for another password.
    password_mark = models.CharField(max_length=128, editable=False)
    last_used = models.DateTimeField(
        null=True, blank=True, help_text="Kept to the minute: written at most once a minute."
    )

    objects = ApiTokenManager()

    class Meta:
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        ordering = ["-created"]

    def __str__(self) -> str:
        # Never the digest: the admin and the logs show whose token it is and when it was made.
        return f"API token of {self.user} from {self.created:%Y-%m-%d %H:%M}"

    def expires_at(self) -> datetime:
        """When this token stops working: its stored expiry, or sooner by the settings now."""
        limit = api_token_expiry(created=self.created, last_used=self.last_used)
        return min(limit, self.expiry) if self.expiry else limit


class ReferenceScenario(models.Model):
    """A made-up person's answers, kept to show a reviewer whom a change to safety would affect.

    Before a change is approved, the engine runs every scenario with and without it
    (``wellness.impact``). Curators keep the set in the admin; the first ones come from the
    clinical personas. Never a real person's answers.
    """

    name = models.CharField(max_length=120, unique=True, help_text="Who this is, in a few words.")
    goals = models.JSONField(help_text="Goal slugs, as the questionnaire's answers give them.")
    conditions = models.JSONField(
        default=list, blank=True, help_text="The screening questions answered yes (slugs)."
    )
    preferences = models.JSONField(
        default=dict,
        blank=True,
        help_text="Optional: format, pressure, approach, time, cost, evidence, as in the API.",
    )
    note = models.CharField(max_length=300, blank=True, help_text="Why this case matters.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ImpactPreview(models.Model):
    """The impact preview of a proposed change, worked out by a background job.

    For a large catalogue the preview takes longer than a page should: the change's page asks for
    one and shows its progress until it is done. A preview holds for the catalogue version it was
    made on; after any other change it is made again.
    """

    change = models.ForeignKey(
        "evidence.ChangeRequest", on_delete=models.CASCADE, related_name="impact_previews"
    )
    catalogue_version = models.CharField(max_length=32)
    done = models.PositiveIntegerField(default=0, help_text="Scenarios worked out so far.")
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True, help_text="The scenarios that move.")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "catalogue_version"], name="impact_preview_one_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Impact of change {self.change_id} on catalogue {self.catalogue_version}"
