"""Findings: what a source found about a therapy, a kind of therapy or a technique."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from evidence.models.sources import Source
from evidence.models.subjects import (
    ONE_SUBJECT,
    AboutOneSubject,
    Certainty,
    CheckedRating,
    subject_name,
)
from therapies.models import Goal


class FindingQuerySet(models.QuerySet["Finding"]):
    def published(self) -> "FindingQuerySet":
        return self.filter(source__status=Source.Status.PUBLISHED)


class Finding(AboutOneSubject, CheckedRating):
    """One claim of a source about a therapy (or a whole kind of therapy) and a goal."""

    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("outcome", "population", "comparator", "context")

    class Direction(models.TextChoices):
        BENEFIT = "benefit", "Benefit"
        NO_CLEAR_EFFECT = "no-clear-effect", "No clear effect: the studies could not tell"
        NO_EFFECT = "no-effect", "Little or no difference: shown not to help"
        HARM = "harm", "Harm"

    class Measure(models.TextChoices):
        PERCENT_INCREASE = "percent-increase", "Percent increase"
        PERCENT_DECREASE = "percent-decrease", "Percent decrease"
        MEAN_DIFFERENCE = "mean-difference", "Difference in a unit (minutes, points, mL)"
        STANDARDISED_MEAN_DIFFERENCE = "smd", "Standardised mean difference (SMD)"
        HEDGES_G = "hedges-g", "Hedges' g"
        ODDS_RATIO = "odds-ratio", "Odds ratio"
        RISK_RATIO = "risk-ratio", "Risk ratio"

    class Better(models.TextChoices):
        HIGHER = "higher", "Higher is better (e.g. sleep, quality of life)"
        LOWER = "lower", "Lower is better (e.g. pain, symptoms, time to fall asleep)"

    class RatedBy(models.TextChoices):
        SOURCE = "source", "By the source itself (e.g. a Cochrane review's GRADE rating)"
        TEAM = "team", "By our team (a clinician must check it)"

    slug = models.SlugField(max_length=120, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="findings")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="findings")
    outcome = models.CharField(
        max_length=200,
        help_text="What was measured, in plain words, e.g. 'healthy immune activity'.",
    )
    better_when = models.CharField(
        "better when the outcome is",
        max_length=8,
        choices=Better.choices,
        default=Better.HIGHER,
        help_text="Decides the verb: 'improves' or 'reduces'.",
    )
    population = models.CharField(max_length=200, help_text="Who was studied, e.g. 'adults'.")
    comparator = models.CharField(
        max_length=200, blank=True, help_text="What it was compared with, e.g. 'no treatment'."
    )
    direction = models.CharField(max_length=16, choices=Direction.choices)
    effect_measure = models.CharField(max_length=20, choices=Measure.choices, blank=True)
    effect_unit = models.CharField(
        "unit",
        max_length=20,
        blank=True,
        help_text="For a difference in a unit only: 'minutes', 'points', 'mL'.",
    )
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
    # A clinician's check (``clinician_checked``) is of these: changing one undoes it.
    RATING_FIELDS = ("certainty", "certainty_rated_by", "certainty_reason")

    certainty = models.CharField(max_length=16, choices=Certainty.choices)
    certainty_rated_by = models.CharField(
        "certainty rated",
        max_length=8,
        choices=RatedBy.choices,
        default=RatedBy.TEAM,
        help_text="Use 'by the source' only when the source gives a GRADE rating itself.",
    )
    certainty_reason = models.TextField(
        "how the certainty was rated",
        blank=True,
        help_text="For curators and clinicians: where GRADE started and why it moved down.",
    )
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
                condition=ONE_SUBJECT,
                name="finding_about_one_therapy_or_one_kind",
                violation_error_code="finding_about_one_therapy_or_one_kind",
                violation_error_message="Choose one therapy, one kind of therapy or one technique.",
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
                # A difference says its unit; no other measure has one.
                condition=(Q(effect_measure="mean-difference") & ~Q(effect_unit=""))
                | (~Q(effect_measure="mean-difference") & Q(effect_unit="")),
                name="finding_unit_only_for_a_difference",
                violation_error_code="finding_unit_only_for_a_difference",
                violation_error_message="A difference needs its unit (such as minutes); other "
                "measures have none.",
            ),
            models.CheckConstraint(
                # A ratio of 1 means no difference; it cannot be 0 or below.
                condition=~Q(effect_measure__in=["odds-ratio", "risk-ratio"])
                | (
                    (Q(effect_value__isnull=True) | Q(effect_value__gt=0))
                    & (Q(ci_low__isnull=True) | Q(ci_low__gt=0))
                ),
                name="finding_ratio_above_zero",
                violation_error_code="finding_ratio_above_zero",
                violation_error_message="A ratio and its range must be above 0.",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["benefit", "no-clear-effect", "no-effect", "harm"]),
                name="finding_direction_valid",
                violation_error_code="finding_direction_valid",
            ),
            models.CheckConstraint(
                condition=Q(better_when__in=["higher", "lower"]),
                name="finding_better_when_valid",
                violation_error_code="finding_better_when_valid",
            ),
            models.CheckConstraint(
                condition=Q(certainty_rated_by__in=["source", "team"]),
                name="finding_certainty_rated_by_valid",
                violation_error_code="finding_certainty_rated_by_valid",
            ),
            models.CheckConstraint(
                condition=Q(certainty__in=["high", "moderate", "low", "very-low"]),
                name="finding_certainty_valid",
                violation_error_code="finding_certainty_valid",
            ),
        ]

    def __str__(self) -> str:
        certainty = self.get_certainty_display().lower()
        return f"{subject_name(self)}: {self.outcome} ({certainty} certainty)"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def needs_clinical_review(self) -> bool:
        """Whether the certainty was rated by our team and no clinician has checked it yet."""
        return self.certainty_rated_by == self.RatedBy.TEAM and not self.clinician_checked
