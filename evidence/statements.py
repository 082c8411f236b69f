"""Turn a finding's fields into one plain-language statement, in the GRADE informative style.

This is the only place that words a finding for the public: the results page, the therapy and
source pages and the API all call ``finding_statement``. It imports no Django so the pure
recommendation engine can rely on it too.

Certainty decides the verb (GRADE, Santesso et al. 2020): high "improves", moderate "probably
improves", low "may improve", very low "we are very uncertain whether … improves". Numbers are
rounded for reading and always come with their range, what they were compared with, and how many
studies and people they rest on.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

CERTAINTY_WORDS = {
    "high": "We are confident in this evidence.",
    "moderate": "We are fairly confident in this evidence.",
    "low": "We are not very confident in this evidence.",
    "very-low": "We are very unsure about this evidence.",
}

CERTAINTY_LABELS = {
    "high": "High certainty",
    "moderate": "Moderate certainty",
    "low": "Low certainty",
    "very-low": "Very low certainty",
}


@dataclasses.dataclass(frozen=True)
class FindingFacts:
    """The fields of a finding that its statement is made from."""

    subject: str  # "CBT", "Talking therapies", "Massage"
    subject_is_plural: bool
    outcome: str
    direction: str  # benefit | no-clear-effect | harm
    certainty: str  # high | moderate | low | very-low
    comparator: str = ""
    population: str = ""
    measure: str = ""  # percent-increase | percent-decrease | smd | ""
    value: Decimal | None = None
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    studies: int | None = None
    participants: int | None = None
    context: str = ""


# (singular, plural) verb phrases by direction and measure.
_VERBS = {
    ("benefit", "percent-decrease"): ("lowers", "lower"),
    ("benefit", "percent-increase"): ("raises", "raise"),
    ("benefit", ""): ("improves", "improve"),
    ("benefit", "smd"): ("improves", "improve"),
    ("harm", ""): ("worsens", "worsen"),
    ("no-clear-effect", ""): (
        "makes little or no difference to",
        "make little or no difference to",
    ),
}

_HEDGES = {"high": "", "moderate": "probably ", "low": "may "}


def _verb(facts: FindingFacts) -> tuple[str, str]:
    key = (facts.direction, facts.measure if facts.direction == "benefit" else "")
    return _VERBS.get(key) or _VERBS[(facts.direction, "")]


def _whole(number: Decimal) -> str:
    return f"{abs(number).quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"


def _smd_size(value: Decimal) -> str:
    size = abs(value)
    if size < Decimal("0.2"):
        return "a very small amount"
    if size < Decimal("0.5"):
        return "a small amount"
    if size < Decimal("0.8"):
        return "a moderate amount"
    return "a large amount"


def _claim(facts: FindingFacts) -> str:
    singular, plural = _verb(facts)
    verb = plural if facts.subject_is_plural else singular
    outcome = facts.outcome
    if facts.certainty == "very-low":
        # "We are very uncertain whether massage improves sleep."
        subject = facts.subject
        if subject[1:2].islower():  # "Massage" → "massage", but "CBT" stays "CBT"
            subject = subject[0].lower() + subject[1:]
        verb = plural if facts.subject_is_plural else singular
        return f"We are very uncertain whether {subject} {verb} {outcome}"
    hedge = _HEDGES[facts.certainty]
    if hedge == "may ":
        verb = plural  # "may improve", never "may improves"
    return f"{facts.subject} {hedge}{verb} {outcome}"


def _size(facts: FindingFacts) -> str:
    if facts.value is None or not facts.measure:
        return ""
    if facts.measure == "smd":
        return f" by {_smd_size(facts.value)}"
    return f" by about {_whole(facts.value)}%"


def _range(facts: FindingFacts) -> str:
    if facts.value is None or facts.ci_low is None or facts.ci_high is None:
        return ""
    if facts.measure == "smd":
        low, high = f"{facts.ci_low:.2f}", f"{facts.ci_high:.2f}"
        return f"The true effect size is likely between {low} and {high}."
    return (
        f"The true effect is likely between {_whole(facts.ci_low)}% and {_whole(facts.ci_high)}%."
    )


def _base(facts: FindingFacts) -> str:
    parts = []
    if facts.studies:
        parts.append(f"{facts.studies:,} {'study' if facts.studies == 1 else 'studies'}")
    if facts.participants:
        parts.append(f"{facts.participants:,} {'person' if facts.participants == 1 else 'people'}")
    if not parts:
        return ""
    return f"This is based on {' with '.join(parts)}."


def finding_statement(facts: FindingFacts) -> str:
    """Return the plain-language statement of a finding, with its numbers and their range."""
    sentences = [_claim(facts) + _size(facts) + "."]
    # Short sentences read more easily than one long one, so the comparison stands alone.
    comparison = f"The studies compared this with {facts.comparator}" if facts.comparator else ""
    for extra in (comparison, _range(facts), _base(facts), facts.context.strip()):
        if extra:
            sentences.append(extra if extra.endswith((".", "!", "?")) else extra + ".")
    return " ".join(sentences)


def certainty_words(certainty: str) -> str:
    """Return what a GRADE certainty level means, in plain words."""
    return CERTAINTY_WORDS[certainty]


KIND_SUBJECTS = {"talking": ("Talking therapies", True), "massage": ("Massage", False)}


def statement_for(finding) -> str:
    """Return the public statement of a Finding (or any object with a Finding's fields)."""
    if finding.therapy_id:
        subject, plural = finding.therapy.name, False
    else:
        subject, plural = KIND_SUBJECTS[finding.therapy_kind]
    return finding_statement(
        FindingFacts(
            subject=subject,
            subject_is_plural=plural,
            outcome=finding.outcome,
            direction=finding.direction,
            certainty=finding.certainty,
            comparator=finding.comparator,
            population=finding.population,
            measure=finding.effect_measure,
            value=finding.effect_value,
            ci_low=finding.ci_low,
            ci_high=finding.ci_high,
            studies=finding.studies_count,
            participants=finding.participants_count,
            context=finding.context,
        )
    )
