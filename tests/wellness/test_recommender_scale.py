"""The engine at scale: it reads only what matches, and gives what a plain scan gives.

``reference_recommend`` below applies the same rules by scanning every therapy and every finding,
with none of the snapshot's indexes. The indexed engine must return exactly the same result for
every catalogue and every set of answers.
"""

import dataclasses
import hashlib
import pickle
from collections.abc import Iterator, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.wellness.test_recommender import (
    CONDITION_NAMES,
    GOAL_NAMES,
    answer_sets,
    finding,
    harm,
    rule,
    snapshot,
    therapy,
)
from wellness import selectors
from wellness.recommender import (
    CERTAINTY_WEIGHT,
    EFFECT_ORDER,
    HARM_ORDER,
    Answers,
    Benefit,
    CatalogueSnapshot,
    Crisis,
    Excluded,
    GoalGap,
    Reason,
    Recommendation,
    Result,
    SetAside,
    TherapyRef,
    Warning,
    recommend,
)
from wellness.recommender.engine import _preference_mismatch as preference_mismatch

# --- The engine as a plain scan, kept as the reference ----------------------------------------


def reference_recommend(*, answers: Answers, catalogue: CatalogueSnapshot) -> Result:
    """The engine's rules (its docstring), scanning every therapy and finding: no indexes."""
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
    rules: dict = {}
    for condition in sorted(yes, key=lambda c: (catalogue.conditions[c].position, c)):
        for r in catalogue.rules_by_condition.get(condition, ()):
            rules.setdefault(r.therapy, []).append(r)
    evidence = _reference_evidence(goals, yes, catalogue)
    ranked, excluded, set_aside = [], [], []
    for slug in set(evidence) & set(catalogue.therapies):
        facts = catalogue.therapies[slug]
        if facts.only_for is not None and facts.only_for not in yes:
            continue
        ref = TherapyRef(facts.slug, facts.name, facts.kind)
        therapy_rules = rules.get(slug, [])
        exclusions = [r for r in therapy_rules if r.effect == "exclude"]
        if exclusions:
            excluded.append(Excluded(ref, tuple(_reason(r) for r in exclusions)))
            continue
        mismatch = preference_mismatch(facts, answers)
        if mismatch:
            set_aside.append(SetAside(ref, mismatch))
            continue
        card = _reference_card(facts, evidence[slug], therapy_rules, goals, catalogue)
        effects = [r.effect for r in therapy_rules]
        key = (
            -card.score,
            effects.count("clearance"),
            effects.count("caution"),
            0 if "suits" in effects else 1,
            facts.name,
            facts.slug,
        )
        ranked.append((key, card))
    recommendations = [card for _, card in sorted(ranked, key=lambda pair: pair[0])]
    excluded.sort(key=lambda e: (e.therapy.name, e.therapy.slug))
    set_aside.sort(key=lambda s: (s.therapy.name, s.therapy.slug))
    matched = {g for r in recommendations for g in r.matched_goals}
    return Result(
        catalogue_version=catalogue.version,
        crisis=None,
        recommendations=tuple(recommendations),
        excluded=tuple(excluded),
        set_aside=tuple(set_aside),
        goal_gaps=tuple(_reference_gap(g, yes, catalogue) for g in goals if g not in matched),
        other_paths=_reference_paths(frozenset(goals), yes, catalogue),
    )


def _reference_evidence(goals, yes, catalogue):
    matched: dict = {}
    for goal in goals:
        findings = catalogue.findings_by_goal.get(goal, ())
        for slug, facts in catalogue.therapies.items():
            own = [f for f in findings if f.therapy == slug]
            general = [
                f
                for f in findings
                if f.therapy is None
                and (
                    f.technique in facts.techniques
                    and not catalogue.techniques_not_for.get(f.technique, frozenset()) & yes
                    if f.technique
                    else f.kind == facts.kind
                )
            ]
            if own and not any(f.direction == "benefit" for f in own):
                continue  # its own findings decide against it
            benefits = [f for f in own + general if f.direction == "benefit"]
            if benefits:
                matched.setdefault(slug, {})[goal] = benefits
    return matched


def _benefit(f):
    return Benefit(
        f.goal,
        f.statement,
        f.certainty,
        f.direction,
        (f.source,),
        f.slug,
        f.rated_by,
        f.clinician_checked,
    )


def _reference_card(facts, evidence, rules, goals, catalogue):
    matched_goals = tuple(g for g in goals if g in evidence)
    benefits, score, supporting = [], 0, 0
    for goal in matched_goals:
        findings = sorted(
            evidence[goal],
            key=lambda f: (-CERTAINTY_WEIGHT[f.certainty], f.therapy is None, f.slug),
        )
        score += CERTAINTY_WEIGHT[findings[0].certainty]
        supporting += len(findings)
        benefits.extend(_benefit(f) for f in findings)
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
        therapy=TherapyRef(facts.slug, facts.name, facts.kind),
        score=score,
        matched_goals=matched_goals,
        benefits=tuple(benefits),
        warnings=tuple(warnings),
        suits=tuple(_reason(r) for r in rules if r.effect == "suits"),
        supporting_findings=supporting,
        harms=_reference_harms(facts, catalogue),
        what_to_expect=facts.what_to_expect,
        gate=warnings[0].effect if warnings else "",
    )


def _reference_harms(facts, catalogue):
    specific = [
        h
        for h in catalogue.harms
        if h.therapy == facts.slug or (h.therapy is None and h.technique in facts.techniques)
    ]
    covered = {h.category for h in specific if h.category in ("time", "cost")}
    general = [
        h
        for h in catalogue.harms
        if h.therapy is None
        and h.technique is None
        and h.kind == facts.kind
        and h.category not in covered
    ]
    return tuple(
        sorted(specific + general, key=lambda h: (HARM_ORDER[h.category], h.position, h.slug))
    )


def _reference_gap(goal, yes, catalogue):
    findings = catalogue.findings_by_goal.get(goal, ())
    notes = tuple(_benefit(f) for f in findings if f.direction != "benefit")
    with_own = {f.therapy for f in findings if f.therapy is not None}
    not_given = {t for t, c in catalogue.techniques_not_for.items() if c & yes}
    helped, withheld = set(), set()
    for f in findings:
        if f.direction != "benefit":
            continue
        for slug, facts in catalogue.therapies.items():
            if f.therapy == slug:
                helped.add(slug)
            elif slug in with_own or f.therapy is not None:
                continue
            elif f.technique and f.technique in facts.techniques:
                (withheld if f.technique in not_given else helped).add(slug)
            elif not f.technique and f.kind == facts.kind:
                helped.add(slug)
    directions = {n.direction for n in notes}
    others = {s for s in helped if catalogue.therapies[s].only_for not in (None, *yes)}
    if helped and others == helped:
        status = "made-for-others"
    elif helped:
        status = "ruled-out"
    elif withheld:
        status = "not-given"
    elif "harm" in directions:
        status = "harm"
    elif "no-effect" in directions:
        status = "no-benefit"
    else:
        status = "unclear" if notes else "none"
    return GoalGap(goal, notes, status)


def _reference_paths(goals, yes, catalogue):
    shown = [
        s
        for s in catalogue.next_steps
        if (not s.conditions or s.conditions & yes) and (not s.goals or s.goals & goals)
    ]
    if any(s.needs_clinician for s in shown):
        shown = [s for s in shown if not s.is_waiting]
    return tuple(shown)


def _reason(r):
    return Reason(condition=r.condition, message=r.message, source=r.source)


# --- The same result as the reference, for every catalogue -----------------------------------

THERAPIES = [f"t{i}" for i in range(8)]
TECHNIQUES = ["tummy", "stretch"]


@st.composite
def catalogues(draw):
    """Both kinds, findings about a kind of either direction, repeated certainties and rules."""
    therapies = [
        therapy(
            slug,
            kind=draw(st.sampled_from(["massage", "talking"])),
            formats=draw(st.sets(st.sampled_from(["in-person", "online", "group"]), min_size=1)),
            pressure=draw(st.sampled_from(["gentle", "firm", "n/a"])),
            name=draw(st.sampled_from(["Alpha", "Beta"])),
            only_for=draw(st.sampled_from([None, None, None, "pregnancy"])),
            techniques=draw(st.sets(st.sampled_from(TECHNIQUES))),
        )
        for slug in THERAPIES
    ]
    findings = []
    for i in range(draw(st.integers(0, 16))):
        subject = draw(st.sampled_from([*THERAPIES, "ghost", "massage", "talking", *TECHNIQUES]))
        kind_wide = subject in ("massage", "talking")
        limited = subject in TECHNIQUES
        findings.append(
            finding(
                f"f{i:02d}",
                draw(st.sampled_from(GOAL_NAMES)),
                therapy=None if kind_wide or limited else subject,
                kind=subject if kind_wide else None,
                technique=subject if limited else None,
                direction=draw(
                    st.sampled_from(["benefit", "no-clear-effect", "no-effect", "harm"])
                ),
                certainty=draw(st.sampled_from(["high", "moderate", "low", "very-low"])),
            )
        )
    harms = []
    for i in range(draw(st.integers(0, 8))):
        subject = draw(st.sampled_from([*THERAPIES, "massage", "talking", *TECHNIQUES]))
        harms.append(
            harm(
                f"h{i}",
                draw(st.sampled_from(sorted(HARM_ORDER))),
                therapy=subject if subject in THERAPIES else None,
                kind=subject if subject in ("massage", "talking") else None,
                technique=subject if subject in TECHNIQUES else None,
                position=draw(st.integers(0, 2)),
            )
        )
    pairs = draw(
        st.sets(
            st.tuples(st.sampled_from([*THERAPIES, "ghost"]), st.sampled_from(CONDITION_NAMES[:3]))
        )
    )
    rules = [
        rule(t, c, draw(st.sampled_from(["exclude", "clearance", "caution", "suits"])))
        for t, c in sorted(pairs)
    ]
    not_for = draw(
        st.dictionaries(
            st.sampled_from(TECHNIQUES),
            st.frozensets(st.sampled_from(CONDITION_NAMES[:3]), min_size=1),
        )
    )
    return snapshot(therapies, findings, rules, harms=harms, techniques_not_for=not_for)


@settings(max_examples=500, deadline=None)
@given(catalogue=catalogues(), answers=answer_sets)
def test_property_the_indexed_engine_gives_the_reference_result(catalogue, answers):
    assert recommend(answers=answers, catalogue=catalogue) == reference_recommend(
        answers=answers, catalogue=catalogue
    )


@settings(max_examples=300, deadline=None)
@given(catalogue=catalogues(), answers=answer_sets, limit=st.integers(min_value=0, max_value=6))
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


# --- Only what matches is read ---------------------------------------------------------------


class OnlyThese(Mapping):
    """A mapping that fails the test if anything but the allowed keys is read, or it is walked."""

    def __init__(self, data: dict, allowed: set[str]) -> None:
        self.data, self.allowed = data, allowed

    def __getitem__(self, key: str):
        assert key in self.allowed, f"the engine read {key!r}, which does not match"
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the engine walked every therapy")

    def __len__(self) -> int:
        raise AssertionError("the engine counted every therapy")


def large_snapshot(*, kind_wide_benefit: bool) -> tuple[CatalogueSnapshot, set[str]]:
    """Return 5,000 therapies of which a handful match "sleep"; one suits "pregnancy"."""
    therapies = [therapy(f"other-{i}", kind="talking") for i in range(5000)]
    therapies += [therapy("sleepy", kind="massage"), therapy("prenatal", kind="massage")]
    therapies += [therapy("no-help", kind="massage"), therapy("risky", kind="massage")]
    findings = [
        finding("sleepy-sleep", "sleep", therapy="sleepy"),
        finding("no-help-sleep", "sleep", therapy="no-help", direction="no-clear-effect"),
        finding("risky-sleep", "sleep", therapy="risky"),
        *(finding(f"other-{i}-pain", "pain", therapy=f"other-{i}") for i in range(5000)),
        finding("talking-pain", "pain", kind="talking"),
        finding("massage-sleep", "sleep", kind="massage", direction="harm"),
    ]
    if kind_wide_benefit:
        findings.append(finding("massage-sleep-benefit", "sleep", kind="massage"))
    rules = [
        rule("prenatal", "pregnancy", "suits"),
        rule("risky", "pregnancy", "exclude"),
        *(rule(f"other-{i}", "pregnancy", "caution") for i in range(5000)),
    ]
    catalogue = snapshot(therapies, findings, rules)
    # A suits rule makes no candidate: prenatal matches only through a finding about massage.
    matching = {"sleepy", "risky"}
    if kind_wide_benefit:
        matching |= {t.slug for t in therapies if t.kind == "massage" and t.slug != "no-help"}
    return catalogue, matching


@pytest.mark.parametrize("kind_wide_benefit", [False, True])
def test_recommend_reads_only_the_therapies_that_match(kind_wide_benefit):
    catalogue, matching = large_snapshot(kind_wide_benefit=kind_wide_benefit)
    answers = Answers(goals=frozenset({"sleep"}), conditions=frozenset({"pregnancy"}))
    expected = recommend(answers=answers, catalogue=catalogue)
    guarded = CatalogueSnapshot(
        version=catalogue.version,
        therapies=OnlyThese(dict(catalogue.therapies), matching),
        goals=catalogue.goals,
        conditions=catalogue.conditions,
        findings_by_goal=catalogue.findings_by_goal,
        rules_by_condition=catalogue.rules_by_condition,
        crisis_contacts=catalogue.crisis_contacts,
        therapies_by_kind=catalogue.therapies_by_kind,
        therapies_by_technique=catalogue.therapies_by_technique,
        harms=catalogue.harms,
        next_steps=catalogue.next_steps,
    )

    result = recommend(answers=answers, catalogue=guarded)

    assert result == expected
    assert {r.therapy.slug for r in result.recommendations} == matching - {"risky"}
    assert [e.therapy.slug for e in result.excluded] == ["risky"]


def test_a_kind_wide_benefit_matches_each_therapy_of_that_kind_without_its_own_say():
    catalogue, _ = large_snapshot(kind_wide_benefit=True)

    result = recommend(answers=Answers(goals=frozenset({"sleep"})), catalogue=catalogue)

    slugs = {r.therapy.slug for r in result.recommendations}
    assert slugs == {"sleepy", "prenatal", "risky"}  # no-help's own finding decides against it
    sleepy = next(r for r in result.recommendations if r.therapy.slug == "sleepy")
    assert [b.statement for b in sleepy.benefits] == [
        "sleepy-sleep statement",
        "massage-sleep-benefit statement",
    ]


def test_snapshot_indexes_are_derived_from_its_collections():
    catalogue, _ = large_snapshot(kind_wide_benefit=False)

    assert set(catalogue.therapies_by_kind) == {"talking", "massage"}
    assert len(catalogue.therapies_by_kind["talking"]) == 5000
    sleep = catalogue.evidence_by_goal["sleep"]
    assert set(sleep.own) == {"sleepy", "risky"}
    assert sleep.decided == {"sleepy", "no-help", "risky"}
    assert sleep.by_kind == {}  # only a harm finding about massage as a whole
    assert catalogue.therapies_by_technique == {}
    assert catalogue.rules_by_condition_therapy["pregnancy"]["risky"][0].effect == "exclude"


# --- The snapshot built from the database ----------------------------------------------------


@pytest.fixture
def seeded(db, seed_catalogue):
    seed_catalogue()
    selectors._cached = None


def test_snapshot_version_hashes_the_whole_content_as_before(seeded):
    built = selectors.catalogue_snapshot_build()
    content = (
        built.therapies,
        built.goals,
        built.conditions,
        built.findings_by_goal,
        built.rules_by_condition,
        built.crisis_contacts,
        built.harms,
        built.next_steps,
        built.techniques_not_for,
        built.warning_signs,
    )

    # Fed to the hash in pieces, but byte for byte the repr that the version always hashed.
    whole = repr(selectors._canonical(content)).encode()
    assert built.version == hashlib.sha256(whole).hexdigest()[:12]


def test_snapshot_shares_one_reference_per_source(seeded):
    built = selectors.catalogue_snapshot_build()
    refs = [f.source for fs in built.findings_by_goal.values() for f in fs]
    refs += [r.source for rs in built.rules_by_condition.values() for r in rs if r.source]

    by_slug: dict = {}
    for ref in refs:
        assert by_slug.setdefault(ref.slug, ref) is ref


def test_a_snapshot_read_back_from_the_shared_cache_is_the_same():
    catalogue, _ = large_snapshot(kind_wide_benefit=True)
    answers = Answers(goals=frozenset({"sleep", "pain"}), conditions=frozenset({"pregnancy"}))

    again = pickle.loads(pickle.dumps(catalogue, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own bytes

    assert again == catalogue
    assert again.evidence_by_goal == catalogue.evidence_by_goal  # rebuilt, not pickled
    assert recommend(answers=answers, catalogue=again) == recommend(
        answers=answers, catalogue=catalogue
    )
    # Each fact pickles as its constructor's arguments, not as an attribute dict.
    finding = catalogue.findings_by_goal["sleep"][0]
    values = tuple(getattr(finding, f.name) for f in dataclasses.fields(finding))
    assert finding.__reduce__() == (type(finding), values)
