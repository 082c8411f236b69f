"""The engine's rules for limits, techniques, the strictest advice, harms and other paths."""

import pytest

from tests.wellness.engine_catalogues import finding, harm, rule, slugs, snapshot, therapy
from wellness.recommender import Answers, recommend


def ask(catalogue, goals, conditions=(), **preferences):
    answers = Answers(goals=frozenset(goals), conditions=frozenset(conditions), **preferences)
    return recommend(answers=answers, catalogue=catalogue)


# --- A therapy limited to a condition --------------------------------------------------------

LIMITED = snapshot(
    [therapy("prenatal", only_for="pregnancy"), therapy("swedish")],
    findings=[
        finding("massage-sleep", "sleep", kind="massage", certainty="low"),
        finding("prenatal-pain", "pain", therapy="prenatal"),
    ],
    rules=[rule("prenatal", "blood-thinners", "exclude")],
)


@pytest.mark.parametrize("conditions", [(), ("blood-thinners",), ("osteoporosis",)])
def test_a_therapy_limited_to_a_condition_is_never_a_candidate_for_anyone_else(conditions):
    result = ask(LIMITED, {"sleep", "pain"}, conditions)

    everything = {r.therapy.slug for r in result.recommendations}
    everything |= {e.therapy.slug for e in result.excluded}
    everything |= {s.therapy.slug for s in result.set_aside}
    assert "prenatal" not in everything
    assert slugs(result) == ["swedish"]


def test_a_therapy_limited_to_a_condition_is_a_candidate_for_people_with_it():
    result = ask(LIMITED, {"sleep", "pain"}, {"pregnancy"})

    assert slugs(result) == ["prenatal", "swedish"]


def test_a_limited_therapy_still_obeys_its_exclusions():
    result = ask(LIMITED, {"pain"}, {"pregnancy", "blood-thinners"})

    assert slugs(result) == []
    assert [e.therapy.slug for e in result.excluded] == ["prenatal"]


def test_a_goal_only_a_limited_therapy_helps_says_it_is_made_for_others():
    result = ask(LIMITED, {"pain"})

    assert [(g.goal, g.status) for g in result.goal_gaps] == [("pain", "made-for-others")]


# --- A finding limited to a technique --------------------------------------------------------

TECHNIQUES = snapshot(
    [
        therapy("swedish", techniques={"tummy"}),
        therapy("sports", pressure="firm"),
        therapy("cbt", kind="talking", pressure="n/a", techniques={"tummy"}),
    ],
    findings=[
        finding("tummy-constipation", "sleep", technique="tummy", certainty="very-low"),
        finding("massage-pain", "pain", kind="massage", certainty="low"),
        finding("tummy-pain", "pain", technique="tummy", certainty="moderate"),
    ],
)


def test_a_technique_finding_applies_only_to_the_therapies_that_use_the_technique():
    result = ask(TECHNIQUES, {"sleep"})

    assert slugs(result) == ["cbt", "swedish"]


def test_a_technique_finding_adds_to_a_kind_finding_and_is_ranked_with_it():
    result = ask(TECHNIQUES, {"pain"})

    by_slug = {r.therapy.slug: r for r in result.recommendations}
    assert [b.statement for b in by_slug["swedish"].benefits] == [
        "tummy-pain statement",
        "massage-pain statement",
    ]
    assert by_slug["swedish"].score == 3
    assert by_slug["sports"].score == 2
    assert slugs(result) == ["cbt", "swedish", "sports"]


def test_a_therapys_own_finding_decides_before_its_techniques():
    catalogue = snapshot(
        [therapy("swedish", techniques={"tummy"})],
        findings=[
            finding("swedish-sleep", "sleep", therapy="swedish", direction="no-clear-effect"),
            finding("tummy-sleep", "sleep", technique="tummy"),
        ],
    )

    assert slugs(ask(catalogue, {"sleep"})) == []


def test_a_technique_not_given_to_someone_brings_no_evidence_for_them():
    # Tummy massage is not given in pregnancy: its constipation evidence is not theirs.
    catalogue = snapshot(
        [therapy("swedish", techniques={"tummy"})],
        findings=[
            finding("tummy-sleep", "sleep", technique="tummy", certainty="very-low"),
            finding("massage-pain", "pain", kind="massage", certainty="low"),
        ],
        techniques_not_for={"tummy": frozenset({"pregnancy"})},
    )

    pregnant = ask(catalogue, {"sleep", "pain"}, {"pregnancy"})
    [card] = pregnant.recommendations
    assert (card.therapy.slug, card.matched_goals) == ("swedish", ("pain",))
    assert [b.finding for b in card.benefits] == ["massage-pain"]
    # The goal only the technique speaks to says the technique is not used for them.
    assert [(g.goal, g.status) for g in pregnant.goal_gaps] == [("sleep", "not-given")]

    [card] = ask(catalogue, {"sleep"}).recommendations
    assert [b.finding for b in card.benefits] == ["tummy-sleep"]


def test_a_goal_whose_only_benefit_a_therapys_own_finding_overrules_is_not_ruled_out():
    # Massage as a whole may help, but Swedish massage's own studies found no difference: the
    # person is told what was found, not that a suitable therapy was ruled out for them.
    catalogue = snapshot(
        [therapy("swedish")],
        findings=[
            finding("massage-grief", "grief", kind="massage"),
            finding("swedish-grief", "grief", therapy="swedish", direction="no-effect"),
        ],
    )

    [gap] = ask(catalogue, {"grief"}).goal_gaps

    assert gap.status == "no-benefit"


# --- Where two rules meet, the strictest wins ------------------------------------------------

RULES = snapshot(
    [therapy("prenatal"), therapy("swedish"), therapy("deep", pressure="firm")],
    findings=[finding("massage-pain", "pain", kind="massage")],
    rules=[
        rule("prenatal", "pregnancy", "suits"),
        rule("prenatal", "blood-thinners", "exclude", "No massage on blood thinners."),
        rule("swedish", "pregnancy", "clearance", "Ask your midwife."),
        rule("swedish", "osteoporosis", "caution", "Gentle pressure only."),
        rule("deep", "osteoporosis", "caution"),
    ],
)


def test_an_exclusion_beats_a_suits_rule():
    result = ask(RULES, {"pain"}, {"pregnancy", "blood-thinners"})

    assert "prenatal" not in slugs(result)
    [excluded] = result.excluded
    assert [r.message for r in excluded.reasons] == ["No massage on blood thinners."]


def test_the_card_says_which_answers_set_the_strictest_advice():
    result = ask(RULES, {"pain"}, {"pregnancy", "osteoporosis"})

    swedish = next(r for r in result.recommendations if r.therapy.slug == "swedish")
    assert swedish.gate == "clearance"
    assert [(w.condition, w.effect) for w in swedish.gate_warnings] == [("pregnancy", "clearance")]
    assert [w.effect for w in swedish.warnings] == ["clearance", "caution"]
    deep = next(r for r in result.recommendations if r.therapy.slug == "deep")
    assert deep.gate == "caution"


def test_a_card_with_no_rule_has_no_gate():
    result = ask(RULES, {"pain"})

    assert {r.gate for r in result.recommendations} == {""}


# --- Harms and burdens -----------------------------------------------------------------------

HARMS = snapshot(
    [therapy("swedish", techniques={"tummy"}), therapy("deep", pressure="firm")],
    findings=[finding("massage-pain", "pain", kind="massage")],
    harms=[
        harm("massage-cost", "cost", kind="massage"),
        harm("massage-sore", "side-effect", kind="massage"),
        harm("massage-time", "time", kind="massage"),
        harm("swedish-cost", "cost", therapy="swedish"),
        harm("tummy-risk", "serious-risk", technique="tummy"),
        harm("deep-sore", "side-effect", therapy="deep"),
        harm("talking-time", "time", kind="talking"),
    ],
)


def test_every_card_carries_its_harms_side_effects_adding_up_burdens_replaced():
    result = ask(HARMS, {"pain"})

    by_slug = {r.therapy.slug: sorted(h.slug for h in r.harms) for r in result.recommendations}
    # Deep tissue's own soreness adds to massage's; Swedish's own cost replaces massage's.
    assert by_slug == {
        "deep": sorted(["deep-sore", "massage-sore", "massage-time", "massage-cost"]),
        "swedish": sorted(["massage-sore", "tummy-risk", "massage-time", "swedish-cost"]),
    }


# --- Other paths, chosen for the answers -----------------------------------------------------


def paths(result):
    return [p.slug for p in result.other_paths]


def test_other_paths_for_everyone_include_waiting_when_it_is_safe():
    assert paths(ask(RULES, {"sleep"})) == ["talk-to-gp", "wait-and-see"]


def test_other_paths_follow_the_yes_answers_and_the_goals():
    assert paths(ask(RULES, {"sleep"}, {"pregnancy"})) == ["midwife", "talk-to-gp", "wait-and-see"]
    assert paths(ask(RULES, {"grief"})) == ["talk-to-gp", "grief-support", "wait-and-see"]


def test_wait_and_see_is_not_offered_where_a_clinician_should_see_the_person():
    result = ask(RULES, {"pain"}, {"pregnancy"})

    assert paths(result) == ["midwife-swelling", "midwife", "talk-to-gp"]


def test_a_crisis_has_no_other_paths_only_urgent_help():
    result = ask(RULES, {"pain"}, {"crisis"})

    assert result.crisis is not None
    assert result.other_paths == ()


# --- Goals without a good option say why -----------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "status"),
    [
        ("no-clear-effect", "unclear"),
        ("no-effect", "no-benefit"),
        ("harm", "harm"),
    ],
)
def test_a_goal_without_benefit_says_what_the_studies_found(direction, status):
    catalogue = snapshot(
        [therapy("swedish")],
        findings=[finding("massage-grief", "grief", kind="massage", direction=direction)],
    )

    [gap] = ask(catalogue, {"grief"}).goal_gaps

    assert (gap.goal, gap.status) == ("grief", status)
    assert [n.direction for n in gap.notes] == [direction]


def test_a_goal_whose_therapies_are_unsafe_or_set_aside_says_they_were_ruled_out():
    catalogue = snapshot(
        [therapy("swedish"), therapy("deep", pressure="firm")],
        findings=[finding("massage-pain", "pain", kind="massage")],
        rules=[rule("deep", "blood-thinners", "exclude")],
    )

    result = ask(catalogue, {"pain"}, {"blood-thinners"}, pressure="firm")

    assert [g.status for g in result.goal_gaps] == ["ruled-out"]
    assert [e.therapy.slug for e in result.excluded] == ["deep"]
    assert [s.therapy.slug for s in result.set_aside] == ["swedish"]


def test_a_goal_not_in_the_catalogue_says_so():
    [gap] = ask(RULES, {"mood"}).goal_gaps

    assert (gap.status, gap.notes) == ("none", ())
