"""The admin's review actions on sources, offered and allowed by the role table in
tests/test_admin_permissions.py: submit, publish, retract and return to draft, the two-person
rule, and what the curator is told."""

import pytest

from evidence.models import Source
from tests.factories import SourceFactory, UserFactory
from tests.test_admin_permissions import MATRIX, ROLES, assert_refused, url

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


REVIEW_ACTIONS = {
    # letter: (action, status before, status after)
    "p": ("publish", Source.Status.IN_REVIEW, Source.Status.PUBLISHED),
    "r": ("retract", Source.Status.PUBLISHED, Source.Status.RETRACTED),
}


def review_cases(*, roles: list[str] = ROLES) -> list:
    return [
        pytest.param(
            role, letter, letter in MATRIX["source"][ROLES.index(role)], id=f"{role}-{action}"
        )
        for letter, (action, _, _) in REVIEW_ACTIONS.items()
        for role in roles
    ]


@pytest.mark.parametrize(("role", "letter", "allowed"), review_cases())
def test_review_action(db, login, role, letter, allowed):
    action, before, after = REVIEW_ACTIONS[letter]
    # Submitted by someone else, so the two-person rule does not stand in the way.
    source = SourceFactory(status=before, submitted_by=UserFactory())

    response = login(role).post(
        url("source", "changelist"), {"action": action, "_selected_action": [source.pk]}
    )

    source.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert source.status == after
    else:
        if role == "anonymous":
            assert_refused(response, role)
        assert source.status == before


@pytest.mark.parametrize(("role", "letter", "allowed"), review_cases(roles=ROLES[1:]))
def test_review_action_is_offered_only_with_its_permission(db, login, role, letter, allowed):
    action, _, _ = REVIEW_ACTIONS[letter]

    response = login(role).get(url("source", "changelist"))

    form = response.context["action_form"]
    offered = {choice for choice, _ in form.fields["action"].choices} if form else set()
    assert (action in offered) == allowed


@pytest.mark.parametrize("role", ROLES[1:])
def test_submit_and_return_to_draft_are_offered_only_to_those_who_may_change_sources(
    db, login, role
):
    may_change = "c" in MATRIX["source"][ROLES.index(role)]

    response = login(role).get(url("source", "changelist"))

    form = response.context["action_form"]
    offered = {choice for choice, _ in form.fields["action"].choices} if form else set()
    assert ("submit_for_review" in offered) == may_change
    assert ("return_to_draft" in offered) == may_change


def test_publish_action_reports_the_two_person_refusal(db, curator, client):
    source = SourceFactory(status=Source.Status.IN_REVIEW, submitted_by=curator)
    client.force_login(curator)

    response = client.post(
        url("source", "changelist"),
        {"action": "publish", "_selected_action": [source.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert any("another curator must publish it" in m for m in messages), messages
    source.refresh_from_db()
    assert source.status == Source.Status.IN_REVIEW


def test_publish_action_reports_successes_and_refusals_together(
    db, curator, second_curator, client
):
    mine = SourceFactory(status=Source.Status.IN_REVIEW, submitted_by=curator)
    theirs = SourceFactory(status=Source.Status.IN_REVIEW, submitted_by=second_curator)
    client.force_login(curator)

    response = client.post(
        url("source", "changelist"),
        {"action": "publish", "_selected_action": [mine.pk, theirs.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert "Published 1 source." in messages
    assert any(str(mine) in m for m in messages)
    assert Source.objects.get(pk=theirs.pk).status == Source.Status.PUBLISHED
    assert Source.objects.get(pk=mine.pk).status == Source.Status.IN_REVIEW


def test_review_action_reports_a_source_that_fails_validation(db, curator, client):
    source = SourceFactory(status=Source.Status.DRAFT)
    Source.objects.filter(pk=source.pk).update(url="not an address")  # as if loaded around the form
    client.force_login(curator)

    response = client.post(
        url("source", "changelist"),
        {"action": "submit_for_review", "_selected_action": [source.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith(f"“{source}”: fix it first.") for m in messages), messages
    assert Source.objects.get(pk=source.pk).status == Source.Status.DRAFT
