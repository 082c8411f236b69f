"""What the engine reads: the facts of a catalogue snapshot, and a person's answers."""

from __future__ import annotations

import dataclasses

# The engine imports none of the apps, so it spells the catalogue's words itself: certainty
# levels (evidence.models.Certainty), formats and pressures (therapies.models.Therapy), kinds of
# therapy, rule effects and harm categories. tests/wellness/test_vocabulary.py checks they agree.
CERTAINTY_WEIGHT = {"high": 4, "moderate": 3, "low": 2, "very-low": 1}
SHORTLIST_SIZE = 10  # cards shown at first; the rest are counted and shown on request
# The order a card shows its warnings in, and how much each weighs against a therapy when two
# are equally supported: a clearance (ask first) weighs more than a caution (take care).
EFFECT_ORDER = {"clearance": 0, "caution": 1}
# Harms and burdens on a card: what may happen to you first, then what it asks of you.
HARM_ORDER = {"side-effect": 0, "serious-risk": 1, "time": 2, "cost": 3}

FORMATS = ("in-person", "online", "group")
PRESSURES = ("gentle", "firm")
# The preferences by their answer's name, with "any" for no preference.
PREFERENCE_CHOICES = {"format": ("any", *FORMATS), "pressure": ("any", *PRESSURES)}
# What matters to the person (all optional; "any" when not said). Talk or touch: the kind of
# therapy each approach is. Time: "sessions" is time for the sessions only. Cost: "free".
# Evidence: "strong" is moderate or high certainty; it reorders nothing (evidence already
# leads), the summary says which options fall short of it.
APPROACH_KINDS = {"talk": "talking", "touch": "massage"}
APPROACHES = tuple(APPROACH_KINDS)
TIMES = ("sessions", "practice")
COSTS = ("free",)
EVIDENCE_BARS = ("strong",)
# Each of them by its answer's name, with "any" for a stated no preference.
VALUE_CHOICES = {
    "approach": ("any", *APPROACHES),
    "time": ("any", *TIMES),
    "cost": ("any", *COSTS),
    "evidence": ("any", *EVIDENCE_BARS),
}


class _PickledByArguments:
    """Pickle as the constructor's arguments, so unpickling builds objects as ``__init__`` does.

    The default pickles each object's attribute dict, and unpickling then gives every object a
    dict of its own: a large snapshot read from the shared cache took half as much memory again
    as one built here (210 MB against 145 MB at 100,000 findings; see tests/benchmarks/).
    Every fact and answer class is also a slotted dataclass: no attribute dict at all, which
    saves another ~12 MB a worker at that size.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type[_PickledByArguments], tuple[object, ...]]:
        names = _INIT_FIELDS.get(type(self))
        if names is None:
            fields = dataclasses.fields(self)  # type: ignore[arg-type]
            names = _INIT_FIELDS[type(self)] = tuple(f.name for f in fields if f.init)
        return (type(self), tuple(getattr(self, name) for name in names))


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


@dataclasses.dataclass(frozen=True, slots=True)
class SourceRef(_PickledByArguments):
    slug: str
    title: str
    link: str


@dataclasses.dataclass(frozen=True, slots=True)
class TherapyFacts(_PickledByArguments):
    slug: str
    name: str
    kind: str
    formats: frozenset[str]
    pressure: str  # gentle | firm | n/a
    # A condition slug: the therapy is made for people who answer yes to it, and for no one else.
    only_for: str | None = None
    techniques: frozenset[str] = frozenset()
    what_to_expect: str = ""  # what a session is like, in plain words


@dataclasses.dataclass(frozen=True, slots=True)
class FindingNumbers(_PickledByArguments):
    """A finding's numbers, as its source gives them: for API clients that show them their way.

    Decimal values are kept as the text the therapy API gives ("-0.45"), so both agree to the
    digit; each is None where the source gives none.
    """

    population: str
    comparator: str
    effect_measure: str  # as evidence.models.Finding.Measure; "" when there is no number
    effect_unit: str
    effect_value: str | None
    ci_low: str | None
    ci_high: str | None
    studies_count: int | None
    participants_count: int | None


@dataclasses.dataclass(frozen=True, slots=True)
class FindingFacts(_PickledByArguments):
    slug: str
    therapy: str | None  # a therapy slug, or None for a whole kind or a technique
    kind: str | None
    goal: str
    direction: str  # benefit | no-clear-effect | no-effect | harm
    certainty: str
    statement: str
    source: SourceRef
    technique: str | None = None  # a technique slug, for a finding about one technique
    rated_by: str = "team"  # source | team: who rated the certainty (as the model, team)
    clinician_checked: bool = False  # for a rating by our team: a clinician has checked it
    numbers: FindingNumbers | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class RuleFacts(_PickledByArguments):
    therapy: str
    condition: str
    effect: str  # exclude | clearance | caution | suits
    message: str
    source: SourceRef | None  # None when the source is not published


@dataclasses.dataclass(frozen=True, slots=True)
class HarmFacts(_PickledByArguments):
    """A harm or burden of a therapy, a kind or a technique, worded for the public."""

    slug: str
    therapy: str | None
    kind: str | None
    technique: str | None
    category: str  # side-effect | serious-risk | time | cost
    statement: str
    certainty: str  # "" when not rated (time and cost)
    source: SourceRef | None  # None when there is none, or it is not published
    position: int = 0
    clinician_checked: bool = False  # its certainty, always our team's, checked by a clinician
    # For a time or cost record, what it asks in one word (evidence.Harm.Level), else "".
    level: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class NextStepFacts(_PickledByArguments):
    """A path besides a therapy, and the answers it is for (empty: for everyone)."""

    slug: str
    title: str
    text: str
    conditions: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    needs_clinician: bool = False
    is_waiting: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class WarningSignFacts(_PickledByArguments):
    """Signs that need urgent care for people who answer yes to one question, and what to do."""

    slug: str
    condition: str
    signs: str
    action: str
    source: SourceRef | None  # None when the source is not published (the signs still show)


@dataclasses.dataclass(frozen=True, slots=True)
class ConditionFacts(_PickledByArguments):
    slug: str
    question: str
    is_crisis: bool
    position: int


@dataclasses.dataclass(frozen=True, slots=True)
class GoalFacts(_PickledByArguments):
    slug: str
    label: str
    position: int


@dataclasses.dataclass(frozen=True, slots=True)
class CrisisContactFacts(_PickledByArguments):
    name: str
    phone: str
    text: str
    url: str
    when_to_use: str


@dataclasses.dataclass(frozen=True, slots=True)
class Answers:
    goals: frozenset[str]
    conditions: frozenset[str] = frozenset()  # the conditions answered "yes"
    format: str = "any"  # any | in-person | online | group
    pressure: str = "any"  # any | gentle | firm
    # What matters to you: optional, and only ever a tie-break among equal evidence.
    approach: str = "any"  # any | talk | touch
    time: str = "any"  # any | sessions | practice
    cost: str = "any"  # any | free
    evidence: str = "any"  # any | strong

    @property
    def states_values(self) -> bool:
        """Whether the person said what matters to them (any of the four)."""
        return any(v != "any" for v in (self.approach, self.time, self.cost, self.evidence))
