"""What every sourced claim shares: GRADE certainty and the one thing it is about."""

from django.db import models
from django.db.models import Q

from therapies.models import Technique, Therapy


class Certainty(models.TextChoices):
    """GRADE certainty of evidence."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very-low", "Very low"


# A finding or a harm is about exactly one of: a therapy, a whole kind, or a technique.
ONE_SUBJECT = (
    (Q(therapy__isnull=False) & Q(therapy_kind="") & Q(technique__isnull=True))
    | (
        Q(therapy__isnull=True)
        & Q(therapy_kind__in=["talking", "massage"])
        & Q(technique__isnull=True)
    )
    | (Q(therapy__isnull=True) & Q(therapy_kind="") & Q(technique__isnull=False))
)


class AboutOneSubject(models.Model):
    """A claim about exactly one of: a therapy, a whole kind of therapy, or a technique.

    A kind's claim applies to each therapy of that kind without one of its own; a technique's
    to each therapy that includes the technique (tummy massage), never to the whole kind.
    """

    therapy = models.ForeignKey(
        Therapy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        help_text="The therapy this is about. Leave empty for a whole kind or a technique.",
    )
    therapy_kind = models.CharField(
        "kind of therapy",
        max_length=16,
        choices=Therapy.Kind.choices,
        blank=True,
        help_text="For a claim about a whole kind of therapy (e.g. all talking therapies).",
    )
    technique = models.ForeignKey(
        Technique,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        help_text="For a claim about one technique (e.g. tummy massage): it applies to each "
        "therapy that includes it, not to the whole kind.",
    )

    class Meta:
        abstract = True


def subject_name(record) -> str:
    """Return what a finding or harm is about, for staff: a therapy, a kind, or a technique."""
    if record.therapy_id:
        return record.therapy.name
    if record.technique_id:
        return f"{record.technique.name} (technique)"
    return f"all {record.therapy_kind} therapies"
