"""What every sourced claim shares: GRADE certainty and the one thing it is about."""

from django.db import models
from django.db.models import Q


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


def subject_name(record) -> str:
    """Return what a finding or harm is about, for staff: a therapy, a kind, or a technique."""
    if record.therapy_id:
        return record.therapy.name
    if record.technique_id:
        return f"{record.technique.name} (technique)"
    return f"all {record.therapy_kind} therapies"
