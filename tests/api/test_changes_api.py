"""Reviewed changes through the staff API (reviewed-changes issue, item 6): a write to a safety
rule is a proposal; reviewers approve or reject it at /api/v1/changes/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from evidence.models import ChangeRequest, SafetyRule
from tests.api.conftest import token_client
from tests.conftest import enrol_totp_device
from tests.factories import ConditionFactory, SafetyRuleFactory, SourceFactory, TherapyFactory

pytestmark = pytest.mark.django_db
RULES = "/api/v1/safety-rules/"
CHANGES = "/api/v1/changes/"


@pytest.fixture
def rule(db):
    return SafetyRuleFactory(effect="exclude", message="Not for you, sorry.")


def propose(client, rule, **body):
    return client.patch(f"{RULES}{rule.pk}/", body, format="json")


def test_an_editors_change_is_a_proposal_until_approved(as_editor, as_curator, rule):
    response = propose(as_editor, rule, effect="caution", reason="The review says take care.")

    assert response.status_code == 202, response.content
    change = response.json()
    assert change["status"] == "waiting"
    assert change["values"] == {"effect": "caution"}
    assert response["Location"].endswith(f"{CHANGES}{change['id']}/")
    assert as_editor.get(f"{RULES}{rule.pk}/").json()["effect"] == "exclude"
    assert APIClient().get(f"{RULES}{rule.pk}/").json()["effect"] == "exclude"

    approved = as_curator.post(
        f"{CHANGES}{change['id']}/approve/", {"public_reason": "Take care instead."}, format="json"
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert APIClient().get(f"{RULES}{rule.pk}/").json()["effect"] == "caution"


def test_a_proposal_needs_a_reason_named_with_the_other_errors(as_editor, rule):
    response = propose(as_editor, rule, effect="maybe")
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"effect", "reason"}
    assert not ChangeRequest.objects.exists()


def test_adding_and_removing_a_rule_are_proposals(as_editor, as_curator):
    therapy, condition, source = TherapyFactory(), ConditionFactory(), SourceFactory()
    body = {
        "therapy": therapy.slug,
        "condition": condition.slug,
        "effect": "clearance",
        "message": "Ask your doctor first.",
        "source": source.slug,
        "reason": "New guidance.",
    }
    added = as_editor.post(RULES, body, format="json")
    assert added.status_code == 202, added.content
    assert not SafetyRule.objects.exists()
    as_curator.post(
        f"{CHANGES}{added.json()['id']}/approve/", {"public_reason": "New advice."}, format="json"
    )
    rule = SafetyRule.objects.get()

    removed = as_editor.delete(f"{RULES}{rule.pk}/", {"reason": "Withdrawn."}, format="json")
    assert removed.status_code == 202, removed.content
    assert SafetyRule.objects.filter(pk=rule.pk).exists()


def test_a_removal_without_a_reason_is_a_400(as_editor, rule):
    response = as_editor.delete(f"{RULES}{rule.pk}/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reason"
    assert SafetyRule.objects.filter(pk=rule.pk).exists()


def test_the_author_cannot_approve_their_own(editor, curator, rule):
    editor.groups.add(*curator.groups.all())
    from tests.conftest import enrol_totp_device

    enrol_totp_device(editor)
    client = token_client(editor)
    change = propose(client, rule, effect="caution", reason="Mine.").json()
    response = client.post(
        f"{CHANGES}{change['id']}/approve/", {"public_reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert SafetyRule.objects.get(pk=rule.pk).effect == "exclude"


def test_rejecting_and_reverting(as_editor, as_curator, as_second_curator, rule):
    first = propose(as_editor, rule, effect="caution", reason="Take care.").json()
    rejected = as_curator.post(f"{CHANGES}{first['id']}/reject/", {"note": "No."}, format="json")
    assert rejected.json()["status"] == "rejected"

    second = propose(as_editor, rule, effect="caution", reason="Take care, again.").json()
    as_curator.post(f"{CHANGES}{second['id']}/approve/", {"public_reason": "Care."}, format="json")
    undo = as_editor.post(f"{CHANGES}{second['id']}/revert/", {"reason": "Misread."}, format="json")
    assert undo.status_code == 202
    assert undo.json()["reverts"] == second["id"]
    as_second_curator.post(
        f"{CHANGES}{undo.json()['id']}/approve/", {"public_reason": "Back."}, format="json"
    )
    assert SafetyRule.objects.get(pk=rule.pk).effect == "exclude"


# Who may do what: every role × action on the changes API.
# fmt: off
MATRIX = {
    #  action        anonymous  editor  curator  superuser
    "list":         (401,       200,    200,     200),
    "propose":      (401,       202,    403,     202),
    "approve":      (401,       403,    200,     200),
    "reject":       (401,       403,    200,     200),
}
# fmt: on
ROLES = ("anonymous", "editor", "curator", "superuser")


@pytest.mark.parametrize("action", MATRIX)
@pytest.mark.parametrize("index", range(len(ROLES)), ids=ROLES)
def test_permission_matrix(request, rule, action, index):
    role = ROLES[index]
    author = request.getfixturevalue("editor")
    client = APIClient() if role == "anonymous" else token_client(request.getfixturevalue(role))
    if role == "editor":
        author = type(author).objects.create_user("author", is_staff=True)
        author.groups.add(*request.getfixturevalue("editor").groups.all())
        enrol_totp_device(author)
    change = propose(token_client(author), rule, message="Take extra care.", reason="Why.").json()
    responses = {
        "list": lambda: client.get(CHANGES),
        "propose": lambda: propose(client, rule, effect="caution", reason="Why not."),
        "approve": lambda: client.post(
            f"{CHANGES}{change['id']}/approve/", {"public_reason": "Ok."}, format="json"
        ),
        "reject": lambda: client.post(
            f"{CHANGES}{change['id']}/reject/", {"note": "No."}, format="json"
        ),
    }
    assert responses[action]().status_code == MATRIX[action][index]


def test_approving_a_change_that_no_longer_fits_is_a_409_not_a_500(as_editor, as_curator):
    therapy, condition, source = TherapyFactory(), ConditionFactory(), SourceFactory()
    body = {
        "therapy": therapy.slug,
        "condition": condition.slug,
        "effect": "caution",
        "message": "Take care.",
        "source": source.slug,
        "reason": "New guidance.",
    }
    first = as_editor.post(RULES, body, format="json").json()
    second = as_editor.post(RULES, body, format="json").json()
    approve = {"public_reason": "New advice."}
    assert (
        as_curator.post(f"{CHANGES}{first['id']}/approve/", approve, format="json").status_code
        == 200
    )
    response = as_curator.post(f"{CHANGES}{second['id']}/approve/", approve, format="json")
    assert response.status_code == 409
    assert "no longer be made" in response.json()["detail"]
