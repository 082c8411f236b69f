"""The catalogue snapshot the engine reads, and the indexes it carries so a recommendation
touches only what matches."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping

from wellness.recommender.facts import (
    CERTAINTY_WEIGHT,
    HARM_ORDER,
    ConditionFacts,
    CrisisContactFacts,
    FindingFacts,
    GoalFacts,
    HarmFacts,
    NextStepFacts,
    RuleFacts,
    SourceRef,
    TherapyFacts,
    WarningSignFacts,
    _PickledByArguments,
)
from wellness.recommender.result import Benefit

# One shared ``(source,)`` tuple per source, for the benefits that cite it.
CitedSources = dict[SourceRef, tuple[SourceRef, ...]]


def _rank(finding: FindingFacts) -> tuple[int, bool, str]:
    """Best first: higher certainty, then a therapy's own finding before a general one, slug."""
    return (-CERTAINTY_WEIGHT[finding.certainty], finding.therapy is None, finding.slug)


def benefit_of(finding: FindingFacts, cited: CitedSources | None = None) -> Benefit:
    """Return what a card or a goal's note shows of a finding."""
    sources: tuple[SourceRef, ...] = (finding.source,)
    if cited is not None:
        # A large catalogue cites each source many times: one tuple each saves memory.
        sources = cited.setdefault(finding.source, sources)
    return Benefit(
        goal=finding.goal,
        statement=finding.statement,
        certainty=finding.certainty,
        direction=finding.direction,
        sources=sources,
        finding=finding.slug,
        rated_by=finding.rated_by,
        clinician_checked=finding.clinician_checked,
        numbers=finding.numbers,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Ranked:
    """Benefit findings ranked best first, with what a card shows for them."""

    findings: tuple[FindingFacts, ...]
    benefits: tuple[Benefit, ...]

    @classmethod
    def of(cls, findings: list[FindingFacts], cited: CitedSources) -> Ranked:
        ranked = sorted(findings, key=_rank)
        return cls(tuple(ranked), tuple(benefit_of(f, cited) for f in ranked))

    @property
    def weight(self) -> int:
        return CERTAINTY_WEIGHT[self.findings[0].certainty]

    def merged(self, *others: Ranked) -> Ranked:
        """Return these sets ranked together (a therapy's own, its techniques', its kind's)."""
        if not others:
            return self
        findings, benefits = self.findings, self.benefits
        for other in others:
            findings, benefits = findings + other.findings, benefits + other.benefits
        pairs = sorted(zip(findings, benefits, strict=True), key=lambda pair: _rank(pair[0]))
        return Ranked(tuple(f for f, _ in pairs), tuple(b for _, b in pairs))


@dataclasses.dataclass(frozen=True, slots=True)
class GoalEvidence:
    """The findings for one goal, indexed by the therapy, technique or kind they are about."""

    own: Mapping[str, Ranked]  # therapies whose own findings include a benefit: those benefits
    decided: frozenset[str]  # every therapy with findings of its own: they decide for it
    by_technique: Mapping[str, Ranked]  # techniques with a benefit finding
    by_kind: Mapping[str, Ranked]  # kinds with a benefit finding about the whole kind
    notes: tuple[FindingFacts, ...]  # the findings that are not a benefit, for "no good option"

    @classmethod
    def of(cls, findings: tuple[FindingFacts, ...], cited: CitedSources) -> GoalEvidence:
        """Index one goal's findings; ``cited`` shares one sources tuple per source."""
        own: dict[str, list[FindingFacts]] = {}
        decided: set[str] = set()
        by_technique: dict[str, list[FindingFacts]] = {}
        by_kind: dict[str, list[FindingFacts]] = {}
        for finding in findings:
            benefit = finding.direction == "benefit"
            if finding.therapy is not None:
                decided.add(finding.therapy)
                if benefit:
                    own.setdefault(finding.therapy, []).append(finding)
            elif finding.technique is not None:
                if benefit:
                    by_technique.setdefault(finding.technique, []).append(finding)
            elif finding.kind is not None and benefit:
                by_kind.setdefault(finding.kind, []).append(finding)
        return cls(
            own={slug: Ranked.of(fs, cited) for slug, fs in own.items()},
            decided=frozenset(decided),
            by_technique={t: Ranked.of(fs, cited) for t, fs in by_technique.items()},
            by_kind={kind: Ranked.of(fs, cited) for kind, fs in by_kind.items()},
            notes=tuple(f for f in findings if f.direction != "benefit"),
        )

    def parts_for(
        self, therapy: TherapyFacts, not_given: frozenset[str] | set[str]
    ) -> list[Ranked]:
        """Return the benefit findings that make this therapy (of the catalogue) match the goal:
        its own; then, unless its own findings decide for it, its techniques' (but those in
        ``not_given``) and its kind's. Empty: it does not match. ``merge_parts`` ranks them."""
        own = self.own.get(therapy.slug)
        if own is None and therapy.slug in self.decided:
            return []
        parts = [own] if own is not None else []
        for technique in therapy.techniques:
            ranked = self.by_technique.get(technique)
            if ranked is not None and technique not in not_given:
                parts.append(ranked)
        general = self.by_kind.get(therapy.kind)
        if general is not None:
            parts.append(general)
        return parts


def merge_parts(parts: list[Ranked]) -> Ranked:
    """Return a therapy's evidence for one goal, ranked together (``GoalEvidence.parts_for``)."""
    return parts[0].merged(*parts[1:])


@dataclasses.dataclass(frozen=True, slots=True)
class GoalRanking:
    """A goal's matching therapies, best evidence first, then by name and slug: the order the
    engine ranks them in when no answer changes their place (no safety rule for a yes-answer,
    no technique withheld, no preference or value stated); and those of them made for one group
    of people, whose place depends on the answers."""

    order: tuple[str, ...]
    made_for_some: frozenset[str]


def _goal_ranking(
    evidence: GoalEvidence,
    therapies: Mapping[str, TherapyFacts],
    by_technique: Mapping[str, tuple[str, ...]],
    by_kind: Mapping[str, tuple[str, ...]],
) -> GoalRanking:
    candidates = {slug for slug in evidence.own if slug in therapies}
    for technique in evidence.by_technique:
        candidates.update(by_technique.get(technique, ()))
    for kind in evidence.by_kind:
        candidates.update(by_kind.get(kind, ()))
    weighed = []
    made_for_some = set()
    for slug in candidates:
        therapy = therapies[slug]
        parts = evidence.parts_for(therapy, frozenset())
        if parts:
            weighed.append((-max(p.weight for p in parts), therapy.name, slug))
            if therapy.only_for is not None:
                made_for_some.add(slug)
    weighed.sort()
    return GoalRanking(tuple(slug for _, _, slug in weighed), frozenset(made_for_some))


# The categories a therapy's or technique's own record replaces its kind's of: one
# description each. Side effects and serious risks are never replaced, only added to.
_REPLACED_BY_SPECIFIC = frozenset({"time", "cost"})


def _harm_order(harm: HarmFacts) -> tuple[int, int, str]:
    return (HARM_ORDER.get(harm.category, len(HARM_ORDER)), harm.position, harm.slug)


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogueSnapshot(_PickledByArguments):
    """Everything the engine needs, indexed so a recommendation touches only what matches.

    Give the collections; the indexes are derived from them when the snapshot is made
    (``therapies_by_kind`` and ``therapies_by_technique`` may be given too, by a builder that
    already walks the therapies).
    ``next_steps`` are in the order they are shown; ``techniques_not_for`` names the
    techniques some people are not given.
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
    harms: tuple[HarmFacts, ...] = ()
    next_steps: tuple[NextStepFacts, ...] = ()
    therapies_by_technique: Mapping[str, tuple[str, ...]] | None = None
    # Technique slug → the conditions whose yes-answer means it is not given (tummy massage:
    # pregnancy); its findings then never count for that person.
    techniques_not_for: Mapping[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    # The day the catalogue last changed, shown to the public instead of the version hash.
    changed_on: datetime.date | None = None
    # Signs that need urgent care, in the order of the questions, then their own order.
    warning_signs: tuple[WarningSignFacts, ...] = ()
    evidence_by_goal: Mapping[str, GoalEvidence] = dataclasses.field(init=False, repr=False)
    rules_by_condition_therapy: Mapping[str, Mapping[str, tuple[RuleFacts, ...]]] = (
        dataclasses.field(init=False, repr=False)
    )
    # ("therapy" | "kind" | "technique", slug) → its harms and burdens, in the order shown.
    harms_by_subject: Mapping[tuple[str, str], tuple[HarmFacts, ...]] = dataclasses.field(
        init=False, repr=False
    )
    # Goal → its ranking (``ranking``), made when first asked for.
    _rankings: dict[str, GoalRanking] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the indexes are set once, here, and never change after.
        cited: CitedSources = {}
        if self.therapies_by_kind is None:
            by_kind: dict[str, list[str]] = {}
            for slug, therapy in self.therapies.items():
                by_kind.setdefault(therapy.kind, []).append(slug)
            object.__setattr__(self, "therapies_by_kind", {k: tuple(v) for k, v in by_kind.items()})
        if self.therapies_by_technique is None:
            by_technique: dict[str, list[str]] = {}
            for slug, therapy in self.therapies.items():
                for technique in therapy.techniques:
                    by_technique.setdefault(technique, []).append(slug)
            object.__setattr__(
                self, "therapies_by_technique", {t: tuple(v) for t, v in by_technique.items()}
            )
        object.__setattr__(
            self,
            "evidence_by_goal",
            {
                goal: GoalEvidence.of(findings, cited)
                for goal, findings in self.findings_by_goal.items()
            },
        )
        by_condition: dict[str, dict[str, tuple[RuleFacts, ...]]] = {}
        for condition, rules in self.rules_by_condition.items():
            by_therapy: dict[str, list[RuleFacts]] = {}
            for rule in rules:
                by_therapy.setdefault(rule.therapy, []).append(rule)
            by_condition[condition] = {t: tuple(rs) for t, rs in by_therapy.items()}
        object.__setattr__(self, "rules_by_condition_therapy", by_condition)
        object.__setattr__(self, "_rankings", {})
        harms: dict[tuple[str, str], list[HarmFacts]] = {}
        for harm in self.harms:
            if harm.therapy is not None:
                subject = ("therapy", harm.therapy)
            elif harm.technique is not None:
                subject = ("technique", harm.technique)
            else:
                subject = ("kind", harm.kind or "")
            harms.setdefault(subject, []).append(harm)
        object.__setattr__(
            self,
            "harms_by_subject",
            {subject: tuple(sorted(hs, key=_harm_order)) for subject, hs in harms.items()},
        )

    def ranking(self, goal: str, evidence: GoalEvidence) -> GoalRanking:
        """Return the therapies matching a goal (its ``evidence``) in the order the engine ranks
        them when no answer changes their place: made once, when first asked for."""
        ranking = self._rankings.get(goal)
        if ranking is None:
            ranking = _goal_ranking(
                evidence,
                self.therapies,
                self.therapies_by_technique or {},
                self.therapies_by_kind or {},
            )
            self._rankings[goal] = ranking
        return ranking

    def harms_for(self, therapy: TherapyFacts) -> tuple[HarmFacts, ...]:
        """Return a therapy's harms and burdens: its own, its techniques' and its kind's.

        Side effects and serious risks add up: a therapy's own side effect (feeling sleepier in
        the first weeks of CBT for insomnia) never hides its kind's (lasting bad effects of
        talking therapy). A burden is one description, so the specific one replaces the general:
        where the therapy or a technique says what time it asks or what it costs, its kind's
        record of that is left out.
        """
        specific = [
            h
            for s in (
                ("therapy", therapy.slug),
                *(("technique", t) for t in sorted(therapy.techniques)),
            )
            for h in self.harms_by_subject.get(s, ())
        ]
        covered = {h.category for h in specific} & _REPLACED_BY_SPECIFIC
        general = [
            h
            for h in self.harms_by_subject.get(("kind", therapy.kind), ())
            if h.category not in covered
        ]
        return tuple(sorted(specific + general, key=_harm_order))
