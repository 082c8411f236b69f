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


class CheckedRating(models.Model):
    """A certainty rated by our team, and whether a clinician has checked it since.

    A check is of one rating: change the rating (``RATING_FIELDS``) and the record waits for a
    clinician again, unless the same edit ticks the check.
    """

    RATING_FIELDS: tuple[str, ...] = ("certainty",)

    clinician_checked = models.BooleanField(
        "a clinician has checked the rating",
        default=False,
        help_text="Ratings by our team are flagged for clinical review until this is ticked.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        before = getattr(self, "_rating_as_saved", None) or {}
        was_checked = before.get("clinician_checked") and self.clinician_checked
        if was_checked and any(
            f in before and getattr(self, f) != before[f] for f in self.RATING_FIELDS
        ):
            self.clinician_checked = False
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "clinician_checked"}
        super().save(*args, **kwargs)
        self._rating_as_saved = self._rating()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._rating_as_saved = instance._rating()
        return instance

    def _rating(self) -> dict:
        # Only the fields loaded: a deferred one is not read (that would be a query each).
        loaded = self.__dict__
        return {f: loaded[f] for f in (*self.RATING_FIELDS, "clinician_checked") if f in loaded}


def subject_name(record) -> str:
    """Return what a finding or harm is about, for staff: a therapy, a kind, or a technique."""
    if record.therapy_id:
        return record.therapy.name
    if record.technique_id:
        return f"{record.technique.name} (technique)"
    return f"all {record.therapy_kind} therapies"
