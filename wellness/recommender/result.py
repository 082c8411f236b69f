"""What the engine returns: a ranked, explained result, frozen and comparable."""

from __future__ import annotations

import dataclasses

from wellness.recommender.facts import (
    CrisisContactFacts,
    FindingNumbers,
    HarmFacts,
    NextStepFacts,
    SourceRef,
    WarningSignFacts,
)


@dataclasses.dataclass(frozen=True, slots=True)
class TherapyRef:
    slug: str
    name: str
    kind: str


@dataclasses.dataclass(frozen=True, slots=True)
class Benefit:
    goal: str
    statement: str
    certainty: str
    direction: str
    sources: tuple[SourceRef, ...]
    finding: str = ""  # the finding's slug
    rated_by: str = "team"  # source | team: who rated the certainty (as the model, team)
    clinician_checked: bool = False
    numbers: FindingNumbers | None = None  # the finding's numbers, for the API


@dataclasses.dataclass(frozen=True, slots=True)
class Warning:
    condition: str
    effect: str  # clearance | caution
    message: str
    source: SourceRef | None


@dataclasses.dataclass(frozen=True, slots=True)
class Reason:
    condition: str
    message: str
    source: SourceRef | None


@dataclasses.dataclass(frozen=True, slots=True)
class Recommendation:
    therapy: TherapyRef
    score: int
    matched_goals: tuple[str, ...]
    benefits: tuple[Benefit, ...]
    warnings: tuple[Warning, ...]
    suits: tuple[Reason, ...]
    supporting_findings: int
    harms: tuple[HarmFacts, ...] = ()
    what_to_expect: str = ""  # what a session is like
    # The strictest advice that applies: "clearance", "caution", or "" for none. Where two
    # rules meet, the strictest wins; the warnings at this level say why.
    gate: str = ""
    # What matters to the person that it does not meet: approach | time | cost | cost-some.
    value_misses: tuple[str, ...] = ()

    @property
    def gate_warnings(self) -> tuple[Warning, ...]:
        """Return the warnings that set the strictest advice: the reasons it applies."""
        return tuple(w for w in self.warnings if w.effect == self.gate)


@dataclasses.dataclass(frozen=True, slots=True)
class Excluded:
    therapy: TherapyRef
    reasons: tuple[Reason, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class SetAside:
    """A suitable therapy left out only because it does not match a stated preference."""

    therapy: TherapyRef
    reason: str  # format | pressure


@dataclasses.dataclass(frozen=True, slots=True)
class GoalGap:
    """A chosen goal that no recommended therapy has good evidence for, and why.

    ``status`` says which is true: ``ruled-out`` (there is evidence of benefit, but the
    therapies it is about are not suitable for this person or not offered as they chose),
    ``made-for-others`` (the only therapies with evidence are made for people with a condition
    this person did not answer yes to, such as prenatal massage), ``not-given`` (the only
    evidence of benefit is about a technique not given to people with one of this person's
    yes-answers, such as tummy massage in pregnancy),
    ``harm`` (studied, and it may make things worse), ``no-benefit`` (studied and shown not to
    help), ``unclear`` (studied, with unclear results), or ``none`` (not yet in our catalogue).
    """

    goal: str
    notes: tuple[Benefit, ...]
    status: str = "none"


@dataclasses.dataclass(frozen=True, slots=True)
class Crisis:
    message: str
    contacts: tuple[CrisisContactFacts, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Result:
    catalogue_version: str
    crisis: Crisis | None
    recommendations: tuple[Recommendation, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    set_aside: tuple[SetAside, ...] = ()
    goal_gaps: tuple[GoalGap, ...] = ()
    # The paths besides a therapy that apply to these answers, in the catalogue's order.
    other_paths: tuple[NextStepFacts, ...] = ()
    more_recommendations: int = 0  # suitable therapies ranked below the limit, not in the list
    # Signs that need urgent care for the yes-answers, in the order the questions are asked.
    warning_signs: tuple[WarningSignFacts, ...] = ()
