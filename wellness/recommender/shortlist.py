"""The shortlist for one goal, read in rank order from the snapshot: what the engine's rules give
(``engine.py``'s docstring), at a cost that grows with the cards shown and the therapies the
answers concern, not with every therapy the goal matches.

The snapshot ranks each goal's matching therapies as if no answer changed their place, once,
when first asked (``CatalogueSnapshot.ranking``: best evidence, then name, then slug). For one
goal, with no stated preference and nothing that matters to the person, an answer moves only
the therapies it concerns: those with a safety rule for a yes-answer, those made for one group
of people, and those with a technique withheld from this person. Those few are weighed one by
one as the engine weighs every candidate; the rest keep their place, so the best ``limit`` are
the first of the two orders merged.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator

from wellness.recommender.facts import RuleFacts, TherapyFacts
from wellness.recommender.result import Excluded, Reason, TherapyRef
from wellness.recommender.snapshot import CatalogueSnapshot, Ranked, merge_parts

# A suitable therapy's place: (-score, clearances, cautions, distance, made for, name, slug).
Rank = tuple[int, int, int, int, int, str, str]
# A suitable therapy: its place, itself, its evidence by goal, its rules and the values it misses.
Suitable = tuple[Rank, TherapyFacts, dict[str, Ranked], list[RuleFacts], tuple[str, ...]]


def first(item: Suitable) -> Rank:
    return item[0]


def therapy_ref(therapy: TherapyFacts) -> TherapyRef:
    return TherapyRef(therapy.slug, therapy.name, therapy.kind)


def rules_for(slug: str, conditions: list[str], catalogue: CatalogueSnapshot) -> list[RuleFacts]:
    """Return the therapy's rules for the yes-answers, in the order the questions are asked."""
    rules: list[RuleFacts] = []
    for condition in conditions:
        rules.extend(catalogue.rules_by_condition_therapy.get(condition, {}).get(slug, ()))
    return rules


def of_effect(rules: list[RuleFacts] | tuple[RuleFacts, ...], effect: str) -> list[RuleFacts]:
    return [r for r in rules if r.effect == effect]


def reason_of(rule: RuleFacts) -> Reason:
    return Reason(condition=rule.condition, message=rule.message, source=rule.source)


def made_for_others(therapy: TherapyFacts, yes: frozenset[str]) -> bool:
    return therapy.only_for is not None and therapy.only_for not in yes


def withheld_techniques(yes: frozenset[str], catalogue: CatalogueSnapshot) -> set[str]:
    """Return the techniques not given to someone with these yes-answers."""
    return {t for t, conditions in catalogue.techniques_not_for.items() if conditions & yes}


def one_goal(
    goal: str,
    yes: frozenset[str],
    conditions: list[str],
    limit: int,
    catalogue: CatalogueSnapshot,
) -> tuple[list[Suitable], list[Excluded], int]:
    """Return the best ``limit`` suitable therapies for one goal in rank order, the therapies
    excluded for this person (unsorted) and how many are suitable in all.

    Only for answers with no preference and nothing that matters to the person stated: then
    no therapy is set aside and none is placed by values.
    """
    evidence = catalogue.evidence_by_goal.get(goal)
    if evidence is None:
        return [], [], 0
    ranking = catalogue.ranking(goal, evidence)
    order = ranking.order
    not_given = withheld_techniques(yes, catalogue)
    # The therapies these answers may move: weighed one by one, as the engine weighs them.
    concerned = set(ranking.made_for_some)
    for condition in conditions:
        concerned.update(catalogue.rules_by_condition_therapy.get(condition, ()))
    by_technique = catalogue.therapies_by_technique or {}
    for technique in not_given & evidence.by_technique.keys():
        concerned.update(by_technique.get(technique, ()))

    excluded: list[Excluded] = []
    weighed: list[Suitable] = []
    in_order = 0  # of the concerned therapies, those in ``order``
    for slug in concerned:
        therapy = catalogue.therapies.get(slug)
        if therapy is None:
            continue
        if evidence.parts_for(therapy, frozenset()):
            in_order += 1
        parts = evidence.parts_for(therapy, not_given)
        if not parts or made_for_others(therapy, yes):
            continue
        rules = rules_for(slug, conditions, catalogue)
        exclusions = of_effect(rules, "exclude")
        if exclusions:
            excluded.append(Excluded(therapy_ref(therapy), tuple(reason_of(r) for r in exclusions)))
            continue
        ranked = merge_parts(parts)
        rank = (
            -ranked.weight,
            len(of_effect(rules, "clearance")),
            len(of_effect(rules, "caution")),
            0,
            0 if of_effect(rules, "suits") else 1,
            therapy.name,
            slug,
        )
        weighed.append((rank, therapy, {goal: ranked}, rules, ()))
    weighed.sort(key=first)

    def unconcerned() -> Iterator[Suitable]:
        # In ``order`` already: no rule applies, nothing is withheld, nothing else places it.
        for slug in order:
            if slug in concerned:
                continue
            therapy = catalogue.therapies[slug]
            ranked = merge_parts(evidence.parts_for(therapy, frozenset()))
            rank = (-ranked.weight, 0, 0, 0, 1, therapy.name, slug)
            yield (rank, therapy, {goal: ranked}, [], ())

    merged = heapq.merge(unconcerned(), weighed, key=first)
    shortlist = list(itertools.islice(merged, limit))
    return shortlist, excluded, len(order) - in_order + len(weighed)
