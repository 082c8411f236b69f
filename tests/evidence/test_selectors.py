"""The read queries of the public pages: only published records, already shaped."""

import pytest

from evidence import selectors
from evidence.models import Source
from evidence.statements import statement_for
from tests.factories import (
    FindingFactory,
    GoalFactory,
    SafetyRuleFactory,
    SourceFactory,
    TechniqueFactory,
    TherapyFactory,
)

pytestmark = pytest.mark.django_db


def test_therapy_list_holds_only_published_therapies_by_name():
    TherapyFactory(slug="b", name="Beta")
    TherapyFactory(slug="a", name="Alpha")
    TherapyFactory(slug="hidden", published=False)

    assert [t.slug for t in selectors.therapy_list()] == ["a", "b"]


def test_therapy_list_filters_by_kind_and_goal():
    sleep = GoalFactory(slug="sleep")
    talking = TherapyFactory(slug="talk", name="Talk", kind="talking")
    talking.goals.add(sleep)
    massage = TherapyFactory(slug="rub", name="Rub", kind="massage")
    massage.goals.add(sleep)
    TherapyFactory(slug="other", name="Other", kind="talking")

    assert [t.slug for t in selectors.therapy_list(kind="talking")] == ["other", "talk"]
    assert [t.slug for t in selectors.therapy_list(goal_slug="sleep")] == ["rub", "talk"]
    assert [t.slug for t in selectors.therapy_list(kind="talking", goal_slug="sleep")] == ["talk"]


def test_therapy_list_comes_with_its_goals(django_assert_num_queries):
    for _ in range(3):
        TherapyFactory().goals.add(GoalFactory(), GoalFactory())

    with django_assert_num_queries(2):
        goals = [[g.label for g in t.goals.all()] for t in selectors.therapy_list()]

    assert [len(labels) for labels in goals] == [2, 2, 2]


def test_therapy_detail_list_comes_with_goals_and_rules(django_assert_num_queries):
    for _ in range(3):
        therapy = TherapyFactory()
        therapy.goals.add(GoalFactory())
        SafetyRuleFactory(therapy=therapy)
        SafetyRuleFactory(therapy=therapy)

    with django_assert_num_queries(4):
        seen = [
            (
                [g.label for g in t.goals.all()],
                [(r.condition.question, r.source.slug) for r in t.safety_rules.all()],
                [technique.slug for technique in t.techniques.all()],
            )
            for t in selectors.therapy_detail_list()
        ]

    assert [(len(goals), len(rules)) for goals, rules, _ in seen] == [(1, 2)] * 3


def test_findings_for_therapies_holds_their_own_and_their_kinds_published_findings():
    therapy = TherapyFactory(kind="massage")
    own = FindingFactory(therapy=therapy)
    kind = FindingFactory(therapy=None, therapy_kind="massage")
    FindingFactory(therapy=None, therapy_kind="talking")
    FindingFactory(therapy=TherapyFactory())
    for status in ("draft", "in-review", "retracted"):
        FindingFactory(therapy=therapy, source=SourceFactory(status=status))
        FindingFactory(therapy=None, therapy_kind="massage", source=SourceFactory(status=status))

    found = selectors.findings_for_therapies(therapies=[therapy])

    assert set(found) == {own, kind}


def test_findings_for_therapies_hold_those_about_their_techniques():
    tummy = TechniqueFactory()
    swedish = TherapyFactory(kind="massage")
    swedish.techniques.add(tummy)
    sports = TherapyFactory(kind="massage")
    about_tummy = FindingFactory(therapy=None, technique=tummy)

    assert list(selectors.findings_for_therapies(therapies=[swedish])) == [about_tummy]
    assert list(selectors.findings_for_therapies(therapies=[sports])) == []


def test_findings_for_therapies_come_ready_to_word(django_assert_num_queries):
    for kind in ("talking", "massage"):
        therapy = TherapyFactory(kind=kind)
        FindingFactory(therapy=therapy)
        FindingFactory(therapy=None, therapy_kind=therapy.kind)
    therapies = list(selectors.therapy_detail_list())

    with django_assert_num_queries(1):
        shown = [
            (statement_for(f), f.goal.label, f.source.slug)
            for f in selectors.findings_for_therapies(therapies=therapies)
        ]

    assert len(shown) == 4


def test_findings_for_therapies_are_ordered_by_goal():
    therapy = TherapyFactory()
    late = FindingFactory(therapy=therapy, goal=GoalFactory(position=9))
    early = FindingFactory(therapy=therapy, goal=GoalFactory(position=1))

    assert list(selectors.findings_for_therapies(therapies=[therapy])) == [early, late]


def test_source_list_holds_only_published_sources():
    SourceFactory(slug="shown")
    for status in ("draft", "in-review", "retracted"):
        SourceFactory(slug=status, status=status)

    assert [s.slug for s in selectors.source_list()] == ["shown"]


def test_findings_for_source_leave_out_unpublished_therapies(django_assert_num_queries):
    source = SourceFactory()
    shown = FindingFactory(source=source)
    kind = FindingFactory(source=source, therapy=None, therapy_kind="talking")
    FindingFactory(source=source, therapy=TherapyFactory(published=False))
    FindingFactory()

    with django_assert_num_queries(1):
        found = [
            (f, statement_for(f), f.goal.label)
            for f in selectors.findings_for_source(source=source)
        ]

    assert {f for f, _, _ in found} == {shown, kind}


def test_safety_rules_for_source_leave_out_unpublished_therapies(django_assert_num_queries):
    source = SourceFactory()
    shown = SafetyRuleFactory(source=source)
    SafetyRuleFactory(source=source, therapy=TherapyFactory(published=False))
    SafetyRuleFactory()

    with django_assert_num_queries(1):
        found = [
            (r, r.therapy.name, r.condition.question)
            for r in selectors.safety_rules_for_source(source=source)
        ]

    assert [r for r, _, _ in found] == [shown]


def test_goal_list_is_in_questionnaire_order():
    GoalFactory(slug="second", position=2)
    GoalFactory(slug="first", position=1)

    assert [g.slug for g in selectors.goal_list()] == ["first", "second"]


def test_a_retracted_source_leaves_the_selectors_at_once():
    source = SourceFactory()
    finding = FindingFactory(source=source)

    Source.objects.filter(pk=source.pk).update(status=Source.Status.RETRACTED)

    assert list(selectors.source_list()) == []
    assert list(selectors.findings_for_therapies(therapies=[finding.therapy])) == []
