"""The recommendation engine: a pure, deterministic function from answers to a ranked result.

It imports no Django and does no I/O: it works on a ``CatalogueSnapshot`` that a selector builds
from the database. The rules, in order (docs/architecture.md §4 shows where they run):

1. Crisis stops the flow: urgent-help guidance and no shortlist.
2. Safety: an ``exclude`` rule for any yes-answer means never recommended, listed with every
   reason; ``clearance`` then ``caution`` messages go on the card. Where two rules meet, the
   strictest wins (exclude, then clearance, then caution), and the card says which answers set
   it. ``suits`` marks a therapy made for the person.
3. Fit: a candidate has a published finding of benefit for a chosen goal: its own; else its
   techniques' (a finding limited to one technique, such as tummy massage) and its kind's. A
   therapy limited to a condition (prenatal massage: pregnancy) is a candidate only for people
   who answered yes to it; a technique not given to people with a condition (tummy massage:
   pregnancy) brings no evidence for them. A ``suits`` rule never makes a candidate on its own.
   Score = sum over matched goals of the certainty weight of the best finding. Among equal
   scores: fewer safety gates first (a clearance weighs more than a caution), then those that
   fit what matters to the person (talk or touch, time, cost: ``VALUE_MISS_WEIGHT``), then
   therapies made for the person (``suits``), then name, then slug. So neither a ``suits``
   rule nor what matters to someone ever lifts weak evidence above stronger evidence.
4. Explain: matched goals, statements with numbers and ranges, certainty, sources; and the
   harms and burdens of each option beside its benefits.
5. Honesty: each goal without a good option says why (ruled out for you, shown not to help,
   unclear, or not yet in our catalogue); the other paths are chosen for the answers, and "wait
   and see" is left out where a path that applies says a clinician should see the person;
   the signs that need urgent care for each yes-answer are listed with what to do.
6. Reproducible: the catalogue version is on every result.

A shortlist, not a catalogue: with a ``limit`` only the best recommendations are explained and
returned, and the result counts the rest, so a goal that a thousand therapies match costs the
ranking of a thousand scores and the explaining of ten cards.

Cost: the snapshot carries indexes (evidence by goal then therapy, technique or kind; rules by
condition then therapy; therapies by kind and by technique), built once with it, so a
recommendation reads only the therapies that match the chosen goals, never the whole catalogue.
"""

from __future__ import annotations

import heapq

from wellness.recommender.facts import (
    APPROACH_KINDS,
    EFFECT_ORDER,
    Answers,
    NextStepFacts,
    RuleFacts,
    TherapyFacts,
)
from wellness.recommender.result import (
    Benefit,
    Crisis,
    Excluded,
    GoalGap,
    Recommendation,
    Result,
    SetAside,
    Warning,
)
from wellness.recommender.shortlist import Suitable as _Suitable
from wellness.recommender.shortlist import first as _first
from wellness.recommender.shortlist import made_for_others as _made_for_others
from wellness.recommender.shortlist import of_effect as _of
from wellness.recommender.shortlist import one_goal, withheld_techniques
from wellness.recommender.shortlist import reason_of as _reason
from wellness.recommender.shortlist import rules_for as _rules_for
from wellness.recommender.shortlist import therapy_ref as _ref
from wellness.recommender.snapshot import CatalogueSnapshot, Ranked, benefit_of

# How far an option is from what matters to the person, to order options of equal evidence:
# each value it does not meet weighs 2; free for only some people weighs 1 to someone who
# needs it free.
VALUE_MISS_WEIGHT = {"approach": 2, "time": 2, "cost": 2, "cost-some": 1}


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
    values = answers.states_values
    if (
        limit is not None
        and len(goals) == 1
        and not values
        and answers.format == "any"
        and answers.pressure == "any"
    ):
        # Read in rank order from the snapshot (``shortlist.py``): the same result.
        shortlist, excluded, suitable_count = one_goal(goals[0], yes, conditions, limit, catalogue)
        return _result(
            catalogue,
            goals,
            yes,
            shortlist,
            excluded,
            [],
            set(goals) if suitable_count else set(),
            suitable_count,
        )
    evidence = _evidence_for(goals, yes, catalogue)

    suitable: list[_Suitable] = []
    excluded, set_aside = [], []
    matched: set[str] = set()
    for slug, goal_evidence in evidence.items():
        therapy = catalogue.therapies[slug]
        if _made_for_others(therapy, yes):
            # Made for one group of people (prenatal massage: pregnancy), and for no one else.
            continue
        therapy_rules = _rules_for(slug, conditions, catalogue)
        exclusions = _of(therapy_rules, "exclude") if therapy_rules else []
        if exclusions:
            excluded.append(Excluded(_ref(therapy), tuple(_reason(r) for r in exclusions)))
            continue
        mismatch = _preference_mismatch(therapy, answers)
        if mismatch:
            set_aside.append(SetAside(_ref(therapy), mismatch))
            continue
        # Rank by the score and the gates alone; explain only what will be shown.
        score = sum(ranked.weight for ranked in goal_evidence.values())
        if therapy_rules:
            clearances = len(_of(therapy_rules, "clearance"))
            cautions = len(_of(therapy_rules, "caution"))
            made_for = 0 if _of(therapy_rules, "suits") else 1
        else:
            clearances, cautions, made_for = 0, 0, 1
        misses = _value_misses(therapy, answers, catalogue) if values else ()
        distance = sum(VALUE_MISS_WEIGHT[miss] for miss in misses)
        rank = (-score, clearances, cautions, distance, made_for, therapy.name, therapy.slug)
        suitable.append((rank, therapy, goal_evidence, therapy_rules, misses))
        matched.update(goal_evidence)

    if limit is None:
        shortlist = sorted(suitable, key=_first)
    else:
        shortlist = heapq.nsmallest(limit, suitable, key=_first)
    return _result(catalogue, goals, yes, shortlist, excluded, set_aside, matched, len(suitable))


def _result(
    catalogue: CatalogueSnapshot,
    goals: list[str],
    yes: frozenset[str],
    shortlist: list[_Suitable],
    excluded: list[Excluded],
    set_aside: list[SetAside],
    matched: set[str],
    suitable_count: int,
) -> Result:
    """Return the result: the shortlist explained, what is unsafe or set aside in name order,
    each goal nothing matched with why."""
    excluded.sort(key=lambda e: (e.therapy.name, e.therapy.slug))
    set_aside.sort(key=lambda s: (s.therapy.name, s.therapy.slug))
    return Result(
        catalogue_version=catalogue.version,
        crisis=None,
        recommendations=tuple(
            _recommendation(therapy, goal_evidence, rules, goals, catalogue, misses)
            for _, therapy, goal_evidence, rules, misses in shortlist
        ),
        excluded=tuple(excluded),
        set_aside=tuple(set_aside),
        goal_gaps=tuple(_gap(g, yes, catalogue) for g in goals if g not in matched),
        other_paths=_other_paths(frozenset(goals), yes, catalogue),
        more_recommendations=suitable_count - len(shortlist),
        warning_signs=tuple(sign for sign in catalogue.warning_signs if sign.condition in yes),
    )


def _evidence_for(
    goals: list[str], yes: frozenset[str], catalogue: CatalogueSnapshot
) -> dict[str, dict[str, Ranked]]:
    """Return therapy slug → goal → the benefit findings that make it match that goal.

    A technique not given to people with one of the yes-answers (tummy massage in pregnancy)
    brings no evidence for this person.
    """
    not_given = withheld_techniques(yes, catalogue)
    by_technique = catalogue.therapies_by_technique or {}  # never None once the snapshot is made
    by_kind = catalogue.therapies_by_kind or {}
    matched: dict[str, dict[str, Ranked]] = {}
    for goal in goals:
        evidence = catalogue.evidence_by_goal.get(goal)
        if evidence is None:
            continue
        # Specific evidence outranks general: a therapy's own findings decide whether it
        # helps; the findings about its techniques and its whole kind then add their numbers.
        # Without findings of its own, its techniques' and its kind's benefits make it match.
        parts: dict[str, list[Ranked]] = {}
        for slug, own in evidence.own.items():
            if slug in catalogue.therapies:
                parts[slug] = [own]
        for technique, ranked in evidence.by_technique.items():
            if technique in not_given:
                continue
            for slug in by_technique.get(technique, ()):
                if slug in parts or slug not in evidence.decided:
                    parts.setdefault(slug, []).append(ranked)
        for kind, general in evidence.by_kind.items():
            for slug in by_kind.get(kind, ()):
                if slug in parts or slug not in evidence.decided:
                    parts.setdefault(slug, []).append(general)
        for slug, found in parts.items():
            matched.setdefault(slug, {})[goal] = found[0].merged(*found[1:])
    return matched


def _preference_mismatch(therapy: TherapyFacts, answers: Answers) -> str:
    if answers.format != "any" and answers.format not in therapy.formats:
        return "format"
    if answers.pressure != "any" and therapy.pressure not in (answers.pressure, "n/a"):
        return "pressure"
    return ""


def _value_misses(
    therapy: TherapyFacts, answers: Answers, catalogue: CatalogueSnapshot
) -> tuple[str, ...]:
    """Return what matters to the person that this therapy does not meet (VALUE_MISS_WEIGHT).

    Time and cost are read from the therapy's burden records (their ``level``); a record
    without one says nothing either way.
    """
    misses = []
    kind = APPROACH_KINDS.get(answers.approach)
    if kind is not None and therapy.kind != kind:
        misses.append("approach")
    if answers.time == "sessions" or answers.cost == "free":
        levels = {h.category: h.level for h in catalogue.harms_for(therapy) if h.level}
        if answers.time == "sessions" and levels.get("time") == "practice":
            misses.append("time")
        if answers.cost == "free" and levels.get("cost") == "paid":
            misses.append("cost")
        elif answers.cost == "free" and levels.get("cost") == "sometimes-free":
            misses.append("cost-some")
    return tuple(misses)


def _recommendation(
    therapy: TherapyFacts,
    evidence: dict[str, Ranked],
    rules: list[RuleFacts],
    goals: list[str],
    catalogue: CatalogueSnapshot,
    misses: tuple[str, ...] = (),
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
        therapy=_ref(therapy),
        score=score,
        matched_goals=matched_goals,
        benefits=tuple(benefits),
        warnings=tuple(warnings),
        suits=tuple(_reason(r) for r in _of(rules, "suits")),
        supporting_findings=supporting,
        harms=catalogue.harms_for(therapy),
        what_to_expect=therapy.what_to_expect,
        gate=warnings[0].effect if warnings else "",
        value_misses=misses,
    )


def _gap(goal: str, yes: frozenset[str], catalogue: CatalogueSnapshot) -> GoalGap:
    evidence = catalogue.evidence_by_goal.get(goal)
    if evidence is None:
        return GoalGap(goal=goal, notes=(), status="none")
    notes = tuple(benefit_of(f) for f in evidence.notes)
    # The therapies a benefit finding speaks for, as matching decides it: a therapy's own
    # findings first, so one its own evidence does not back is not "ruled out". A technique not
    # given to this person (tummy massage in pregnancy) speaks for no therapy of theirs: a goal
    # only such evidence is about says so. Only read for a goal nothing matched, so walking a
    # kind's therapies costs nothing usually.
    not_given = withheld_techniques(yes, catalogue)
    by_technique = catalogue.therapies_by_technique or {}  # never None once the snapshot is made
    by_kind = catalogue.therapies_by_kind or {}
    helped = {slug for slug in evidence.own if slug in catalogue.therapies}
    general = [
        *(by_technique.get(t, ()) for t in evidence.by_technique if t not in not_given),
        *(by_kind.get(k, ()) for k in evidence.by_kind),
    ]
    helped.update(s for slugs in general for s in slugs if s not in evidence.decided)
    withheld = any(
        s not in evidence.decided
        for t in evidence.by_technique
        if t in not_given
        for s in by_technique.get(t, ())
    )
    directions = {note.direction for note in notes}
    if helped and all(_made_for_others(catalogue.therapies[slug], yes) for slug in helped):
        status = "made-for-others"
    elif helped:
        status = "ruled-out"
    elif withheld:
        status = "not-given"
    elif "harm" in directions:
        status = "harm"
    elif "no-effect" in directions:
        status = "no-benefit"
    elif notes:
        status = "unclear"
    else:
        status = "none"
    return GoalGap(goal=goal, notes=notes, status=status)


def _other_paths(
    goals: frozenset[str], yes: frozenset[str], catalogue: CatalogueSnapshot
) -> tuple[NextStepFacts, ...]:
    """Return the paths besides a therapy that apply to these answers.

    A path applies when it names none of the questions or one answered yes, and none of the
    goals or one chosen. "Wait and see" is left out when a path that applies says a clinician
    should see the person first.
    """
    applies = [
        step
        for step in catalogue.next_steps
        if (not step.conditions or step.conditions & yes) and (not step.goals or step.goals & goals)
    ]
    if any(step.needs_clinician for step in applies):
        applies = [step for step in applies if not step.is_waiting]
    return tuple(applies)
