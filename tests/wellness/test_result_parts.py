"""The results page's summary, ties, evidence said once per kind, and choices that open more."""

from __future__ import annotations

from tests.wellness.engine_catalogues import finding, harm, rule, snapshot, therapy
from wellness import answers as answer_store
from wellness.recommender import Answers, recommend
from wellness.views import result_parts

LABELS = {"sleep": "Sleep better", "pain": "Ease pain", "grief": "Cope with loss", "mood": "Mood"}

CATALOGUE = snapshot(
    [
        therapy("swedish"),
        therapy("deep", pressure="firm"),
        therapy("sports", pressure="firm"),
        therapy("cbt", kind="talking", formats=("in-person", "online"), pressure="n/a"),
    ],
    findings=[
        finding("massage-pain", "pain", kind="massage", certainty="very-low"),
        finding("massage-sleep", "sleep", kind="massage", certainty="very-low"),
        finding("swedish-sleep", "sleep", therapy="swedish", certainty="low"),
        finding("cbt-sleep", "sleep", therapy="cbt", certainty="moderate"),
    ],
    rules=[
        rule("deep", "blood-thinners", "exclude"),
        rule("sports", "blood-thinners", "exclude"),
        rule("swedish", "blood-thinners", "caution"),
    ],
    harms=[
        harm("massage-safe", "serious-risk", kind="massage"),
        harm("massage-sore", "side-effect", kind="massage"),
        harm("massage-cost", "cost", kind="massage"),
        harm("swedish-cost", "cost", therapy="swedish"),
        harm("cbt-time", "time", therapy="cbt"),
    ],
)


def ask(goals, conditions=(), **preferences):
    answers = Answers(goals=frozenset(goals), conditions=frozenset(conditions), **preferences)
    return recommend(answers=answers, catalogue=CATALOGUE)


def test_the_summary_gives_the_top_three_with_strength_per_goal_and_the_main_downside():
    result = ask({"sleep", "pain"})

    options = result_parts.summary_options(result, LABELS)

    assert [o.recommendation.therapy.slug for o in options] == ["cbt", "swedish", "deep"]
    swedish = options[1]
    assert [(s.certainty, s.goals) for s in swedish.strengths] == [
        ("low", ("Sleep better",)),
        ("very-low", ("Ease pain",)),
    ]
    assert (swedish.level, swedish.certainty) == (2, "low")
    # A common side effect is the main downside, not a record that no serious harm was found.
    assert swedish.downside == "massage-sore statement"
    assert options[0].downside == "cbt-time statement"


def test_the_summary_says_which_options_the_evidence_supports_equally():
    result = ask({"pain"})  # three massages, all on the same very low evidence about massage

    first, second, third = result_parts.summary_options(result, LABELS, size=3)
    [last] = result_parts.summary_options(result, LABELS, size=1)

    assert (first.same_as_above, second.same_as_above, third.same_as_above) == (False, True, True)
    assert (third.same_below, last.same_below) == (0, 2)


def test_ties_are_runs_of_equal_scores_next_to_each_other():
    result = ask({"sleep", "pain"})  # cbt 3; swedish low + very low, 3; deep and sports 2

    top, rest = result_parts.ties(result.recommendations)

    assert [r.score for r in result.recommendations] == [3, 3, 2, 2]
    assert (top.first, top.last, top.names) == (1, 2, ("Cbt", "Swedish"))
    assert (rest.first, rest.last, rest.names) == (3, 4, ("Deep", "Sports"))
    assert result_parts.ties(ask({"sleep"}, pressure="gentle").recommendations) == []


def test_evidence_about_a_whole_kind_is_said_once_for_the_cards_that_share_it():
    result = ask({"sleep", "pain"})

    [section], findings, harms = result_parts.shared_kind_evidence(result, CATALOGUE)

    assert (section.kind, section.name) == ("massage", "massage")
    assert section.therapies == ("Swedish", "Deep", "Sports")
    # Swedish's own sleep finding stays on its card; what all three carry is said once.
    assert [b.finding for b in section.benefits] == ["massage-sleep", "massage-pain"]
    # Swedish states its own cost, so the kind's cost is not shared; its side effects are.
    assert [h.slug for h in section.harms] == ["massage-sore", "massage-safe"]
    assert findings == {"massage-sleep", "massage-pain"}
    assert harms == {"massage-sore", "massage-safe"}


def test_a_kind_with_one_card_keeps_its_evidence_on_the_card():
    result = ask({"sleep"}, pressure="gentle")  # swedish and cbt: one card of each kind

    assert result_parts.shared_kind_evidence(result, CATALOGUE) == ([], frozenset(), frozenset())


def test_a_different_pressure_that_would_open_options_is_offered_with_their_warnings():
    answers = {
        "goals": ["pain"],
        "conditions": {"blood-thinners": "yes"},
        "format": "any",
        "pressure": "firm",
    }
    result = ask({"pain"}, {"blood-thinners"}, pressure="firm")

    def recompute(changed):
        return recommend(answers=answer_store.to_engine(changed), catalogue=CATALOGUE)

    [opening] = result_parts.openings(
        answers, result, recompute, answer_store.to_token, {"pressure": ("gentle", "firm")}
    )

    assert result.recommendations == ()
    assert (opening.preference, opening.value) == ("pressure", "gentle")
    assert [(r.therapy.slug, r.gate) for r in opening.options] == [("swedish", "caution")]
    assert answer_store.from_token(opening.token) == {
        **answer_store.empty(),
        **answers,
        "pressure": "gentle",
    }


def test_nothing_is_offered_when_no_choice_would_open_an_option():
    answers = {"goals": ["sleep"], "conditions": {}, "format": "any", "pressure": "any"}
    result = ask({"sleep"})

    assert result_parts.openings(answers, result, None, None, {}) == []
