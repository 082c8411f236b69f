"""The engine at scale: the snapshot's indexes change no result.

The engine is its own reference here. A catalogue gives what each of its therapies gives alone,
so the indexes never let one therapy's evidence, rules or harms reach another; thousands of
records that match nothing change no result; and every card, exclusion, set-aside and gap
holds exactly what a plain reading of the catalogue's lists applies to it, so the indexes miss
nothing. What the rules decide is tested by hand in test_recommender.py and
test_recommender_rules.py; that only matching therapies are read, in test_snapshot_indexes.py.
"""

import dataclasses
import itertools
from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.wellness.engine_catalogues import (
    CONDITION_NAMES,
    GOAL_NAMES,
    catalogues,
    finding,
    harm,
    rule,
    snapshot,
    therapy,
)
from wellness.recommender import (
    CERTAINTY_WEIGHT,
    EFFECT_ORDER,
    HARM_ORDER,
    VALUE_CHOICES,
    Answers,
    CatalogueSnapshot,
    FindingFacts,
    GoalFacts,
    HarmFacts,
    Result,
    TherapyFacts,
    recommend,
)

# Answers that usually reach the shortlist: a goal at least, a crisis one time in ten, and what
# matters to the person, which orders options per therapy too.
scale_answers = st.builds(
    Answers,
    goals=st.frozensets(st.sampled_from([*GOAL_NAMES, "unknown"]), min_size=1),
    conditions=st.builds(
        frozenset.union,
        st.frozensets(st.sampled_from([*CONDITION_NAMES[:3], "unknown"])),
        st.sampled_from([frozenset()] * 9 + [frozenset({"crisis"})]),
    ),
    format=st.sampled_from(["any", "any", "in-person", "online", "group"]),
    pressure=st.sampled_from(["any", "any", "gentle", "firm"]),
    approach=st.sampled_from(VALUE_CHOICES["approach"]),
)


def only(catalogue: CatalogueSnapshot, slugs) -> CatalogueSnapshot:
    """Return the catalogue with only these therapies: every finding, rule and harm is kept."""
    return dataclasses.replace(
        catalogue,
        therapies={slug: catalogue.therapies[slug] for slug in slugs},
        therapies_by_kind=None,
        therapies_by_technique=None,
    )


# --- A catalogue gives what each of its therapies gives alone ---------------------------------

# What a goal without a good option says, most hopeful first: a therapy the evidence is about
# was ruled out for the person, or is made for other people, or uses a technique not given to
# them. Otherwise the goal says what the studies found, which no therapy changes.
HOPEFUL = ("ruled-out", "made-for-others", "not-given")


@settings(max_examples=300, deadline=None)
@given(catalogue=catalogues(), answers=scale_answers)
def test_property_a_catalogue_gives_what_each_therapy_gives_alone(catalogue, answers):
    def ask(slugs) -> Result:
        return recommend(answers=answers, catalogue=only(catalogue, slugs))

    whole = recommend(answers=answers, catalogue=catalogue)
    alone = [ask([slug]) for slug in catalogue.therapies]
    none = ask([])

    if none.crisis is not None:
        assert whole == none and all(result == none for result in alone)
        return
    for part in ("recommendations", "excluded", "set_aside"):
        listed = getattr(whole, part)
        # The same cards and lines, word for word, in the order any two of them alone take.
        assert Counter(listed) == Counter(item for r in alone for item in getattr(r, part))
        for first, second in itertools.pairwise(listed):
            pair = ask([first.therapy.slug, second.therapy.slug])
            assert getattr(pair, part) == (first, second)
    gaps_alone = [{gap.goal: gap.status for gap in r.goal_gaps} for r in alone]
    assert whole.goal_gaps == tuple(
        dataclasses.replace(
            gap,
            status=next(
                (s for s in HOPEFUL if s in {statuses[gap.goal] for statuses in gaps_alone}),
                gap.status,
            ),
        )
        for gap in none.goal_gaps
        if all(gap.goal in statuses for statuses in gaps_alone)
    )
    assert (whole.other_paths, whole.warning_signs) == (none.other_paths, none.warning_signs)
    assert whole.catalogue_version == none.catalogue_version
    assert whole.more_recommendations == 0


# --- Records that match nothing change nothing -----------------------------------------------

NOISE = 500


def grown(catalogue: CatalogueSnapshot) -> CatalogueSnapshot:
    """Return the catalogue with NOISE therapies more of another kind, each with a technique,
    findings, rules for every question and harms of its own, all about a goal no one asks for."""
    therapies = dict(catalogue.therapies)
    findings = {goal: list(fs) for goal, fs in catalogue.findings_by_goal.items()}
    rules = {condition: list(rs) for condition, rs in catalogue.rules_by_condition.items()}
    harms = list(catalogue.harms)
    for i in range(NOISE):
        slug = f"noise-{i}"
        therapies[slug] = therapy(slug, kind="movement", techniques=[f"noise-{i % 7}"])
        findings.setdefault("balance", []).append(
            finding(f"{slug}-balance", "balance", therapy=slug)
        )
        for condition in catalogue.conditions:
            effect = ("exclude", "clearance", "caution", "suits")[i % 4]
            rules.setdefault(condition, []).append(rule(slug, condition, effect))
        harms.append(harm(f"{slug}-cost", "cost", therapy=slug))
    findings["balance"] += [
        finding("movement-balance", "balance", kind="movement"),
        finding("noise-0-balance-technique", "balance", technique="noise-0"),
    ]
    harms += [harm("movement-time", "time", kind="movement")]
    return dataclasses.replace(
        catalogue,
        therapies=therapies,
        goals={**catalogue.goals, "balance": GoalFacts("balance", "Balance", 99)},
        findings_by_goal={goal: tuple(fs) for goal, fs in findings.items()},
        rules_by_condition={condition: tuple(rs) for condition, rs in rules.items()},
        harms=tuple(harms),
        techniques_not_for={**catalogue.techniques_not_for, "noise-1": frozenset({"pregnancy"})},
        therapies_by_kind=None,
        therapies_by_technique=None,
    )


@settings(max_examples=60, deadline=None)
@given(catalogue=catalogues(), answers=scale_answers)
def test_property_records_that_match_nothing_change_no_result(catalogue, answers):
    assert recommend(answers=answers, catalogue=grown(catalogue)) == recommend(
        answers=answers, catalogue=catalogue
    )


# --- Every card holds what a plain reading of the catalogue applies to it --------------------


def not_given(catalogue: CatalogueSnapshot, yes: frozenset[str]) -> set[str]:
    return {t for t, conditions in catalogue.techniques_not_for.items() if conditions & yes}


def benefits_for(
    catalogue: CatalogueSnapshot, facts: TherapyFacts, goal: str, yes: frozenset[str]
) -> list[FindingFacts]:
    """The benefit findings that speak for a therapy on a goal (the engine's rule 3), read from
    the goal's list: its own decide; then its techniques' (if given to this person), its kind's."""
    findings = catalogue.findings_by_goal.get(goal, ())
    own = [f for f in findings if f.therapy == facts.slug]
    if own and all(f.direction != "benefit" for f in own):
        return []
    withheld = not_given(catalogue, yes)
    general = [
        f
        for f in findings
        if f.therapy is None
        and (
            f.technique in facts.techniques and f.technique not in withheld
            if f.technique
            else f.kind == facts.kind
        )
    ]
    return [f for f in own + general if f.direction == "benefit"]


def harms_for(catalogue: CatalogueSnapshot, facts: TherapyFacts) -> set[HarmFacts]:
    """A therapy's harms and burdens from the catalogue's list: its own and its techniques',
    and its kind's but for a time or cost its own or a technique's record already says."""
    specific = {
        h
        for h in catalogue.harms
        if h.therapy == facts.slug or (h.therapy is None and h.technique in facts.techniques)
    }
    said = {h.category for h in specific} & {"time", "cost"}
    general = {
        h
        for h in catalogue.harms
        if h.therapy is None
        and h.technique is None
        and h.kind == facts.kind
        and h.category not in said
    }
    return specific | general


def made_for_others(facts: TherapyFacts, yes: frozenset[str]) -> bool:
    return facts.only_for is not None and facts.only_for not in yes


# Rare in generated catalogues: the only benefit is about a technique not given to someone
# pregnant, and the one therapy that uses it has its own finding, which decides against it.
DECIDED_AGAINST = snapshot(
    [therapy("a", techniques=["tummy"])],
    [
        finding("tummy-sleep", "sleep", technique="tummy"),
        finding("a-sleep", "sleep", therapy="a", direction="no-effect"),
    ],
    techniques_not_for={"tummy": frozenset({"pregnancy"})},
)


@settings(max_examples=500, deadline=None)
@given(catalogue=catalogues(), answers=scale_answers)
@example(
    catalogue=DECIDED_AGAINST,
    answers=Answers(goals=frozenset({"sleep"}), conditions=frozenset({"pregnancy"})),
)
def test_property_every_card_holds_exactly_what_the_catalogue_applies_to_it(catalogue, answers):
    result = recommend(answers=answers, catalogue=catalogue)
    yes = frozenset(c for c in answers.conditions if c in catalogue.conditions)
    if any(catalogue.conditions[c].is_crisis for c in yes):
        assert result.crisis is not None and result.recommendations == ()
        return
    goals = sorted(
        (g for g in answers.goals if g in catalogue.goals),
        key=lambda g: (catalogue.goals[g].position, g),
    )
    evidence = {
        slug: {g: benefits_for(catalogue, facts, g, yes) for g in goals}
        for slug, facts in catalogue.therapies.items()
    }
    rules = {
        slug: [
            r
            for c in sorted(yes, key=lambda c: catalogue.conditions[c].position)
            for r in catalogue.rules_by_condition.get(c, ())
            if r.therapy == slug
        ]
        for slug in catalogue.therapies
    }
    by_slug = {f.slug: f for fs in catalogue.findings_by_goal.values() for f in fs}

    # Listed once, somewhere, is every therapy the evidence speaks for and that is not made for
    # other people; nothing else.
    listed = [
        *(r.therapy.slug for r in result.recommendations),
        *(e.therapy.slug for e in result.excluded),
        *(s.therapy.slug for s in result.set_aside),
    ]
    assert sorted(listed) == sorted(
        slug
        for slug, facts in catalogue.therapies.items()
        if any(evidence[slug].values()) and not made_for_others(facts, yes)
    )
    for part in (result.excluded, result.set_aside):
        names = [(line.therapy.name, line.therapy.slug) for line in part]
        assert names == sorted(names)
    for excluded in result.excluded:
        reasons = [r for r in rules[excluded.therapy.slug] if r.effect == "exclude"]
        assert [(x.condition, x.message) for x in excluded.reasons] == [
            (r.condition, r.message) for r in reasons
        ]
    for set_aside in result.set_aside:
        facts = catalogue.therapies[set_aside.therapy.slug]
        assert not any(r.effect == "exclude" for r in rules[facts.slug])
        wrong_format = answers.format not in ("any", *facts.formats)
        assert set_aside.reason == ("format" if wrong_format else "pressure")
        assert wrong_format or facts.pressure not in (answers.pressure, "n/a")
    for card in result.recommendations:
        facts = catalogue.therapies[card.therapy.slug]
        own_evidence = evidence[facts.slug]
        assert answers.format in ("any", *facts.formats)
        assert answers.pressure in ("any", facts.pressure) or facts.pressure == "n/a"
        assert card.matched_goals == tuple(g for g in goals if own_evidence[g])
        assert [b.finding for b in card.benefits] == [
            f.slug
            for g in card.matched_goals
            for f in sorted(
                own_evidence[g],
                key=lambda f: (-CERTAINTY_WEIGHT[f.certainty], f.therapy is None, f.slug),
            )
        ]
        assert all(by_slug[b.finding].goal == b.goal for b in card.benefits)
        # The score: the best certainty of each matched goal's evidence, added up.
        assert card.score == sum(
            max(CERTAINTY_WEIGHT[b.certainty] for b in card.benefits if b.goal == g)
            for g in card.matched_goals
        )
        assert card.supporting_findings == len(card.benefits)
        therapy_rules = rules[facts.slug]
        assert not any(r.effect == "exclude" for r in therapy_rules)
        assert Counter((w.condition, w.effect, w.message) for w in card.warnings) == Counter(
            (r.condition, r.effect, r.message)
            for r in therapy_rules
            if r.effect in ("clearance", "caution")
        )
        # Ask first before take care, each in the order the questions are asked.
        order = [
            (EFFECT_ORDER[w.effect], catalogue.conditions[w.condition].position)
            for w in card.warnings
        ]
        assert order == sorted(order)
        assert card.gate == (card.warnings[0].effect if card.warnings else "")
        assert [s.condition for s in card.suits] == [
            r.condition for r in therapy_rules if r.effect == "suits"
        ]
        assert Counter(card.harms) == Counter(harms_for(catalogue, facts))
        shown = [(HARM_ORDER[h.category], h.position, h.slug) for h in card.harms]
        assert shown == sorted(shown)

    # A goal no card matched says why: its notes are the goal's findings that are not a
    # benefit; a therapy the evidence speaks for was ruled out or is made for others; or the
    # only benefit is about a technique not given to this person.
    matched = {g for card in result.recommendations for g in card.matched_goals}
    assert [gap.goal for gap in result.goal_gaps] == [g for g in goals if g not in matched]
    for gap in result.goal_gaps:
        findings = catalogue.findings_by_goal.get(gap.goal, ())
        assert [n.finding for n in gap.notes] == [
            f.slug for f in findings if f.direction != "benefit"
        ]
        helped = [s for s in catalogue.therapies if evidence[s][gap.goal]]
        withheld = not_given(catalogue, yes)
        decided = {f.therapy for f in findings if f.therapy is not None}
        not_for_them = any(
            f.direction == "benefit"
            and f.therapy is None
            and f.technique in withheld
            and slug not in decided
            and f.technique in facts.techniques
            for f in findings
            for slug, facts in catalogue.therapies.items()
        )
        if helped:
            others = all(made_for_others(catalogue.therapies[s], yes) for s in helped)
            assert gap.status == ("made-for-others" if others else "ruled-out")
        elif not_for_them:
            assert gap.status == "not-given"
        else:
            assert gap.status not in HOPEFUL


@settings(max_examples=300, deadline=None)
@given(catalogue=catalogues(), answers=scale_answers, limit=st.integers(min_value=0, max_value=6))
def test_property_a_limit_keeps_the_best_and_counts_the_rest(catalogue, answers, limit):
    whole = recommend(answers=answers, catalogue=catalogue)

    short = recommend(answers=answers, catalogue=catalogue, limit=limit)

    assert short.recommendations == whole.recommendations[:limit]
    assert short.more_recommendations == len(whole.recommendations) - len(short.recommendations)
    assert whole.more_recommendations == 0
    # Only the list is cut: what is unsafe, set aside or missing is said in full.
    assert (short.excluded, short.set_aside, short.goal_gaps) == (
        whole.excluded,
        whole.set_aside,
        whole.goal_gaps,
    )
