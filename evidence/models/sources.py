"""Where a claim comes from: a citable source, its review state and its link health."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from therapies.models import web_address

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SourceQuerySet(models.QuerySet["Source"]):
    def published(self) -> SourceQuerySet:
        return self.filter(status=Source.Status.PUBLISHED)


class Source(models.Model):
    class Type(models.TextChoices):
        META_ANALYSIS = "meta-analysis", "Meta-analysis"
        RCT = "rct", "Randomised controlled trial"
        OBSERVATIONAL = "observational", "Observational study"
        GUIDANCE = "guidance", "Guidance or expert opinion"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in-review", "In review"
        PUBLISHED = "published", "Published"
        RETRACTED = "retracted", "Retracted"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=400)
    authors = models.CharField(max_length=400, blank=True)
    venue = models.CharField(max_length=200, blank=True, help_text="Journal, publisher or site.")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    url = models.URLField("URL", max_length=500, blank=True, validators=[web_address])
    source_type = models.CharField("type", max_length=16, choices=Type.choices)
    studies_count = models.PositiveIntegerField("number of studies", null=True, blank=True)
    participants_count = models.PositiveIntegerField(
        "number of participants", null=True, blank=True
    )
    note = models.TextField(
        blank=True, help_text="Limits of this source, e.g. weaker sourcing, for curators."
    )

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    link_checked_at = models.DateTimeField("link last checked", null=True, blank=True)
    link_status = models.PositiveSmallIntegerField("link last status", null=True, blank=True)
    link_broken = models.BooleanField("link broken", default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()
    # Read by simple_history while saving, when set for that one save: who changed it and why.
    _history_user: User | None
    _change_reason: str

    class Meta:
        ordering = ["-year", "title"]
        permissions = [
            ("publish_source", "Can publish a source"),
            ("retract_source", "Can retract a source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="source_year_plausible",
                violation_error_code="source_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in-review", "published", "retracted"]),
                name="source_status_valid",
                violation_error_code="source_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source_type__in=["meta-analysis", "rct", "observational", "guidance"]),
                name="source_type_valid",
                violation_error_code="source_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def link(self) -> str:
        """Return the best address for the source: its DOI, else its URL, else PubMed."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.url:
            return self.url
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return ""
