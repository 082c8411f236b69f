"""Word findings and harms for the public: one plain statement each, in the GRADE informative style.

This is the only place that words a finding or a harm for the public: the results page, the
therapy and source pages and the API all call these functions. It imports no Django, so the pure
recommendation engine can rely on it too.

Certainty decides the verb (GRADE, Santesso et al. 2020): high "reduces", moderate "probably
reduces", low "may reduce", very low "we are very uncertain whether … reduces". Where a review
found no clear effect we say that we do not know; "little or no difference" is kept for a
finding that shows a therapy does not help. Numbers are rounded for reading and come with their
range where the source gives one (never an invented one), who was studied, what it was compared
with, and how many studies and people they rest on. ``published_figures`` gives the same numbers
exactly as the source published them, so anyone can check the rounding.
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

# Said beside a certainty that our team rated rather than the source itself (GRADE by the team).
RATED_BY_TEAM = "Our team rated how sure we can be. A clinician has not checked this rating yet."
RATED_BY_TEAM_CHECKED = "Our team rated how sure we can be, and a clinician has checked it."

RATIOS = ("odds-ratio", "risk-ratio")
STANDARDISED = ("smd", "hedges-g")


@dataclasses.dataclass(frozen=True)
class FindingFacts:
    """The fields of a finding that its statement is made from."""

    subject: str  # "CBT", "Talking therapies", "Massage", "Tummy massage"
    subject_is_plural: bool
    outcome: str
    direction: str  # benefit | no-clear-effect | no-effect | harm
    certainty: str  # high | moderate | low | very-low
    comparator: str = ""
    population: str = ""
    # percent-increase | percent-decrease | mean-difference | smd | hedges-g | odds-ratio |
    # risk-ratio | ""
    measure: str = ""
    value: Decimal | None = None
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    studies: int | None = None
    participants: int | None = None
    context: str = ""
    unit: str = ""  # for a mean difference: "minutes", "points", "mL"
    better: str = "higher"  # higher | lower: whether a benefit raises or lowers the outcome
    subject_is_name: bool = False  # a therapy's name keeps its capitals mid-sentence


NO_COMPARATOR = "The source does not say what it was compared with."

_HEDGES = {"high": "", "moderate": "probably ", "low": "may "}


def _verbs(facts: FindingFacts) -> tuple[str, str]:
    """Return the (singular, plural) verb for what the therapy does to the outcome."""
    lower = facts.better == "lower"
    if facts.direction == "harm":
        return ("increases", "increase") if lower else ("worsens", "worsen")
    if facts.measure == "percent-increase":
        return "raises", "raise"
    if facts.measure == "percent-decrease":
        return "lowers", "lower"
    return ("reduces", "reduce") if lower else ("improves", "improve")


def _insentence(facts: FindingFacts) -> str:
    """Return the subject as it reads mid-sentence: "Massage" → "massage", "CBT" stays.

    A therapy's name stays as it is written ("Swedish massage"); only a kind or a technique
    ("Talking therapies", "Tummy massage") starts lower case.
    """
    subject = facts.subject
    if facts.subject_is_name or not subject[1:2].islower():
        return subject
    return subject[0].lower() + subject[1:]


def _claim(facts: FindingFacts) -> str:
    singular, plural = _verbs(facts)
    verb = plural if facts.subject_is_plural else singular
    makes = "make" if facts.subject_is_plural else "makes"
    subject, outcome, certainty = facts.subject, facts.outcome, facts.certainty
    mid = _insentence(facts)
    if facts.direction == "no-clear-effect":
        # A review that found no reliable effect tells us we do not know, not that it fails.
        return f"We do not know whether {mid} {verb} {outcome}"
    if certainty == "very-low":
        does = f"{makes} any difference to" if facts.direction == "no-effect" else verb
        return f"We are very uncertain whether {mid} {does} {outcome}"
    hedge = _HEDGES[certainty]
    if facts.direction == "no-effect":
        if hedge == "may ":
            makes = "make"
        return f"{subject} {hedge}{makes} little or no difference to {outcome}"
    if hedge == "may ":
        verb = plural  # "may improve", never "may improves"
    return f"{subject} {hedge}{verb} {outcome}"


def _whole(number: Decimal) -> str:
    return f"{abs(number).quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"


def _two_places(number: Decimal) -> str:
    return f"{abs(number):.2f}"


def _smd_size(value: Decimal) -> str:
    # Cohen's rule of thumb: 0.2 small, 0.5 medium, 0.8 large. "Medium", not "moderate", so a
    # size is never mistaken for a certainty.
    size = abs(value)
    if size < Decimal("0.2"):
        return "a very small amount"
    if size < Decimal("0.5"):
        return "a small amount"
    if size < Decimal("0.8"):
        return "a medium amount"
    return "a large amount"


def _units(number: Decimal, unit: str) -> str:
    """Return "19 minutes", "1 minute", "75 mL": a rounded amount with its unit."""
    amount = _whole(number)
    if unit.endswith("s") and amount == "1":
        unit = unit[:-1]
    return f"{amount} {unit}"


def _times(ratio: Decimal) -> str:
    """Return a ratio as plain words: "about 3 times as high", "about 37% lower"."""
    if ratio >= Decimal("1.5"):
        rounded = ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
        return f"about {rounded:f} times as high"
    change = (ratio - 1) * 100
    if _whole(change) == "0":
        return "about the same"
    return f"about {_whole(change)}% {'higher' if change > 0 else 'lower'}"


def _size(facts: FindingFacts) -> str:
    """Return how big the effect is, to follow the claim: " by about 15%"."""
    value = facts.value
    if value is None or not facts.measure or facts.direction == "no-clear-effect":
        return ""
    if facts.direction == "no-effect":
        # "Little or no difference" takes no "by": the number follows in brackets.
        if facts.measure in STANDARDISED:
            return f" (effect size {_two_places(value)})"
        if facts.measure == "mean-difference":
            return f" (a difference of about {_units(value, facts.unit)})"
        if facts.measure not in RATIOS:
            return f" (a change of about {_whole(value)}%)"
    if facts.measure in STANDARDISED:
        return f" by {_smd_size(value)} (effect size {_two_places(value)})"
    if facts.measure == "mean-difference":
        return f" by about {_units(value, facts.unit)}"
    if facts.measure == "odds-ratio":
        return f" (odds ratio {_two_places(value)}: the odds were {_times(value)})"
    if facts.measure == "risk-ratio":
        return f" (risk ratio {_two_places(value)}: the chance was {_times(value)})"
    return f" by about {_whole(value)}%"


def _found(facts: FindingFacts) -> str:
    """For no clear effect: what the studies found, said as not enough to be sure."""
    if facts.direction != "no-clear-effect":
        return ""
    value = facts.value
    if value is None or not facts.measure:
        return "The studies did not find a clear effect."
    if facts.measure in STANDARDISED:
        found = f"an effect size of {_two_places(value)}"
    elif facts.measure == "mean-difference":
        found = f"a difference of about {_units(value, facts.unit)}"
    elif facts.measure in RATIOS:
        name = "an odds ratio" if facts.measure == "odds-ratio" else "a risk ratio"
        found = f"{name} of {_two_places(value)}"
    else:
        found = f"a change of about {_whole(value)}%"
    # "They" needs the studies named just before it, by what they compared it with.
    who = "They" if facts.comparator else "The studies"
    return f"{who} found {found}, but this could be down to chance."


def _crosses_no_effect(facts: FindingFacts, low: Decimal, high: Decimal) -> bool:
    no_effect = Decimal(1) if facts.measure in RATIOS else Decimal(0)
    return low < no_effect < high


def _signed_units(number: Decimal, facts: FindingFacts) -> str:
    """Return one end of a range as "5% more" or "30% less".

    A percent decrease is stored as a positive number, so its sign reads the other way round.
    """
    if facts.measure == "mean-difference":
        amount, more = _units(number, facts.unit), number > 0
    else:
        amount, more = f"{_whole(number)}%", (number > 0) != (facts.measure == "percent-decrease")
    return f"{amount} {'more' if more else 'less'}"


def _range(facts: FindingFacts) -> str:
    if facts.value is None or facts.ci_low is None or facts.ci_high is None:
        return ""
    low, high = facts.ci_low, facts.ci_high
    crosses = _crosses_no_effect(facts, low, high)
    tail = ", which includes no effect at all" if crosses else ""
    if facts.measure in RATIOS:
        if low < 1 and high <= 1:
            return (
                f"The true value is likely between about {_whole((1 - high) * 100)}% and "
                f"{_whole((1 - low) * 100)}% lower."
            )
        return f"The true value is likely between {_times(low)} and {_times(high)}{tail}."
    if facts.measure in STANDARDISED:
        if crosses:
            # Sources sign effect sizes their own way, so the words say what a range across zero
            # means without guessing which end is the better one.
            return (
                f"The true effect size is likely between {_exact(low, facts.measure)} and "
                f"{_exact(high, facts.measure)}. This includes no effect at all, so it may help, "
                "make no difference or make things worse."
            )
        # The verb says which way it goes; the sizes read as amounts.
        ends = sorted((abs(low), abs(high)))
        return f"The true effect size is likely between {ends[0]:.2f} and {ends[1]:.2f}."
    percent = facts.measure != "mean-difference"
    if crosses:
        return (
            f"The true effect is likely between {_signed_units(low, facts)} and "
            f"{_signed_units(high, facts)}."
        )
    ends = sorted((abs(low), abs(high)))
    if percent:
        return f"The true effect is likely between {_whole(ends[0])}% and {_whole(ends[1])}%."
    return f"The true effect is likely between {_whole(ends[0])} and {_units(ends[1], facts.unit)}."


def _base(facts: FindingFacts) -> str:
    parts = []
    if facts.studies:
        parts.append(f"{facts.studies:,} {'study' if facts.studies == 1 else 'studies'}")
    if facts.participants:
        parts.append(f"{facts.participants:,} {'person' if facts.participants == 1 else 'people'}")
    if not parts:
        return ""
    return f"This is based on {' with '.join(parts)}."


def sentence(text: str) -> str:
    """Return the text as one sentence: stripped, with a full stop unless it ends with one."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def finding_statement(facts: FindingFacts) -> str:
    """Return the plain-language statement of a finding, with its numbers and their range."""
    sentences = [_claim(facts) + _size(facts) + "."]
    # Short sentences read more easily than one long one: who, compared with what, then numbers.
    if facts.comparator:
        if facts.population:
            sentences.append(f"The studies looked at {facts.population}")
        who = "They" if facts.population else "The studies"
        sentences.append(f"{who} compared this with {facts.comparator}")
    elif facts.population:
        # A view or an unnamed study compares with nothing we can name: say so, and never call
        # it "the studies". (Every stored finding has its population.)
        sentences.append(f"This is about {facts.population}")
        sentences.append(NO_COMPARATOR)
    for extra in (_found(facts), _range(facts), _base(facts), facts.context):
        if extra.strip():
            sentences.append(extra)
    return " ".join(sentence(s) for s in sentences)


def certainty_words(certainty: str) -> str:
    """Return what a GRADE certainty level means, in plain words."""
    return CERTAINTY_WORDS[certainty]


def rated_by_words(*, rated_by: str, clinician_checked: bool) -> str:
    """Return who rated a finding's certainty, in plain words ("" when the source did)."""
    if rated_by != "team":
        return ""
    return RATED_BY_TEAM_CHECKED if clinician_checked else RATED_BY_TEAM


_MEASURE_NAMES = {
    "smd": "SMD",
    "hedges-g": "Hedges' g",
    "odds-ratio": "odds ratio",
    "risk-ratio": "risk ratio",
    "mean-difference": "mean difference",
}


def _exact(number: Decimal, measure: str) -> str:
    if measure in (*STANDARDISED, *RATIOS):
        text = f"{number:.2f}"
    else:
        # As stored: at most two places, the trailing zeros dropped but one kept ("18.0").
        text = f"{number.quantize(Decimal('0.01')).normalize():f}"
        if "." not in text:
            text += ".0"
    return text.replace("-", "−")


def published_figures(
    *,
    measure: str,
    value: Decimal | None,
    ci_low: Decimal | None = None,
    ci_high: Decimal | None = None,
    unit: str = "",
) -> str:
    """Return a finding's numbers as the source gives them: "Hedges' g 0.79 (95% CI 0.70 to 0.89)".

    "" when the finding has no number. A range the source did not give is said to be missing.
    """
    if value is None or not measure:
        return ""
    if measure == "percent-increase":
        main = f"{_exact(value, measure)}% increase"
    elif measure == "percent-decrease":
        main = f"{_exact(value, measure)}% decrease"
    elif measure == "mean-difference":
        main = f"mean difference {_exact(value, measure)} {unit}"
    else:
        main = f"{_MEASURE_NAMES[measure]} {_exact(value, measure)}"
    if ci_low is None or ci_high is None:
        return f"{main} (no 95% confidence interval given)"
    return f"{main} (95% CI {_exact(ci_low, measure)} to {_exact(ci_high, measure)})"


KIND_SUBJECTS = {"talking": ("Talking therapies", True), "massage": ("Massage", False)}


def subject_of(record) -> tuple[str, bool, bool]:
    """Return what a finding or harm is about: (words, whether plural, whether a name)."""
    if getattr(record, "therapy_id", None):
        return record.therapy.name, False, True
    if getattr(record, "technique_id", None):
        return record.technique.name, False, False
    return (*KIND_SUBJECTS[record.therapy_kind], False)


def statement_for(finding) -> str:
    """Return the public statement of a Finding (or any object with a Finding's fields)."""
    subject, plural, is_name = subject_of(finding)
    return finding_statement(
        FindingFacts(
            subject=subject,
            subject_is_plural=plural,
            subject_is_name=is_name,
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
            unit=finding.effect_unit,
            better=finding.better_when,
        )
    )


def figures_for(finding) -> str:
    """Return a Finding's numbers exactly as its source published them."""
    return published_figures(
        measure=finding.effect_measure,
        value=finding.effect_value,
        ci_low=finding.ci_low,
        ci_high=finding.ci_high,
        unit=finding.effect_unit,
    )
