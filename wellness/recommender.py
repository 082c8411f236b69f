"""The recommendation engine: a pure, deterministic function from answers to a ranked result.

It imports no Django and does no I/O: it works on a ``CatalogueSnapshot`` that a selector builds
from the database. The rules, in order (DESIGN section 3):

1. Crisis stops the flow: urgent-help guidance and no shortlist.
2. Safety: an ``exclude`` rule for any yes-answer means never recommended, listed with every
   reason; ``clearance`` then ``caution`` messages go on the card; ``suits`` lifts a therapy.
3. Fit: a candidate has a published finding of benefit for a chosen goal, or a ``suits`` rule.
   Score = sum over matched goals of the certainty weight of the best finding, plus the lift.
   Ties: more supporting findings first, then name, then slug.
4. Explain: matched goals, statements with numbers and ranges, certainty, sources.
5. Honesty: goals with weak, mixed or no evidence are said so; other paths are always listed.
6. Reproducible: the catalogue version is on every result.

Findings about a whole kind of therapy ("talking therapies") apply to each therapy of that kind,
unless the therapy has findings of its own for that goal: specific evidence outranks general.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

CERTAINTY_WEIGHT = {"high": 4, "moderate": 3, "low": 2, "very-low": 1}
SUITS_LIFT = 3  # as much as one moderate-certainty finding
EFFECT_ORDER = {"clearance": 0, "caution": 1}

FORMATS = ("in-person", "online", "group")
PRESSURES = ("gentle", "firm")

OTHER_PATHS = (
    "talk-to-gp",
    "self-referral",
    "self-help",
    "wait-and-see",
)


# --- What the engine reads -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SourceRef:
    slug: str
    title: str
    link: str


@dataclasses.dataclass(frozen=True)
class TherapyFacts:
    slug: str
    name: str
    kind: str
    formats: frozenset[str]
    pressure: str  # gentle | firm | n/a


@dataclasses.dataclass(frozen=True)
class FindingFacts:
    slug: str
    therapy: str | None  # a therapy slug, or None for a whole kind
    kind: str | None
    goal: str
    direction: str
    certainty: str
    statement: str
    source: SourceRef


@dataclasses.dataclass(frozen=True)
class RuleFacts:
    therapy: str
    condition: str
    effect: str  # exclude | clearance | caution | suits
    message: str
    source: SourceRef | None  # None when the source is not published


@dataclasses.dataclass(frozen=True)
class ConditionFacts:
    slug: str
    question: str
    is_crisis: bool
    position: int


@dataclasses.dataclass(frozen=True)
class GoalFacts:
    slug: str
    label: str
    position: int


@dataclasses.dataclass(frozen=True)
class CrisisContactFacts:
    name: str
    phone: str
    text: str
    url: str
    when_to_use: str


@dataclasses.dataclass(frozen=True)
class CatalogueSnapshot:
    """Everything the engine needs, indexed so a recommendation touches only what matches."""

    version: str
    therapies: Mapping[str, TherapyFacts]
    goals: Mapping[str, GoalFacts]
    conditions: Mapping[str, ConditionFacts]
    findings_by_goal: Mapping[str, tuple[FindingFacts, ...]]
    rules_by_condition: Mapping[str, tuple[RuleFacts, ...]]
    crisis_contacts: tuple[CrisisContactFacts, ...]
    crisis_message: str = (
        "You said you are having thoughts of harming yourself or ending your life. "
        "You do not have to cope with this alone. Please get help now."
    )


@dataclasses.dataclass(frozen=True)
class Answers:
    goals: frozenset[str]
    conditions: frozenset[str] = frozenset()  # the conditions answered "yes"
    format: str = "any"  # any | in-person | online | group
    pressure: str = "any"  # any | gentle | firm


# --- What the engine returns -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TherapyRef:
    slug: str
    name: str
    kind: str


@dataclasses.dataclass(frozen=True)
class Benefit:
    goal: str
    statement: str
    certainty: str
    direction: str
    sources: tuple[SourceRef, ...]


@dataclasses.dataclass(frozen=True)
class Warning:
    condition: str
    effect: str  # clearance | caution
    message: str
    source: SourceRef | None


@dataclasses.dataclass(frozen=True)
class Reason:
    condition: str
    message: str
    source: SourceRef | None


@dataclasses.dataclass(frozen=True)
class Recommendation:
    therapy: TherapyRef
    score: int
    matched_goals: tuple[str, ...]
    benefits: tuple[Benefit, ...]
    warnings: tuple[Warning, ...]
    suits: tuple[Reason, ...]
    supporting_findings: int


@dataclasses.dataclass(frozen=True)
class Excluded:
    therapy: TherapyRef
    reasons: tuple[Reason, ...]


@dataclasses.dataclass(frozen=True)
class SetAside:
    """A suitable therapy left out only because it does not match a stated preference."""

    therapy: TherapyRef
    reason: str  # format | pressure


@dataclasses.dataclass(frozen=True)
class GoalGap:
    """A chosen goal that no therapy has good evidence for, with what evidence there is."""

    goal: str
    notes: tuple[Benefit, ...]


@dataclasses.dataclass(frozen=True)
class Crisis:
    message: str
    contacts: tuple[CrisisContactFacts, ...]


@dataclasses.dataclass(frozen=True)
class Result:
    catalogue_version: str
    crisis: Crisis | None
    recommendations: tuple[Recommendation, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    set_aside: tuple[SetAside, ...] = ()
    goal_gaps: tuple[GoalGap, ...] = ()
    other_paths: tuple[str, ...] = OTHER_PATHS


# --- The engine ------------------------------------------------------------------------------


def recommend(*, answers: Answers, catalogue: CatalogueSnapshot) -> Result:
    """Return the ranked, explained result for these answers on this catalogue."""
    yes = frozenset(c for c in answers.conditions if c in catalogue.conditions)
    if any(catalogue.conditions[c].is_crisis for c in yes):
        return Result(
            catalogue_version=catalogue.version,
            crisis=Crisis(message=catalogue.crisis_message, contacts=catalogue.crisis_contacts),
        )

    goals = sorted(
        (g for g in answers.goals if g in catalogue.goals),
        key=lambda g: (catalogue.goals[g].position, g),
    )
    rules = _rules_for(yes, catalogue)
    evidence = _evidence_for(goals, catalogue)
    candidates = set(evidence) | {t for t, rs in rules.items() if _of(rs, "suits")}
    candidates &= set(catalogue.therapies)

    recommendations, excluded, set_aside = [], [], []
    for slug in candidates:
        therapy = catalogue.therapies[slug]
        ref = TherapyRef(therapy.slug, therapy.name, therapy.kind)
        therapy_rules = rules.get(slug, ())
        exclusions = _of(therapy_rules, "exclude")
        if exclusions:
            excluded.append(Excluded(ref, tuple(_reason(r) for r in exclusions)))
            continue
        mismatch = _preference_mismatch(therapy, answers)
        if mismatch:
            set_aside.append(SetAside(ref, mismatch))
            continue
        recommendations.append(
            _recommendation(ref, evidence.get(slug, {}), therapy_rules, goals, catalogue)
        )

    recommendations.sort(
        key=lambda r: (-r.score, -r.supporting_findings, r.therapy.name, r.therapy.slug)
    )
    excluded.sort(key=lambda e: (e.therapy.name, e.therapy.slug))
    set_aside.sort(key=lambda s: (s.therapy.name, s.therapy.slug))
    matched = {g for r in recommendations for g in r.matched_goals}
    return Result(
        catalogue_version=catalogue.version,
        crisis=None,
        recommendations=tuple(recommendations),
        excluded=tuple(excluded),
        set_aside=tuple(set_aside),
        goal_gaps=tuple(_gap(g, catalogue) for g in goals if g not in matched),
    )


def _rules_for(yes: frozenset[str], catalogue: CatalogueSnapshot) -> dict[str, list[RuleFacts]]:
    by_therapy: dict[str, list[RuleFacts]] = {}
    for condition in sorted(yes, key=lambda c: (catalogue.conditions[c].position, c)):
        for rule in catalogue.rules_by_condition.get(condition, ()):
            by_therapy.setdefault(rule.therapy, []).append(rule)
    return by_therapy


def _of(rules: list[RuleFacts] | tuple[RuleFacts, ...], effect: str) -> list[RuleFacts]:
    return [r for r in rules if r.effect == effect]


def _evidence_for(
    goals: list[str], catalogue: CatalogueSnapshot
) -> dict[str, dict[str, list[FindingFacts]]]:
    """Return therapy slug → goal → the benefit findings that make it match that goal."""
    matched: dict[str, dict[str, list[FindingFacts]]] = {}
    for goal in goals:
        findings = catalogue.findings_by_goal.get(goal, ())
        own: dict[str, list[FindingFacts]] = {}
        by_kind: dict[str, list[FindingFacts]] = {}
        for finding in findings:
            if finding.therapy is not None:
                own.setdefault(finding.therapy, []).append(finding)
            elif finding.kind is not None:
                by_kind.setdefault(finding.kind, []).append(finding)
        therapies = set(own)
        for kind in by_kind:
            therapies |= {s for s, t in catalogue.therapies.items() if t.kind == kind}
        for slug in therapies:
            therapy = catalogue.therapies.get(slug)
            if therapy is None:
                continue
            specific = own.get(slug, [])
            general = by_kind.get(therapy.kind, [])
            # Specific evidence outranks general: a therapy's own findings decide whether it
            # helps; the findings about its whole kind then add their numbers.
            deciding = specific or general
            if not any(f.direction == "benefit" for f in deciding):
                continue
            benefits = [f for f in specific + general if f.direction == "benefit"]
            matched.setdefault(slug, {})[goal] = benefits
    return matched


def _preference_mismatch(therapy: TherapyFacts, answers: Answers) -> str:
    if answers.format != "any" and answers.format not in therapy.formats:
        return "format"
    if answers.pressure != "any" and therapy.pressure not in (answers.pressure, "n/a"):
        return "pressure"
    return ""


def _recommendation(
    ref: TherapyRef,
    evidence: dict[str, list[FindingFacts]],
    rules: list[RuleFacts],
    goals: list[str],
    catalogue: CatalogueSnapshot,
) -> Recommendation:
    matched_goals = tuple(g for g in goals if g in evidence)
    benefits = []
    score = 0
    supporting = 0
    for goal in matched_goals:
        findings = sorted(
            evidence[goal],
            key=lambda f: (-CERTAINTY_WEIGHT[f.certainty], f.therapy is None, f.slug),
        )
        score += CERTAINTY_WEIGHT[findings[0].certainty]
        supporting += len(findings)
        benefits.extend(_benefit(f) for f in findings)
    suits = tuple(_reason(r) for r in _of(rules, "suits"))
    if suits:
        score += SUITS_LIFT
    warnings = sorted(
        (
            Warning(r.condition, r.effect, r.message, r.source)
            for r in rules
            if r.effect in EFFECT_ORDER
        ),
        key=lambda w: (
            EFFECT_ORDER[w.effect],
            catalogue.conditions[w.condition].position,
            w.condition,
        ),
    )
    return Recommendation(
        therapy=ref,
        score=score,
        matched_goals=matched_goals,
        benefits=tuple(benefits),
        warnings=tuple(warnings),
        suits=suits,
        supporting_findings=supporting,
    )


def _benefit(finding: FindingFacts) -> Benefit:
    return Benefit(
        goal=finding.goal,
        statement=finding.statement,
        certainty=finding.certainty,
        direction=finding.direction,
        sources=(finding.source,),
    )


def _reason(rule: RuleFacts) -> Reason:
    return Reason(condition=rule.condition, message=rule.message, source=rule.source)


def _gap(goal: str, catalogue: CatalogueSnapshot) -> GoalGap:
    notes = tuple(
        _benefit(f) for f in catalogue.findings_by_goal.get(goal, ()) if f.direction != "benefit"
    )
    return GoalGap(goal=goal, notes=notes)
