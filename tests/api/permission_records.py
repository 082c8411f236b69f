"""Records the permission matrix's calls act on: a source in each review state, a change to a
safety rule waiting for review or approved (tests/api/test_permissions.py)."""

from __future__ import annotations

import datetime

from evidence.models import Source
from tests.factories import SafetyRuleFactory, SourceFactory, UserFactory


def source_in(status: str) -> dict:
    submitter = UserFactory(username="submitter", groups=["Evidence curators"])
    source = SourceFactory(status=status)
    if status == Source.Status.IN_REVIEW:
        source.submitted_by, source.submitted_at = submitter, datetime.datetime.now(datetime.UTC)
        source.save()
    return {"slug": source.slug}


def change_call(base: str) -> tuple[dict, dict | None]:
    """A change proposed by someone else: waiting for review, or approved to be undone."""
    from evidence.changes import change_approve, change_propose

    proposer = UserFactory(username="proposer", groups=["Catalogue editors"])
    change = change_propose(
        subject="safety-rule",
        action="update",
        by=proposer,
        reason="Clearer words.",
        target=SafetyRuleFactory(),
        values={"message": "Tell your therapist first."},
    )
    data = {
        "change-approve": {"public_reason": "Clearer words."},
        "change-reject": {"note": "Not yet."},
        "change-revert": {"reason": "Undo it."},
    }.get(base)
    if base == "change-revert":
        reviewer = UserFactory(username="reviewer", groups=["Evidence curators"])
        change = change_approve(change=change, by=reviewer, public_reason="Clearer words.")
    return ({} if base == "change-list" else {"id": change.pk}), data
