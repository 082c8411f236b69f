"""The database keeps the catalogue's rules even when code forgets to validate."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ConditionFactory, CrisisContactFactory, GoalFactory, TherapyFactory
from therapies.models import Condition, CrisisContact, Goal, Therapy


def rejected_by_database(build) -> bool:
    try:
        with transaction.atomic():
            build()
    except IntegrityError:
        return True
    return False


THERAPY_BREAKS = {
    "duplicate slug": lambda: Therapy.objects.create(
        slug="taken",
        name="Second",
        kind="massage",
        summary="s",
        what_to_expect="w",
        session_minutes_min=30,
        session_minutes_max=60,
        reviewed_on=datetime.date(2026, 1, 1),
        next_review_on=datetime.date(2027, 1, 1),
    ),
    "zero-minute session": lambda: TherapyFactory(session_minutes_min=0),
    "shortest above longest": lambda: TherapyFactory(
        session_minutes_min=90, session_minutes_max=60
    ),
    "offered in no format": lambda: TherapyFactory(in_person=False, online=False, group=False),
    "next review before last": lambda: TherapyFactory(
        reviewed_on=datetime.date(2026, 1, 2), next_review_on=datetime.date(2026, 1, 1)
    ),
    "unknown kind": lambda: TherapyFactory(kind="surgery"),
    "unknown pressure": lambda: TherapyFactory(pressure="crushing"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("build", THERAPY_BREAKS.values(), ids=THERAPY_BREAKS.keys())
def test_therapy_constraint_rejects_bad_data(build):
    Therapy.objects.create(
        slug="taken",
        name="First",
        kind="massage",
        summary="s",
        what_to_expect="w",
        session_minutes_min=30,
        session_minutes_max=60,
        reviewed_on=datetime.date(2026, 1, 1),
        next_review_on=datetime.date(2027, 1, 1),
    )

    assert rejected_by_database(build)


@pytest.mark.django_db
def test_therapy_validation_explains_the_session_length_rule():
    therapy = TherapyFactory.build(session_minutes_min=90, session_minutes_max=60)

    with pytest.raises(ValidationError, match="shortest session"):
        therapy.full_clean()


@pytest.mark.django_db
def test_goal_and_condition_slugs_are_unique():
    GoalFactory(slug="sleep")
    ConditionFactory(slug="pregnancy")

    assert rejected_by_database(lambda: Goal.objects.create(slug="sleep", label="Again"))
    assert rejected_by_database(
        lambda: Condition.objects.create(slug="pregnancy", question="Again?")
    )


@pytest.mark.django_db
def test_only_one_condition_can_be_the_crisis_question():
    ConditionFactory(slug="crisis", is_crisis=True)

    assert rejected_by_database(lambda: ConditionFactory(slug="crisis-two", is_crisis=True))
    ConditionFactory(slug="pregnancy", is_crisis=False)  # any number of ordinary questions


CONTACT_BREAKS = {
    "no way to reach": lambda: CrisisContactFactory(phone="", text="", url=""),
    "same name twice in a region": lambda: CrisisContactFactory(name="Samaritans"),
    "unknown region": lambda: CrisisContactFactory(region="XX"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("build", CONTACT_BREAKS.values(), ids=CONTACT_BREAKS.keys())
def test_crisis_contact_constraint_rejects_bad_data(build):
    CrisisContactFactory(name="Samaritans")

    assert rejected_by_database(build)


@pytest.mark.django_db
def test_same_crisis_line_name_is_allowed_in_another_region():
    CrisisContactFactory(name="Emergency", region="GB", phone="999")
    CrisisContactFactory(name="Emergency", region="US", phone="911")

    assert CrisisContact.objects.filter(name="Emergency").count() == 2


@pytest.mark.django_db
def test_published_returns_only_published_therapies():
    shown = TherapyFactory(published=True)
    TherapyFactory(published=False)

    assert list(Therapy.objects.published()) == [shown]


@pytest.mark.django_db
def test_therapy_goal_changes_are_kept_in_history():
    therapy = TherapyFactory()
    goal = GoalFactory()

    therapy.goals.add(goal)

    latest = therapy.history.latest()
    assert [g.goal_id for g in latest.goals.all()] == [goal.pk]
