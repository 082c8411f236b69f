"""The browse pages' presenters: what each page shows of a finding, a rule and a comparison."""

import pytest

from evidence.models import Finding
from therapies.models import Goal, Therapy
from wellness.browse import presenters


def _finding(goal, direction="benefit", certainty="moderate", therapy=None, kind=""):
    return Finding(
        slug=f"{direction}-{certainty}",
        goal=goal,
        therapy=therapy,
        therapy_kind=kind,
        outcome="sleep",
        population="adults",
        direction=direction,
        certainty=certainty,
    )


@pytest.mark.parametrize(
    ("findings", "verdict", "best"),
    [
        ([("benefit", "high")], "clear", "High certainty"),
        ([("benefit", "moderate"), ("benefit", "low")], "clear", "Moderate certainty"),
        ([("benefit", "low")], "weak", "Low certainty"),
        ([("benefit", "very-low")], "weak", "Very low certainty"),
        ([("benefit", "low"), ("no-clear-effect", "low")], "mixed", "Low certainty"),
        ([("benefit", "high"), ("harm", "low")], "mixed", "High certainty"),
        ([("no-clear-effect", "very-low")], "unclear", ""),
        ([("harm", "low"), ("no-clear-effect", "low")], "harm", ""),
    ],
)
def test_evidence_by_goal_says_how_strong_the_evidence_is(findings, verdict, best):
    goal = Goal(pk=1, slug="sleep", label="Sleep better", position=1)
    therapy = Therapy(pk=1, name="Calm", kind="massage")
    therapy._prefetched_objects_cache = {"goals": Goal.objects.none()}
    made = [_finding(goal, d, c, kind="massage") for d, c in findings]

    (evidence,) = presenters.evidence_by_goal(therapy=therapy, findings=made)

    assert (evidence.verdict, evidence.best_certainty_label) == (verdict, best)


@pytest.mark.parametrize(
    ("formats", "words"),
    [
        ((True, False, False), "In person"),
        ((False, True, False), "Online"),
        ((True, True, False), "In person or online"),
        ((True, True, True), "In person, online or in a group"),
        ((False, True, True), "Online or in a group"),
    ],
)
def test_formats_text_joins_the_ways_a_therapy_is_offered(formats, words):
    in_person, online, group = formats
    therapy = Therapy(in_person=in_person, online=online, group=group)

    assert presenters.formats_text(therapy) == words
