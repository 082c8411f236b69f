"""What is unsafe for whom, and the downsides of each option."""

from django.core.exceptions import ValidationError
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
from therapies.models import Condition, Therapy


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


class Harm(AboutOneSubject, CheckedRating):
    """A downside of an option: a side effect, a serious risk, the time it asks, or its cost.

    Decision aids give each option's harms and burdens in as much detail as its benefits (IPDAS).
    Like a safety rule, a harm is shown whatever the review state of its source: a downside is
    never hidden while its source is checked again. A number always comes with its source.
    """

    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("description", "population", "context")

    class Category(models.TextChoices):
        SIDE_EFFECT = "side-effect", "Common side effect"
        SERIOUS_RISK = "serious-risk", "Serious risk"
        TIME = "time", "Time and effort it asks"
        COST = "cost", "Cost and how to get it"

    class Level(models.TextChoices):
        """What a time or cost record asks, in one word: it orders options of equal evidence
        for people who said what matters to them (time for sessions only; free)."""

        SESSIONS = "sessions", "Time: the sessions only"
        PRACTICE = "practice", "Time: sessions, and things to do between them"
        FREE = "free", "Cost: free on the NHS for most people it is for"
        SOMETIMES_FREE = "sometimes-free", "Cost: free on the NHS for some people"
        PAID = "paid", "Cost: usually paid for by the person"

    slug = models.SlugField(max_length=120, unique=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    description = models.TextField(
        help_text="What it is, in plain words, e.g. 'Soreness or stiffness for a day or two'."
    )
    population = models.CharField(
        "who was studied", max_length=200, blank=True, help_text="With figures: who was counted."
    )
    affected_percent = models.DecimalField(
        "people affected (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    affected_count = models.PositiveIntegerField("people affected", null=True, blank=True)
    people_count = models.PositiveIntegerField("people studied", null=True, blank=True)
    certainty = models.CharField(
        max_length=16,
        choices=Certainty.choices,
        blank=True,
        help_text="How sure we can be, for a side effect or a risk; rated by our team.",
    )
    context = models.TextField(blank=True, help_text="One or two plain sentences of context.")
    level = models.CharField(
        "in one word",
        max_length=16,
        choices=Level.choices,
        blank=True,
        help_text=(
            "For the time it asks or its cost: what the description says, in one word. People "
            "who say time or cost matters see options of equal evidence in this order."
        ),
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="harms",
        help_text="Needed for a side effect, a risk, and for any number.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within its kind.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "position", "slug"]
        verbose_name = "harm or burden"
        verbose_name_plural = "harms and burdens"
        constraints = [
            models.CheckConstraint(
                condition=ONE_SUBJECT,
                name="harm_about_one_therapy_kind_or_technique",
                violation_error_code="harm_about_one_therapy_kind_or_technique",
                violation_error_message="Choose one therapy, one kind of therapy or one technique.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["side-effect", "serious-risk", "time", "cost"]),
                name="harm_category_valid",
                violation_error_code="harm_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=False) | Q(category__in=["time", "cost"]),
                name="harm_risk_has_source",
                violation_error_code="harm_risk_has_source",
                violation_error_message="A side effect or a risk needs its source.",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=False)
                | Q(
                    affected_percent__isnull=True,
                    affected_count__isnull=True,
                    people_count__isnull=True,
                ),
                name="harm_number_has_source",
                violation_error_code="harm_number_has_source",
                violation_error_message="A number needs its source.",
            ),
            models.CheckConstraint(
                condition=Q(affected_percent__isnull=True)
                | Q(affected_percent__gte=0, affected_percent__lte=100),
                name="harm_percent_in_range",
                violation_error_code="harm_percent_in_range",
                violation_error_message="A percentage must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(affected_count__isnull=True)
                | Q(people_count__isnull=True)
                | Q(affected_count__lte=F("people_count")),
                name="harm_affected_not_above_studied",
                violation_error_code="harm_affected_not_above_studied",
                violation_error_message="More people cannot be affected than were studied.",
            ),
            models.CheckConstraint(
                condition=Q(certainty="")
                | Q(certainty__in=["high", "moderate", "low", "very-low"]),
                name="harm_certainty_valid",
                violation_error_code="harm_certainty_valid",
            ),
            models.CheckConstraint(
                condition=Q(level="")
                | Q(category="time", level__in=["sessions", "practice"])
                | Q(category="cost", level__in=["free", "sometimes-free", "paid"]),
                name="harm_level_fits_category",
                violation_error_code="harm_level_fits_category",
                violation_error_message=(
                    "Choose a time word for the time it asks, a cost word for its cost, and "
                    "none for a side effect or a risk."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{subject_name(self)}: {self.get_category_display().lower()}"

    @property
    def needs_clinical_review(self) -> bool:
        """Whether it has a certainty (always our team's) that no clinician has checked yet."""
        return bool(self.certainty) and not self.clinician_checked

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        # Every number the public reads traces to a source, including one written in the text.
        if self.source_id is None and any(
            ch.isdigit() for ch in f"{self.description}{self.context}"
        ):
            raise ValidationError(
                {"source": "This text has a number in it, so it needs its source."}
            )


class WarningSign(models.Model):
    """Signs that need urgent care for people who answer yes to a screening question, and
    what to do: sourced, and shown with the person's next steps whatever the source's review
    state (like a safety rule, it is never hidden while its source is checked again)."""

    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("signs", "action")

    slug = models.SlugField(max_length=80, unique=True)
    condition = models.ForeignKey(
        Condition,
        on_delete=models.PROTECT,
        related_name="warning_signs",
        help_text="Shown to people who answer yes to this question.",
    )
    signs = models.TextField(
        "what to look out for", help_text="The signs, in plain words, e.g. 'A bad headache, …'."
    )
    action = models.CharField(
        "what to do", max_length=200, help_text="Who to call and how soon, e.g. 'Call 999.'"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="warning_signs")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["condition__position", "position", "slug"]

    def __str__(self) -> str:
        return f"{self.condition.slug}: {self.action}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)
