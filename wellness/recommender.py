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

A shortlist, not a catalogue: with a ``limit`` only the best recommendations are explained and
returned, and the result counts the rest, so a goal that a thousand therapies match costs the
ranking of a thousand scores and the explaining of ten cards.

Findings about a whole kind of therapy ("talking therapies") apply to each therapy of that kind,
unless the therapy has findings of its own for that goal: specific evidence outranks general.

Cost: the snapshot carries indexes (evidence by goal then therapy, rules by condition then
therapy, therapies by kind), built once with it, so a recommendation reads only the therapies
that match the chosen goals or a "suits" rule of a yes-answer, never the whole catalogue.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Mapping

CERTAINTY_WEIGHT = {"high": 4, "moderate": 3, "low": 2, "very-low": 1}
SUITS_LIFT = 3  # as much as one moderate-certainty finding
SHORTLIST_SIZE = 10  # cards shown at first; the rest are counted and shown on request
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


class _PickledByArguments:
    """Pickle as the constructor's arguments, so unpickling builds objects as ``__init__`` does.

    The default pickles each object's attribute dict, and unpickling then gives every object a
    dict of its own: a large snapshot read from the shared cache took half as much memory again
    as one built here (210 MB against 145 MB at 100,000 findings; see tests/benchmarks/).
    Every fact and answer class is also a slotted dataclass: no attribute dict at all, which
    saves another ~12 MB a worker at that size.
    """

    __slots__ = ()

    def __reduce__(self):
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


@dataclasses.dataclass(frozen=True, slots=True)
class FindingFacts(_PickledByArguments):
    slug: str
    therapy: str | None  # a therapy slug, or None for a whole kind
    kind: str | None
    goal: str
    direction: str
    certainty: str
    statement: str
    source: SourceRef


@dataclasses.dataclass(frozen=True, slots=True)
class RuleFacts(_PickledByArguments):
    therapy: str
    condition: str
    effect: str  # exclude | clearance | caution | suits
    message: str
    source: SourceRef | None  # None when the source is not published


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
class CatalogueSnapshot(_PickledByArguments):
    """Everything the engine needs, indexed so a recommendation touches only what matches.

    Give the six collections; the indexes are derived from them when the snapshot is made
    (``therapies_by_kind`` may be given too, by a builder that already walks the therapies).
    """

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
    therapies_by_kind: Mapping[str, tuple[str, ...]] | None = None
    evidence_by_goal: Mapping[str, GoalEvidence] = dataclasses.field(init=False, repr=False)
    rules_by_condition_therapy: Mapping[str, Mapping[str, tuple[RuleFacts, ...]]] = (
        dataclasses.field(init=False, repr=False)
    )
    suits_by_condition: Mapping[str, tuple[str, ...]] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Frozen: the indexes are set once, here, and never change after.
        cited: dict[SourceRef | None, tuple[SourceRef | None, ...]] = {}
        if self.therapies_by_kind is None:
            by_kind: dict[str, list[str]] = {}
            for slug, therapy in self.therapies.items():
                by_kind.setdefault(therapy.kind, []).append(slug)
            object.__setattr__(self, "therapies_by_kind", {k: tuple(v) for k, v in by_kind.items()})
        object.__setattr__(
            self,
            "evidence_by_goal",
            {
                goal: GoalEvidence.of(findings, cited)
                for goal, findings in self.findings_by_goal.items()
            },
        )
        by_condition: dict[str, dict[str, tuple[RuleFacts, ...]]] = {}
        suits: dict[str, tuple[str, ...]] = {}
        for condition, rules in self.rules_by_condition.items():
            by_therapy: dict[str, list[RuleFacts]] = {}
            for rule in rules:
                by_therapy.setdefault(rule.therapy, []).append(rule)
            by_condition[condition] = {t: tuple(rs) for t, rs in by_therapy.items()}
            suits[condition] = tuple(
                t for t, rs in by_therapy.items() if any(r.effect == "suits" for r in rs)
            )
        object.__setattr__(self, "rules_by_condition_therapy", by_condition)
        object.__setattr__(self, "suits_by_condition", suits)


@dataclasses.dataclass(frozen=True, slots=True)
class Answers:
    goals: frozenset[str]
    conditions: frozenset[str] = frozenset()  # the conditions answered "yes"
    format: str = "any"  # any | in-person | online | group
    pressure: str = "any"  # any | gentle | firm


# --- What the engine returns -----------------------------------------------------------------


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
    """A chosen goal that no therapy has good evidence for, with what evidence there is."""

    goal: str
    notes: tuple[Benefit, ...]


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
    other_paths: tuple[str, ...] = OTHER_PATHS
    more_recommendations: int = 0  # suitable therapies ranked below the limit, not in the list


# --- The indexes a snapshot carries --------------------------------------------------------


def _rank(finding: FindingFacts) -> tuple:
    """Best first: higher certainty, then a therapy's own finding before a kind's, then slug."""
    return (-CERTAINTY_WEIGHT[finding.certainty], finding.therapy is None, finding.slug)


@dataclasses.dataclass(frozen=True, slots=True)
class Ranked:
    """Benefit findings ranked best first, with what a card shows for them."""

    findings: tuple[FindingFacts, ...]
    benefits: tuple[Benefit, ...]

    @classmethod
    def of(cls, findings: list[FindingFacts], cited: dict) -> Ranked:
        ranked = sorted(findings, key=_rank)
        return cls(tuple(ranked), tuple(_benefit(f, cited) for f in ranked))

    @property
    def weight(self) -> int:
        return CERTAINTY_WEIGHT[self.findings[0].certainty]

    def merged(self, other: Ranked) -> Ranked:
        """Return both sets ranked together (a therapy's own findings and its kind's)."""
        pairs = sorted(
            zip(self.findings + other.findings, self.benefits + other.benefits, strict=True),
            key=lambda pair: _rank(pair[0]),
        )
        return Ranked(tuple(f for f, _ in pairs), tuple(b for _, b in pairs))


@dataclasses.dataclass(frozen=True, slots=True)
class GoalEvidence:
    """The findings for one goal, indexed by the therapy or the kind they are about."""

    own: Mapping[str, Ranked]  # therapies whose own findings include a benefit: those benefits
    decided: frozenset[str]  # every therapy with findings of its own: they decide for it
    by_kind: Mapping[str, Ranked]  # kinds with a benefit finding about the whole kind
    notes: tuple[FindingFacts, ...]  # the findings that are not a benefit, for "no good option"

    @classmethod
    def of(cls, findings: tuple[FindingFacts, ...], cited: dict) -> GoalEvidence:
        """Index one goal's findings; ``cited`` shares one sources tuple per source."""
        own: dict[str, list[FindingFacts]] = {}
        decided: set[str] = set()
        by_kind: dict[str, list[FindingFacts]] = {}
        for finding in findings:
            if finding.therapy is not None:
                decided.add(finding.therapy)
                if finding.direction == "benefit":
                    own.setdefault(finding.therapy, []).append(finding)
            elif finding.kind is not None and finding.direction == "benefit":
                by_kind.setdefault(finding.kind, []).append(finding)
        return cls(
            own={slug: Ranked.of(fs, cited) for slug, fs in own.items()},
            decided=frozenset(decided),
            by_kind={kind: Ranked.of(fs, cited) for kind, fs in by_kind.items()},
            notes=tuple(f for f in findings if f.direction != "benefit"),
        )


# --- The engine ------------------------------------------------------------------------------


def recommend(
    *, answers: Answers, catalogue: CatalogueSnapshot, limit: int | None = None
) -> Result:
    """Return the ranked, explained result for these answers on this catalogue.

    With a ``limit``, only the best ``limit`` recommendations are explained and returned, and
    ``more_recommendations`` counts the rest. Every suitable therapy is still ranked, so the
    shortlist is the same as the first ``limit`` of the whole list.
    """
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
    conditions = sorted(yes, key=lambda c: (catalogue.conditions[c].position, c))
    evidence = _evidence_for(goals, catalogue)
    candidates = set(evidence)
    for condition in conditions:
        candidates.update(catalogue.suits_by_condition.get(condition, ()))

    suitable: list[tuple[tuple, TherapyFacts, dict[str, Ranked], list[RuleFacts]]] = []
    excluded, set_aside = [], []
    matched: set[str] = set()
    for slug in candidates:
        therapy = catalogue.therapies.get(slug)
        if therapy is None:
            continue
        therapy_rules = _rules_for(slug, conditions, catalogue)
        exclusions = _of(therapy_rules, "exclude")
        if exclusions:
            excluded.append(Excluded(_ref(therapy), tuple(_reason(r) for r in exclusions)))
            continue
        mismatch = _preference_mismatch(therapy, answers)
        if mismatch:
            set_aside.append(SetAside(_ref(therapy), mismatch))
            continue
        # Rank by the score alone; explain only what will be shown.
        goal_evidence = evidence.get(slug, {})
        score = sum(ranked.weight for ranked in goal_evidence.values())
        if _of(therapy_rules, "suits"):
            score += SUITS_LIFT
        supporting = sum(len(ranked.benefits) for ranked in goal_evidence.values())
        rank = (-score, -supporting, therapy.name, therapy.slug)
        suitable.append((rank, therapy, goal_evidence, therapy_rules))
        matched.update(goal_evidence)

    if limit is None:
        shortlist = sorted(suitable, key=_first)
    else:
        shortlist = heapq.nsmallest(limit, suitable, key=_first)
    excluded.sort(key=lambda e: (e.therapy.name, e.therapy.slug))
    set_aside.sort(key=lambda s: (s.therapy.name, s.therapy.slug))
    return Result(
        catalogue_version=catalogue.version,
        crisis=None,
        recommendations=tuple(
            _recommendation(_ref(therapy), goal_evidence, rules, goals, catalogue)
            for _, therapy, goal_evidence, rules in shortlist
        ),
        excluded=tuple(excluded),
        set_aside=tuple(set_aside),
        goal_gaps=tuple(_gap(g, catalogue) for g in goals if g not in matched),
        more_recommendations=len(suitable) - len(shortlist),
    )


def _first(item: tuple) -> tuple:
    return item[0]


def _ref(therapy: TherapyFacts) -> TherapyRef:
    return TherapyRef(therapy.slug, therapy.name, therapy.kind)


def _rules_for(slug: str, conditions: list[str], catalogue: CatalogueSnapshot) -> list[RuleFacts]:
    """Return the therapy's rules for the yes-answers, in the order the questions are asked."""
    rules: list[RuleFacts] = []
    for condition in conditions:
        rules.extend(catalogue.rules_by_condition_therapy.get(condition, {}).get(slug, ()))
    return rules


def _of(rules: list[RuleFacts] | tuple[RuleFacts, ...], effect: str) -> list[RuleFacts]:
    return [r for r in rules if r.effect == effect]


def _evidence_for(goals: list[str], catalogue: CatalogueSnapshot) -> dict[str, dict[str, Ranked]]:
    """Return therapy slug → goal → the benefit findings that make it match that goal."""
    matched: dict[str, dict[str, Ranked]] = {}
    for goal in goals:
        evidence = catalogue.evidence_by_goal.get(goal)
        if evidence is None:
            continue
        # Specific evidence outranks general: a therapy's own findings decide whether it
        # helps; the findings about its whole kind then add their numbers.
        for slug, own in evidence.own.items():
            therapy = catalogue.therapies.get(slug)
            if therapy is None:
                continue
            general = evidence.by_kind.get(therapy.kind)
            matched.setdefault(slug, {})[goal] = own.merged(general) if general else own
        # A kind's benefit finding matches every therapy of that kind with none of its own.
        for kind, general in evidence.by_kind.items():
            for slug in catalogue.therapies_by_kind.get(kind, ()):
                if slug not in evidence.decided:
                    matched.setdefault(slug, {})[goal] = general
    return matched


def _preference_mismatch(therapy: TherapyFacts, answers: Answers) -> str:
    if answers.format != "any" and answers.format not in therapy.formats:
        return "format"
    if answers.pressure != "any" and therapy.pressure not in (answers.pressure, "n/a"):
        return "pressure"
    return ""


def _recommendation(
    ref: TherapyRef,
    evidence: dict[str, Ranked],
    rules: list[RuleFacts],
    goals: list[str],
    catalogue: CatalogueSnapshot,
) -> Recommendation:
    matched_goals = tuple(g for g in goals if g in evidence)
    benefits: list[Benefit] = []
    score = 0
    supporting = 0
    for goal in matched_goals:
        ranked = evidence[goal]
        score += ranked.weight
        supporting += len(ranked.benefits)
        benefits.extend(ranked.benefits)
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


def _benefit(finding: FindingFacts, cited: dict | None = None) -> Benefit:
    sources = (finding.source,)
    if cited is not None:
        # A large catalogue cites each source many times: one tuple each saves memory.
        sources = cited.setdefault(finding.source, sources)
    return Benefit(
        goal=finding.goal,
        statement=finding.statement,
        certainty=finding.certainty,
        direction=finding.direction,
        sources=sources,
    )


def _reason(rule: RuleFacts) -> Reason:
    return Reason(condition=rule.condition, message=rule.message, source=rule.source)


def _gap(goal: str, catalogue: CatalogueSnapshot) -> GoalGap:
    evidence = catalogue.evidence_by_goal.get(goal)
    return GoalGap(goal=goal, notes=tuple(_benefit(f) for f in evidence.notes) if evidence else ())
