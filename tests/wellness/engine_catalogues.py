"""Hand-built catalogue snapshots for the engine's tests: no database needed.

The builders make one fact each with plain defaults; ``snapshot`` puts them together with four
goals, four screening questions (one a crisis) and a set of other paths. ``catalogues`` and
``answer_sets`` generate inputs for the property tests; ``large_snapshot`` is 5,000 therapies
of which a handful match.
"""

from hypothesis import strategies as st

from wellness.recommender import (
    HARM_ORDER,
    Answers,
    CatalogueSnapshot,
    ConditionFacts,
    CrisisContactFacts,
    FindingFacts,
    GoalFacts,
    HarmFacts,
    NextStepFacts,
    RuleFacts,
    SourceRef,
    TherapyFacts,
)

SOURCE = SourceRef("trial", "A trial", "https://example.org/trial")


def therapy(
    slug,
    kind="massage",
    formats=("in-person",),
    pressure="gentle",
    name=None,
    *,
    only_for=None,
    techniques=(),
):
    return TherapyFacts(
        slug,
        name or slug.title(),
        kind,
        frozenset(formats),
        pressure,
        only_for,
        frozenset(techniques),
    )


def finding(
    slug,
    goal,
    *,
    therapy=None,
    kind=None,
    technique=None,
    direction="benefit",
    certainty="moderate",
):
    return FindingFacts(
        slug, therapy, kind, goal, direction, certainty, f"{slug} statement", SOURCE, technique
    )


def rule(therapy, condition, effect, message=None):
    return RuleFacts(therapy, condition, effect, message or f"{effect} {therapy}", SOURCE)


def harm(slug, category, *, therapy=None, kind=None, technique=None, position=0):
    return HarmFacts(
        slug, therapy, kind, technique, category, f"{slug} statement", "", SOURCE, position
    )


# The catalogue's other paths, in the order shown: one for everyone, "wait and see", one for a
# yes-answer that needs a clinician, and one for a goal and a yes-answer together.
NEXT_STEPS = (
    NextStepFacts(
        "midwife-swelling",
        "Tell your midwife",
        "t",
        frozenset({"pregnancy"}),
        frozenset({"pain"}),
        needs_clinician=True,
    ),
    NextStepFacts("midwife", "Talk to your midwife", "t", frozenset({"pregnancy"})),
    NextStepFacts("talk-to-gp", "Talk to your GP", "t"),
    NextStepFacts("grief-support", "Lean on people", "t", goals=frozenset({"grief"})),
    NextStepFacts("wait-and-see", "Wait and see", "t", is_waiting=True),
)


def snapshot(
    therapies,
    findings=(),
    rules=(),
    goals=("sleep", "pain", "grief", "mood"),
    *,
    harms=(),
    next_steps=NEXT_STEPS,
    techniques_not_for=None,
):
    by_goal, by_condition = {}, {}
    for f in findings:
        by_goal.setdefault(f.goal, []).append(f)
    for r in rules:
        by_condition.setdefault(r.condition, []).append(r)
    return CatalogueSnapshot(
        version="v1",
        therapies={t.slug: t for t in therapies},
        goals={g: GoalFacts(g, g.title(), i) for i, g in enumerate(goals)},
        conditions={
            "crisis": ConditionFacts("crisis", "Crisis?", True, 0),
            "pregnancy": ConditionFacts("pregnancy", "Pregnant?", False, 1),
            "blood-thinners": ConditionFacts("blood-thinners", "Thinners?", False, 2),
            "osteoporosis": ConditionFacts("osteoporosis", "Bones?", False, 3),
        },
        findings_by_goal={k: tuple(v) for k, v in by_goal.items()},
        rules_by_condition={k: tuple(v) for k, v in by_condition.items()},
        crisis_contacts=(CrisisContactFacts("Samaritans", "116 123", "", "", "Any time"),),
        harms=tuple(harms),
        next_steps=tuple(next_steps),
        techniques_not_for=techniques_not_for or {},
    )


def slugs(result):
    return [r.therapy.slug for r in result.recommendations]


# --- Generated inputs ------------------------------------------------------------------------

GOAL_NAMES = ["sleep", "pain", "grief", "mood"]
CONDITION_NAMES = ["pregnancy", "blood-thinners", "osteoporosis", "crisis"]
THERAPIES = [f"t{i}" for i in range(8)]
TECHNIQUES = ["tummy", "stretch"]
KINDS = ["massage", "talking"]
# Half the findings are of benefit, so most catalogues have something to recommend.
DIRECTIONS = ["benefit", "benefit", "benefit", "no-clear-effect", "no-effect", "harm"]


@st.composite
def catalogues(draw):
    """Both kinds, techniques, findings about a kind or a technique of either direction,
    repeated names and certainties, rules and harms, and records about a therapy not there."""
    therapies = [
        therapy(
            slug,
            kind=draw(st.sampled_from(KINDS)),
            formats=draw(st.sets(st.sampled_from(["in-person", "online", "group"]), min_size=1)),
            pressure=draw(st.sampled_from(["gentle", "firm", "n/a"])),
            name=draw(st.sampled_from(["Alpha", "Beta"])),
            only_for=draw(st.sampled_from([None, None, None, "pregnancy"])),
            techniques=draw(st.sets(st.sampled_from(TECHNIQUES))),
        )
        for slug in THERAPIES
    ]
    findings = []
    for i in range(draw(st.integers(2, 20))):
        subject = draw(st.sampled_from([*THERAPIES, "ghost", *KINDS, *TECHNIQUES]))
        kind_wide = subject in KINDS
        limited = subject in TECHNIQUES
        findings.append(
            finding(
                f"f{i:02d}",
                draw(st.sampled_from(GOAL_NAMES)),
                therapy=None if kind_wide or limited else subject,
                kind=subject if kind_wide else None,
                technique=subject if limited else None,
                direction=draw(st.sampled_from(DIRECTIONS)),
                certainty=draw(st.sampled_from(["high", "moderate", "low", "very-low"])),
            )
        )
    harms = []
    for i in range(draw(st.integers(2, 10))):
        subject = draw(st.sampled_from([*THERAPIES, *KINDS, *TECHNIQUES]))
        harms.append(
            harm(
                f"h{i}",
                draw(st.sampled_from(sorted(HARM_ORDER))),
                therapy=subject if subject in THERAPIES else None,
                kind=subject if subject in KINDS else None,
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


answer_sets = st.builds(
    Answers,
    goals=st.frozensets(st.sampled_from([*GOAL_NAMES, "unknown"])),
    conditions=st.frozensets(st.sampled_from([*CONDITION_NAMES, "unknown"])),
    format=st.sampled_from(["any", "in-person", "online", "group"]),
    pressure=st.sampled_from(["any", "gentle", "firm"]),
)


# --- At scale --------------------------------------------------------------------------------


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
