"""Reviewed changes: a change to what decides safety goes live only when a second person approves.

A ``ChangeRequest`` holds one proposed change to one record (add, change or remove) with the
values it would set, the values it was made against, who proposed it and why. Approving it
applies it in one transaction (``evidence.changes``), so the catalogue moves once per approved
change; what the reviewer writes is the public "What we changed and why" line.
docs/architecture.md §3 says which records are reviewed this way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class ChangeRequestQuerySet(models.QuerySet["ChangeRequest"]):
    def waiting(self) -> ChangeRequestQuerySet:
        return self.filter(status=ChangeRequest.Status.WAITING)

    def approved(self) -> ChangeRequestQuerySet:
        return self.filter(status=ChangeRequest.Status.APPROVED)


class ChangeRequest(models.Model):
    class Subject(models.TextChoices):
        SAFETY_RULE = "safety-rule", "Safety rule"
        CONDITION = "condition", "Screening question"

    class Action(models.TextChoices):
        CREATE = "create", "Add"
        UPDATE = "update", "Change"
        DELETE = "delete", "Remove"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for review"
        APPROVED = "approved", "Approved: live"
        REJECTED = "rejected", "Not approved"

    subject = models.CharField(max_length=20, choices=Subject.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    target_id = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The record changed or removed; for an addition, once live.",
    )
    label = models.CharField(max_length=300, help_text="What the change is about, in words.")
    public_label = models.CharField(
        max_length=300, blank=True, help_text="What it is about, for the public change log."
    )
    therapy_slug = models.SlugField(
        max_length=80, blank=True, db_index=True, help_text="The therapy it is about, if one."
    )
    values = models.JSONField(
        default=dict, blank=True, help_text="The reviewed fields as the change would set them."
    )
    before = models.JSONField(
        default=dict, blank=True, help_text="The reviewed fields as they were when it was proposed."
    )
    reason = models.TextField("why", help_text="Why this change is needed, for the reviewer.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="changes_proposed"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    public_reason = models.CharField(
        "reason shown to the public",
        max_length=200,
        blank=True,
        help_text="One plain line for 'What we changed and why', written by the reviewer.",
    )
    review_note = models.TextField(blank=True, help_text="Why it was not approved, for the author.")
    # A superuser may approve their own change; it is recorded, never silent.
    approved_own_as_superuser = models.BooleanField(default=False)
    reverts = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reverted_by",
        help_text="The approved change this one undoes.",
    )

    objects = ChangeRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("review_changerequest", "Can approve or reject a change to safety")]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__in=["safety-rule", "condition"]),
                name="change_request_subject_valid",
            ),
            models.CheckConstraint(
                condition=Q(action__in=["create", "update", "delete"]),
                name="change_request_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "approved", "rejected"]),
                name="change_request_status_valid",
            ),
            # Reviewed means a reviewer and a time; waiting means neither.
            models.CheckConstraint(
                condition=(
                    Q(status="waiting", reviewer__isnull=True, reviewed_at__isnull=True)
                    | (
                        Q(status__in=["approved", "rejected"])
                        & Q(reviewer__isnull=False, reviewed_at__isnull=False)
                    )
                ),
                name="change_request_review_recorded",
            ),
            # Never the author's own approval, unless a superuser's, recorded as such.
            models.CheckConstraint(
                condition=(
                    ~Q(status="approved")
                    | ~Q(reviewer=F("author"))
                    | Q(approved_own_as_superuser=True)
                ),
                name="change_request_second_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | ~Q(public_reason=""),
                name="change_request_public_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "reviewed_at"], name="change_request_status")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.get_subject_display().lower()}: {self.label}"
