"""Reviewed changes to safety rules (reviewed-changes issue, item 1 and 3): a proposal changes
nothing the public sees until a second person approves it; approving applies it once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from evidence.changes import change_approve, change_propose, change_reject, change_revert
from evidence.models import ChangeRequest, SafetyRule
from evidence.services import ReviewError
from tests.factories import (
    ConditionFactory,
    FindingFactory,
    GoalFactory,
    SafetyRuleFactory,
    SourceFactory,
    TherapyFactory,
)
from wellness.recommender import Answers, recommend
from wellness.selectors import catalogue_snapshot

pytestmark = pytest.mark.django_db
RULE = ChangeRequest.Subject.SAFETY_RULE
Action = ChangeRequest.Action


@pytest.fixture
def rule(db):
    return SafetyRuleFactory(effect=SafetyRule.Effect.EXCLUDE, message="Not for you, sorry.")


def propose_caution(rule, by):
    return change_propose(
        subject=RULE,
        action=Action.UPDATE,
        by=by,
        reason="The review says take care, not avoid.",
        target=rule,
        values={"effect": SafetyRule.Effect.CAUTION},
    )


def effect_of(rule) -> str:
    return SafetyRule.objects.get(pk=rule.pk).effect


def test_a_proposal_changes_nothing_until_approved(rule, editor, curator):
    version = catalogue_snapshot().version
    change = propose_caution(rule, editor)

    assert change.status == ChangeRequest.Status.WAITING
    assert change.before["effect"] == "exclude"
    assert change.values == {"effect": "caution"}
    assert effect_of(rule) == "exclude"
    assert catalogue_snapshot().version == version

    change_approve(change=change, by=curator, public_reason="New review: take care instead.")

    assert effect_of(rule) == "caution"
    change.refresh_from_db()
    assert (change.status, change.reviewer, change.approved_own_as_superuser) == (
        "approved",
        curator,
        False,
    )
    assert catalogue_snapshot().version != version


def test_the_public_sees_the_change_only_once_approved(editor, curator):
    therapy = TherapyFactory(slug="deep-tissue")
    condition = ConditionFactory(slug="blood-thinners")
    finding = FindingFactory(therapy=therapy, goal=GoalFactory(slug="pain"))
    therapy.goals.add(finding.goal)
    rule = SafetyRuleFactory(therapy=therapy, condition=condition, effect="exclude")
    answers = Answers(goals=("pain",), conditions=("blood-thinners",))

    def shown() -> set[str]:
        result = recommend(answers=answers, catalogue=catalogue_snapshot())
        return {card.therapy.slug for card in result.recommendations}

    assert "deep-tissue" not in shown()
    change = propose_caution(rule, editor)
    assert "deep-tissue" not in shown()
    change_approve(change=change, by=curator, public_reason="Take care instead.")
    assert "deep-tissue" in shown()


def test_the_author_cannot_approve_their_own(rule, editor, curator):
    editor.groups.add(*curator.groups.all())  # an editor who is also a curator
    change = propose_caution(rule, editor)

    with pytest.raises(ReviewError, match="Someone else"):
        change_approve(change=change, by=editor, public_reason="Mine.")
    assert effect_of(rule) == "exclude"


def test_a_superuser_may_approve_their_own_and_it_is_recorded(rule, superuser):
    change = propose_caution(rule, superuser)
    change_approve(change=change, by=superuser, public_reason="Urgent fix.")
    change.refresh_from_db()
    assert change.approved_own_as_superuser is True
    assert effect_of(rule) == "caution"


def test_the_database_refuses_an_own_approval_not_marked(rule, editor):
    change = propose_caution(rule, editor)
    change.status, change.reviewer, change.public_reason = "approved", editor, "x"
    change.reviewed_at = change.created_at
    with pytest.raises(IntegrityError), transaction.atomic():
        change.save()


def test_an_editor_cannot_review(rule, editor):
    other = type(editor).objects.create_user("editor2", is_staff=True)
    other.groups.add(*editor.groups.all())
    change = propose_caution(rule, editor)
    with pytest.raises(PermissionDenied):
        change_approve(change=change, by=other, public_reason="Fine.")
    with pytest.raises(PermissionDenied):
        change_reject(change=change, by=other, note="No.")


def test_a_curator_cannot_propose_a_rule_change(rule, curator):
    with pytest.raises(PermissionDenied):
        propose_caution(rule, curator)


def test_a_rejected_change_is_never_applied(rule, editor, curator):
    change = propose_caution(rule, editor)
    change_reject(change=change, by=curator, note="The source says avoid.")
    assert effect_of(rule) == "exclude"
    with pytest.raises(ReviewError, match="already been reviewed"):
        change_approve(change=change, by=curator, public_reason="Changed my mind.")


def test_a_change_made_against_an_older_rule_is_refused(rule, editor, curator):
    change = propose_caution(rule, editor)
    other = propose_caution(rule, editor)
    change_approve(change=change, by=curator, public_reason="Take care instead.")
    with pytest.raises(ReviewError, match="changed since"):
        change_approve(change=other, by=curator, public_reason="Again.")


def test_a_bad_draft_is_refused_with_its_field(rule, editor):
    with pytest.raises(ValidationError) as refused:
        change_propose(
            subject=RULE,
            action=Action.UPDATE,
            by=editor,
            reason="Typo.",
            target=rule,
            values={"effect": "maybe"},
        )
    assert "effect" in refused.value.message_dict


def test_nothing_to_change_and_no_reason_are_refused(rule, editor):
    with pytest.raises(ReviewError, match="Nothing would change"):
        change_propose(
            subject=RULE,
            action=Action.UPDATE,
            by=editor,
            reason="x",
            target=rule,
            values={"effect": "exclude"},
        )
    with pytest.raises(ReviewError, match="why"):
        change_propose(subject=RULE, action=Action.DELETE, by=editor, reason=" ", target=rule)


def test_adding_and_removing_a_rule_are_reviewed(editor, curator):
    therapy, condition, source = TherapyFactory(), ConditionFactory(), SourceFactory()
    values = {
        "therapy_id": therapy.pk,
        "condition_id": condition.pk,
        "effect": "clearance",
        "message": "Ask your doctor first.",
        "source_id": source.pk,
    }
    added = change_propose(
        subject=RULE, action=Action.CREATE, by=editor, reason="New guidance.", values=values
    )
    assert not SafetyRule.objects.exists()
    added = change_approve(change=added, by=curator, public_reason="New guidance on this.")
    rule = SafetyRule.objects.get()
    assert added.target_id == rule.pk

    removed = change_propose(
        subject=RULE, action=Action.DELETE, by=editor, reason="Withdrawn.", target=rule
    )
    assert SafetyRule.objects.exists()
    change_approve(change=removed, by=curator, public_reason="The guidance was withdrawn.")
    assert not SafetyRule.objects.exists()


def test_revert_is_itself_reviewed(rule, editor, curator, second_curator):
    change = propose_caution(rule, editor)
    change = change_approve(change=change, by=curator, public_reason="Take care instead.")

    undo = change_revert(change=change, by=editor, reason="The review was misread.")

    assert undo.reverts == change
    assert undo.values == {"effect": "exclude"}
    assert effect_of(rule) == "caution"
    change_approve(change=undo, by=second_curator, public_reason="Back to avoid.")
    assert effect_of(rule) == "exclude"


def test_history_names_author_and_reviewer(rule, editor, curator):
    change = propose_caution(rule, editor)
    change_approve(change=change, by=curator, public_reason="Take care instead.")
    latest = rule.history.latest()
    assert latest.history_user == curator
    assert (
        latest.history_change_reason
        == f"Change {change.pk}: proposed by editor, approved by curator"
    )


def test_history_keeps_a_short_reason_for_long_names(rule, curator):
    from tests.factories import UserFactory

    long_name = UserFactory(username="e" * 150, groups=["Catalogue editors"])
    change = propose_caution(rule, long_name)
    change_approve(change=change, by=curator, public_reason="x" * 200)
    assert len(rule.history.latest().history_change_reason) <= 100


def test_a_screening_question_changes_only_once_approved(editor, curator):
    question = ConditionFactory(slug="new-question", active=False)
    change = change_propose(
        subject=ChangeRequest.Subject.CONDITION,
        action=Action.UPDATE,
        by=editor,
        reason="Ask it from now on.",
        target=question,
        values={"active": True},
    )
    question.refresh_from_db()
    assert question.active is False
    assert change.public_label == "The screening question “" + question.question + "”"

    change_approve(change=change, by=curator, public_reason="We now ask this question.")
    question.refresh_from_db()
    assert question.active is True


def test_removing_a_question_rules_still_use_is_refused_at_approval(rule, editor, curator):
    change = change_propose(
        subject=ChangeRequest.Subject.CONDITION,
        action=Action.DELETE,
        by=editor,
        reason="Not needed.",
        target=rule.condition,
    )
    with pytest.raises(ReviewError, match="still use"):
        change_approve(change=change, by=curator, public_reason="Removed.")
    change.refresh_from_db()
    assert change.status == "waiting"


def test_long_names_fit_and_an_overlong_public_line_is_refused(editor, curator):
    therapy = TherapyFactory(name="A" * 120)
    condition = ConditionFactory(question="Q" * 199 + "?")
    rule = SafetyRuleFactory(therapy=therapy, condition=condition, effect="exclude")
    change = propose_caution(rule, editor)
    assert len(change.public_label) <= 300 and change.public_label.endswith("…")
    with pytest.raises(ReviewError, match="200 characters"):
        change_approve(change=change, by=curator, public_reason="x" * 201)


def test_a_change_that_no_longer_fits_what_is_live_is_refused_at_approval(editor, curator):
    therapy, condition, source = TherapyFactory(), ConditionFactory(), SourceFactory()
    values = {
        "therapy_id": therapy.pk,
        "condition_id": condition.pk,
        "effect": "caution",
        "message": "Take care.",
        "source_id": source.pk,
    }
    first = change_propose(
        subject=RULE, action=Action.CREATE, by=editor, reason="New.", values=values
    )
    second = change_propose(
        subject=RULE, action=Action.CREATE, by=editor, reason="New, again.", values=values
    )
    change_approve(change=first, by=curator, public_reason="New advice.")

    with pytest.raises(ReviewError, match="no longer be made"):
        change_approve(change=second, by=curator, public_reason="Again.")
    assert SafetyRule.objects.count() == 1
    second.refresh_from_db()
    assert second.status == "waiting"
