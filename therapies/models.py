"""The catalogue's vocabulary: what we offer, what people want help with, what we screen for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

# Links we show the public open in a browser: web addresses only (URLField alone allows ftp://).
# A pattern, not URLValidator's schemes, so the OpenAPI schema states it too.
web_address = RegexValidator(
    r"^https?://",
    message="Enter a web address that starts with https:// (or http://).",
    code="scheme",
)


class TherapyQuerySet(models.QuerySet):
    def published(self) -> TherapyQuerySet:
        return self.filter(published=True)


class Therapy(models.Model):
    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("summary", "what_to_expect")

    class Kind(models.TextChoices):
        TALKING = "talking", "Talking therapy"
        MASSAGE = "massage", "Massage"

    class Pressure(models.TextChoices):
        GENTLE = "gentle", "Gentle"
        FIRM = "firm", "Firm"
        NOT_APPLICABLE = "n/a", "Not applicable"

    class Format(models.TextChoices):
        """The ways a therapy is offered, each said by a yes/no field of its own."""

        IN_PERSON = "in-person", "In person"
        ONLINE = "online", "Online"
        GROUP = "group", "In a group"

    # Each way a therapy is offered -> the field that says it is (the name with "_" for "-").
    FORMAT_FIELDS = {f.value: f.value.replace("-", "_") for f in Format}

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    summary = models.TextField(help_text="Two or three short sentences in plain words.")
    what_to_expect = models.TextField(help_text="What happens in a session, in plain words.")
    session_minutes_min = models.PositiveSmallIntegerField("shortest session (minutes)")
    session_minutes_max = models.PositiveSmallIntegerField("longest session (minutes)")
    in_person = models.BooleanField("offered in person", default=True)
    online = models.BooleanField("offered online", default=False)
    group = models.BooleanField("offered in a group", default=False)
    pressure = models.CharField(
        max_length=8, choices=Pressure.choices, default=Pressure.NOT_APPLICABLE
    )
    # Typed by hand: the models named come later in this module, so mypy cannot infer them.
    goals: models.ManyToManyField[Goal, Any] = models.ManyToManyField(
        "Goal", blank=True, related_name="therapies", help_text="What this therapy is offered for."
    )
    techniques: models.ManyToManyField[Technique, Any] = models.ManyToManyField(
        "Technique",
        blank=True,
        related_name="therapies",
        help_text="Techniques this therapy can include. Findings about a technique (such as "
        "tummy massage) apply to each therapy that uses it.",
    )
    only_for_condition = models.ForeignKey(
        "Condition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="limited_therapies",
        verbose_name="only for people who answer yes to",
        help_text="Leave empty for most therapies. Set it for a therapy made for one group of "
        "people, such as prenatal massage for pregnancy: it is then never offered to anyone "
        "else.",
    )
    published = models.BooleanField(default=False)
    reviewed_on = models.DateField("last reviewed")
    next_review_on = models.DateField("next review due")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[goals, techniques])
    objects = TherapyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "therapies"
        constraints = [
            models.CheckConstraint(
                condition=Q(session_minutes_min__gt=0)
                & Q(session_minutes_min__lte=F("session_minutes_max")),
                name="therapy_session_length_in_order",
                violation_error_code="therapy_session_length_in_order",
                violation_error_message="The shortest session must be longer than 0 minutes "
                "and no longer than the longest.",
            ),
            models.CheckConstraint(
                condition=Q(in_person=True) | Q(online=True) | Q(group=True),
                name="therapy_offered_in_some_format",
                violation_error_code="therapy_offered_in_some_format",
                violation_error_message="Choose at least one way the therapy is offered.",
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__gte=F("reviewed_on")),
                name="therapy_next_review_after_last",
                violation_error_code="therapy_next_review_after_last",
                violation_error_message="The next review must be on or after the last review.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["talking", "massage"]),
                name="therapy_kind_valid",
                violation_error_code="therapy_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(pressure__in=["gentle", "firm", "n/a"]),
                name="therapy_pressure_valid",
                violation_error_code="therapy_pressure_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:therapies_therapy_change", args=[self.pk])

    def clean(self) -> None:
        # A yes to the crisis question ends the questionnaire: no therapy is offered after it.
        condition = self.only_for_condition if self.only_for_condition_id else None
        if condition is not None and condition.is_crisis:
            raise ValidationError(
                {"only_for_condition": "A therapy cannot be limited to the crisis question."}
            )

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def offered_formats(self) -> list[str]:
        """Return the ways this therapy is offered, in the order of ``Format``."""
        return [name for name, field in self.FORMAT_FIELDS.items() if getattr(self, field)]

    @classmethod
    def format_fields(cls, formats: Iterable[str]) -> dict[str, bool]:
        """Return the format fields' values for a therapy offered in these ways (and no other)."""
        chosen = set(formats)
        return {field: name in chosen for name, field in cls.FORMAT_FIELDS.items()}


class Goal(models.Model):
    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("label", "description")
    slug = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=120, help_text="Plain words, e.g. 'Sleep better'.")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the questionnaire.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Technique(models.Model):
    """A way of working that some therapies include, such as tummy (abdominal) massage.

    A finding can be limited to a technique when its evidence is about that technique alone, so
    it applies to the therapies that use it and not to their whole kind. A technique that is not
    given to some people (``not_for``) never counts as a benefit for them.
    """

    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("name", "description")

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, help_text="Plain words, e.g. 'Tummy massage'.")
    description = models.TextField(blank=True, help_text="What it is, in plain words.")
    # Typed by hand: Condition comes later in this module.
    not_for: models.ManyToManyField[Condition, Any] = models.ManyToManyField(
        "Condition",
        blank=True,
        related_name="techniques_not_for",
        verbose_name="not used for people who answer yes to",
        help_text="Its findings are never used for people who answer yes to one of these, as "
        "tummy massage is not given in pregnancy.",
    )

    history = HistoricalRecords(m2m_fields=[not_for])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ConditionQuerySet(models.QuerySet):
    def active(self) -> ConditionQuerySet:
        return self.filter(active=True)


class Condition(models.Model):
    """A screening fact about the person, asked as one yes/no question."""

    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("question", "help_text")

    slug = models.SlugField(max_length=80, unique=True)
    question = models.CharField(max_length=200, help_text="A yes/no question in plain words.")
    help_text = models.TextField(blank=True)
    is_crisis = models.BooleanField(
        default=False,
        help_text="A yes answer stops the questionnaire and shows urgent help instead.",
    )
    active = models.BooleanField(default=True, help_text="Asked in the questionnaire.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the questionnaire.")

    history = HistoricalRecords()
    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        constraints = [
            # The flow has exactly one crisis question; a second would be ambiguous.
            models.UniqueConstraint(
                fields=["is_crisis"],
                condition=Q(is_crisis=True),
                name="condition_single_crisis_question",
                violation_error_code="condition_single_crisis_question",
                violation_error_message="Only one condition can be the crisis question.",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class CrisisContact(models.Model):
    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("when_to_use",)

    class Region(models.TextChoices):
        GB = "GB", "United Kingdom"
        US = "US", "United States"

    region = models.CharField(max_length=2, choices=Region.choices)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    text = models.CharField("text message", max_length=80, blank=True)
    url = models.URLField("website", blank=True, validators=[web_address])
    when_to_use = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="crisis_contact_unique_name"),
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(text="") | ~Q(url=""),
                name="crisis_contact_reachable",
                violation_error_code="crisis_contact_reachable",
                violation_error_message="Give a phone number, a text number or a website.",
            ),
            models.CheckConstraint(
                condition=Q(region__in=["GB", "US"]), name="crisis_contact_region_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"

    def natural_key(self) -> tuple[str, str]:
        return (self.region, self.name)


class NextStep(models.Model):
    """A path besides a therapy, such as talking to a midwife, self-help or waiting to see.

    Each result lists the steps that apply to the person's answers. "Wait and see" is left out
    whenever another step that applies says a clinician should see them first.
    """

    # Public text, held to plain language (reading age 11-12).
    PLAIN_LANGUAGE_FIELDS = ("title", "text")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(
        max_length=120, help_text="A short instruction, e.g. 'Talk to your GP'."
    )
    text = models.TextField(help_text="Why and how, in two or three plain sentences.")
    conditions = models.ManyToManyField(
        Condition,
        blank=True,
        related_name="next_steps",
        help_text="Show it only to people who answer yes to one of these questions. Leave empty "
        "to show it whatever they answer.",
    )
    goals = models.ManyToManyField(
        Goal,
        blank=True,
        related_name="next_steps",
        help_text="Show it only to people who chose one of these goals. Leave empty for any goal.",
    )
    needs_clinician = models.BooleanField(
        "a clinician should see them first",
        default=False,
        help_text="When this step is shown, 'wait and see' is not.",
    )
    is_waiting = models.BooleanField(
        "this is 'wait and see'",
        default=False,
        help_text="Left out whenever a step shown to the person says a clinician should see them.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list.")

    history = HistoricalRecords(m2m_fields=[conditions, goals])

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = "other path"
        constraints = [
            models.CheckConstraint(
                condition=~Q(needs_clinician=True, is_waiting=True),
                name="next_step_waiting_needs_no_clinician",
                violation_error_code="next_step_waiting_needs_no_clinician",
                violation_error_message="'Wait and see' cannot also say a clinician should see "
                "the person first.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)
