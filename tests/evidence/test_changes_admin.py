"""Reviewing a change to a safety rule in the admin (reviewed-changes issue, item 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence.changes import change_propose
from evidence.models import ChangeRequest, SafetyRule
from tests.factories import SafetyRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(db):
    return SafetyRuleFactory(effect="exclude", message="Not for you, sorry.")


@pytest.fixture
def change(rule, editor):
    return change_propose(
        subject="safety-rule",
        action="update",
        by=editor,
        reason="The review says take care.",
        target=rule,
        values={"effect": "caution"},
    )


def page(change) -> str:
    return reverse("admin:evidence_changerequest_change", args=[change.pk])


def review(change) -> str:
    return reverse("admin:evidence_changerequest_review", args=[change.pk])


def test_the_change_page_shows_before_and_after_in_words(login, change):
    response = login("curator").get(page(change))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Exclude: not suitable, never recommend" in text
    assert "<strong>Caution: fine with adjustments</strong>" in text
    assert "Approve and make it live" in text


def test_a_curator_approves_and_the_rule_goes_live(login, rule, change):
    response = login("curator").post(
        review(change), {"approve": "1", "public_reason": "New advice: take care, not avoid."}
    )
    assert response.status_code == 302
    assert SafetyRule.objects.get(pk=rule.pk).effect == "caution"
    change.refresh_from_db()
    assert change.status == "approved"


def test_approval_needs_a_public_reason(login, rule, change):
    response = login("curator").post(
        review(change), {"approve": "1", "public_reason": " "}, follow=True
    )
    assert "Write one line for the public" in response.content.decode()
    assert SafetyRule.objects.get(pk=rule.pk).effect == "exclude"


def test_an_editor_sees_the_change_but_no_review_buttons_and_cannot_post_one(login, rule, change):
    client = login("editor")
    assert "Approve and make it live" not in client.get(page(change)).content.decode()
    client.post(review(change), {"approve": "1", "public_reason": "Mine."})
    assert SafetyRule.objects.get(pk=rule.pk).effect == "exclude"


def test_anonymous_is_sent_to_log_in(client, change):
    response = client.post(review(change), {"approve": "1", "public_reason": "x"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_rejection_keeps_the_rule_and_tells_the_author(login, rule, change):
    login("curator").post(review(change), {"reject": "1", "note": "The source says avoid."})
    change.refresh_from_db()
    assert (change.status, change.review_note) == ("rejected", "The source says avoid.")
    assert SafetyRule.objects.get(pk=rule.pk).effect == "exclude"


def test_an_approved_change_is_undone_by_a_new_reviewed_change(login, rule, change):
    login("curator").post(review(change), {"approve": "1", "public_reason": "Take care instead."})
    editor = login("editor")
    response = editor.post(
        reverse("admin:evidence_changerequest_revert", args=[change.pk]),
        {"reason": "Misread the review."},
    )
    undo = ChangeRequest.objects.waiting().get()
    assert response["Location"] == page(undo)
    assert undo.reverts_id == change.pk
    assert SafetyRule.objects.get(pk=rule.pk).effect == "caution"


def test_a_removal_without_a_reason_is_refused_and_nothing_is_removed(login, rule):
    response = login("editor").post(
        reverse("admin:evidence_safetyrule_delete", args=[rule.pk]), {"post": "yes"}, follow=True
    )
    assert "Say why" in response.content.decode()
    assert SafetyRule.objects.filter(pk=rule.pk).exists()
    assert not ChangeRequest.objects.exists()


def test_history_cannot_revert_a_rule_directly(login, rule):
    rule.message = "Changed outside review."
    rule.save()
    old = rule.history.earliest()
    address = reverse("admin:evidence_safetyrule_simple_history", args=[rule.pk, old.history_id])
    response = login("superuser").post(address, {"message": "Not for you, sorry."})
    assert response.status_code in (403, 302)
    assert SafetyRule.objects.get(pk=rule.pk).message == "Changed outside review."


def test_no_one_edits_or_deletes_a_change_record(login, change):
    client = login("superuser")
    delete = reverse("admin:evidence_changerequest_delete", args=[change.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ChangeRequest.objects.filter(pk=change.pk).exists()
