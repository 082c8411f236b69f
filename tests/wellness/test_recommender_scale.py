"""The engine at scale: it reads only what matches, and gives what the plain scan gave.

``reference_recommend`` below is the engine as it was before the snapshot carried indexes: it
scanned every therapy for findings about a whole kind. The indexed engine must return exactly
the same result for every catalogue and every set of answers.
"""

import dataclasses
import hashlib
import pickle
from collections.abc import Iterator, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.catalogue import catalogue_load
from tests.wellness.test_recommender import (
    CONDITION_NAMES,
    GOAL_NAMES,
    answer_sets,
    finding,
    rule,
    snapshot,
    therapy,
)
from wellness import selectors
from wellness.recommender import (
    CERTAINTY_WEIGHT,
    EFFECT_ORDER,
    SUITS_LIFT,
    Answers,
    Benefit,
    CatalogueSnapshot,
    Crisis,
    Excluded,
    Reason,
    Recommendation,
    Result,
    SetAside,
    TherapyRef,
    Warning,
    recommend,
)
from wellness.recommender import _gap as gap
from wellness.recommender import _preference_mismatch as preference_mismatch

# --- The engine before the indexes, kept as the reference ------------------------------------


def reference_recommend(*, answers: Answers, catalogue: CatalogueSnapshot) -> Result:
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
    evidence = _reference_evidence(goals, catalogue)
    candidates = set(evidence) | {
        t for t, rs in rules.items() if any(r.effect == "suits" for r in rs)
    }
    candidates &= set(catalogue.therapies)
    recommendations, excluded, set_aside = [], [], []
    for slug in candidates:
        facts = catalogue.therapies[slug]
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
        recommendations.append(
            _reference_card(ref, evidence.get(slug, {}), therapy_rules, goals, catalogue)
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
        goal_gaps=tuple(gap(g, catalogue) for g in goals if g not in matched),
    )


def _reference_evidence(goals, catalogue):
    matched: dict = {}
    for goal in goals:
        own: dict = {}
        by_kind: dict = {}
        for f in catalogue.findings_by_goal.get(goal, ()):
            if f.therapy is not None:
                own.setdefault(f.therapy, []).append(f)
            elif f.kind is not None:
                by_kind.setdefault(f.kind, []).append(f)
        therapies = set(own)
        for kind in by_kind:
            therapies |= {s for s, t in catalogue.therapies.items() if t.kind == kind}
        for slug in therapies:
            facts = catalogue.therapies.get(slug)
            if facts is None:
                continue
            specific = own.get(slug, [])
            general = by_kind.get(facts.kind, [])
            if not any(f.direction == "benefit" for f in specific or general):
                continue
            matched.setdefault(slug, {})[goal] = [
                f for f in specific + general if f.direction == "benefit"
            ]
    return matched


def _reference_card(ref, evidence, rules, goals, catalogue):
    matched_goals = tuple(g for g in goals if g in evidence)
    benefits, score, supporting = [], 0, 0
    for goal in matched_goals:
        findings = sorted(
            evidence[goal],
            key=lambda f: (-CERTAINTY_WEIGHT[f.certainty], f.therapy is None, f.slug),
        )
        score += CERTAINTY_WEIGHT[findings[0].certainty]
        supporting += len(findings)
        benefits.extend(
            Benefit(f.goal, f.statement, f.certainty, f.direction, (f.source,)) for f in findings
        )
    suits = tuple(_reason(r) for r in rules if r.effect == "suits")
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
        ref, score, matched_goals, tuple(benefits), tuple(warnings), suits, supporting
    )


def _reason(r):
    return Reason(condition=r.condition, message=r.message, source=r.source)


# --- The same result as the reference, for every catalogue -----------------------------------

THERAPIES = [f"t{i}" for i in range(8)]


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
        )
        for slug in THERAPIES
    ]
    findings = []
    for i in range(draw(st.integers(0, 16))):
        subject = draw(st.sampled_from([*THERAPIES, "ghost", "massage", "talking"]))
        kind_wide = subject in ("massage", "talking")
        findings.append(
            finding(
                f"f{i:02d}",
                draw(st.sampled_from(GOAL_NAMES)),
                therapy=None if kind_wide else subject,
                kind=subject if kind_wide else None,
                direction=draw(st.sampled_from(["benefit", "no-clear-effect", "harm"])),
                certainty=draw(st.sampled_from(["high", "moderate", "low", "very-low"])),
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
    return snapshot(therapies, findings, rules)


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
    """Return 5,000 therapies of which a handful match "sleep" or suit "pregnancy"."""
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
    matching = {"sleepy", "prenatal", "risky"}
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
    assert catalogue.suits_by_condition["pregnancy"] == ("prenatal",)
    assert catalogue.rules_by_condition_therapy["pregnancy"]["risky"][0].effect == "exclude"


# --- The snapshot built from the database ----------------------------------------------------


@pytest.fixture
def seeded(db):
    catalogue_load()
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
