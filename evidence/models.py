"""Sourced claims: where a claim comes from, what it says, and what is unsafe for whom."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from therapies.models import Condition, Goal, Therapy


class SourceQuerySet(models.QuerySet):
    def published(self) -> "SourceQuerySet":
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
    url = models.URLField("URL", max_length=500, blank=True)
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


class Certainty(models.TextChoices):
    """GRADE certainty of evidence."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very-low", "Very low"


class FindingQuerySet(models.QuerySet):
    def published(self) -> "FindingQuerySet":
        return self.filter(source__status=Source.Status.PUBLISHED)


class Finding(models.Model):
    """One claim of a source about a therapy (or a whole kind of therapy) and a goal."""

    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("outcome", "population", "comparator", "context")

    class Direction(models.TextChoices):
        BENEFIT = "benefit", "Benefit"
        NO_CLEAR_EFFECT = "no-clear-effect", "No clear effect"
        HARM = "harm", "Harm"

    class Measure(models.TextChoices):
        PERCENT_INCREASE = "percent-increase", "Percent increase"
        PERCENT_DECREASE = "percent-decrease", "Percent decrease"
        STANDARDISED_MEAN_DIFFERENCE = "smd", "Standardised mean difference"

    slug = models.SlugField(max_length=120, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="findings")
    therapy = models.ForeignKey(
        Therapy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
        help_text="The therapy this finding is about. Leave empty for a whole kind.",
    )
    therapy_kind = models.CharField(
        "kind of therapy",
        max_length=16,
        choices=Therapy.Kind.choices,
        blank=True,
        help_text="For a finding about a whole kind of therapy (e.g. all talking therapies).",
    )
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="findings")
    outcome = models.CharField(
        max_length=200,
        help_text="What was measured, in plain words, e.g. 'healthy immune activity'.",
    )
    population = models.CharField(max_length=200, help_text="Who was studied, e.g. 'adults'.")
    comparator = models.CharField(
        max_length=200, blank=True, help_text="What it was compared with, e.g. 'no treatment'."
    )
    direction = models.CharField(max_length=16, choices=Direction.choices)
    effect_measure = models.CharField(max_length=20, choices=Measure.choices, blank=True)
    effect_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    ci_low = models.DecimalField(
        "95% CI low", max_digits=7, decimal_places=2, null=True, blank=True
    )
    ci_high = models.DecimalField(
        "95% CI high", max_digits=7, decimal_places=2, null=True, blank=True
    )
    studies_count = models.PositiveIntegerField(
        "number of studies",
        null=True,
        blank=True,
        help_text="Only when reported for this finding itself.",
    )
    participants_count = models.PositiveIntegerField(
        "number of participants",
        null=True,
        blank=True,
        help_text="Only when reported for this finding itself.",
    )
    certainty = models.CharField(max_length=16, choices=Certainty.choices)
    context = models.TextField(
        blank=True, help_text="One plain sentence of context added to the public statement."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["goal__position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(therapy__isnull=False) & Q(therapy_kind=""))
                | (Q(therapy__isnull=True) & Q(therapy_kind__in=["talking", "massage"])),
                name="finding_about_one_therapy_or_one_kind",
                violation_error_code="finding_about_one_therapy_or_one_kind",
                violation_error_message="Choose either one therapy or one kind of therapy.",
            ),
            models.CheckConstraint(
                condition=Q(ci_low__isnull=True)
                | Q(ci_high__isnull=True)
                | Q(ci_low__lte=F("ci_high")),
                name="finding_ci_low_not_above_high",
                violation_error_code="finding_ci_low_not_above_high",
                violation_error_message="The low end of the range must not be above the high end.",
            ),
            models.CheckConstraint(
                condition=Q(effect_value__isnull=True)
                | Q(ci_low__isnull=True)
                | Q(effect_value__gte=F("ci_low")),
                name="finding_value_not_below_ci",
                violation_error_code="finding_value_not_below_ci",
                violation_error_message="The value must not be below the low end of its range.",
            ),
            models.CheckConstraint(
                condition=Q(effect_value__isnull=True)
                | Q(ci_high__isnull=True)
                | Q(effect_value__lte=F("ci_high")),
                name="finding_value_not_above_ci",
                violation_error_code="finding_value_not_above_ci",
                violation_error_message="The value must not be above the high end of its range.",
            ),
            models.CheckConstraint(
                # A number never stands alone: a value needs its measure, a range needs a value.
                condition=(Q(effect_value__isnull=True) | ~Q(effect_measure=""))
                & (Q(ci_low__isnull=True, ci_high__isnull=True) | Q(effect_value__isnull=False)),
                name="finding_number_has_measure",
                violation_error_code="finding_number_has_measure",
                violation_error_message="A value needs its measure, and a range needs a value.",
            ),
            models.CheckConstraint(
                condition=Q(ci_low__isnull=True, ci_high__isnull=True)
                | Q(ci_low__isnull=False, ci_high__isnull=False),
                name="finding_ci_has_both_ends",
                violation_error_code="finding_ci_has_both_ends",
                violation_error_message="Give both ends of the range, or neither.",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["benefit", "no-clear-effect", "harm"]),
                name="finding_direction_valid",
                violation_error_code="finding_direction_valid",
            ),
            models.CheckConstraint(
                condition=Q(certainty__in=["high", "moderate", "low", "very-low"]),
                name="finding_certainty_valid",
                violation_error_code="finding_certainty_valid",
            ),
        ]

    def __str__(self) -> str:
        subject = self.therapy.name if self.therapy_id else f"all {self.therapy_kind} therapies"
        return f"{subject}: {self.outcome} ({self.get_certainty_display().lower()} certainty)"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class SafetyRule(models.Model):
    """A sourced claim about risk: what a yes to a screening question means for a therapy."""

    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("message",)

    class Effect(models.TextChoices):
        EXCLUDE = "exclude", "Exclude: not suitable, never recommend"
        CLEARANCE = "clearance", "Clearance: only after a doctor, midwife or cancer team says yes"
        CAUTION = "caution", "Caution: fine with adjustments"
        SUITS = "suits", "Suits: designed for this condition"

    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="safety_rules")
    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="safety_rules")
    effect = models.CharField(max_length=16, choices=Effect.choices)
    message = models.TextField(help_text="What the person should know, in plain words.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="safety_rules")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["therapy__name", "condition__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "therapy"],
                name="safety_rule_one_per_condition_and_therapy",
                violation_error_code="safety_rule_one_per_condition_and_therapy",
                violation_error_message="This therapy already has a rule for this condition.",
            ),
            models.CheckConstraint(
                condition=Q(effect__in=["exclude", "clearance", "caution", "suits"]),
                name="safety_rule_effect_valid",
                violation_error_code="safety_rule_effect_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.therapy} × {self.condition.slug}: {self.effect}"

    def natural_key(self) -> tuple[str, str]:
        return (self.condition.slug, self.therapy.slug)


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
